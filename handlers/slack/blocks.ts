import type { types } from "@slack/bolt";
import { clip, SLACK_SECTION_MAX, splitText } from "../../core/long-text.js";

/** Small Block Kit builders, so that handlers read as what they show. */
export type Block = types.KnownBlock;

/** Block Kit's limits (https://docs.slack.dev/reference/block-kit/blocks): header text 150, a field 2000, context text 3000. */
const HEADER_MAX = 150;
const FIELD_MAX = 2000;
const FIELDS_MAX = 10;
const BUTTON_TEXT_MAX = 75;

export const header = (text: string): Block => ({ type: "header", text: { type: "plain_text", text: clip(text, HEADER_MAX) } });
/** One section; a text longer than a section takes is clipped (use {@link sections} where all of it matters). */
export const section = (markdown: string): Block => ({ type: "section", text: { type: "mrkdwn", text: clip(markdown, SLACK_SECTION_MAX) } });
/** As many sections as a long text needs, cut between paragraphs or lines. */
export const sections = (markdown: string): Block[] => splitText(markdown, SLACK_SECTION_MAX).map(section);
export const fields = (items: string[]): Block => ({ type: "section", fields: items.slice(0, FIELDS_MAX).map((text) => ({ type: "mrkdwn", text: clip(text, FIELD_MAX) })) });
export const context = (markdown: string): Block => ({ type: "context", elements: [{ type: "mrkdwn", text: clip(markdown, SLACK_SECTION_MAX) }] });
export const divider = (): Block => ({ type: "divider" });

export type ButtonStyle = "primary" | "danger";
export const button = (text: string, actionId: string, value: string, style?: ButtonStyle) => ({
  type: "button" as const,
  text: { type: "plain_text" as const, text: clip(text, BUTTON_TEXT_MAX) },
  action_id: actionId,
  value,
  ...(style ? { style } : {}),
});
/** A button that opens a link (Slack still reports the click: its listener only acknowledges it). */
export const linkButton = (text: string, actionId: string, url: string) => ({
  type: "button" as const,
  text: { type: "plain_text" as const, text: clip(text, BUTTON_TEXT_MAX) },
  url,
  action_id: actionId,
});
type Element = ReturnType<typeof button> | ReturnType<typeof linkButton>;

/** An actions block; its elements' action ids must differ (Slack refuses the message otherwise: a bug here). */
export function actions(blockId: string, elements: Element[]): Block {
  const ids = elements.map((e) => e.action_id);
  const twice = ids.find((id, i) => ids.indexOf(id) !== i);
  if (twice) throw new Error(`action_id ${twice} twice in block ${blockId}`);
  return { type: "actions", block_id: blockId, elements };
}

/** Escapes text for mrkdwn (&, <, >). */
export const escape = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
