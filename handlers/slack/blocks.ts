import type { types } from "@slack/bolt";
import { characters, clip, SLACK_SECTION_MAX, splitText, truncate } from "../../core/long-text.js";

/** Small Block Kit builders, so that handlers read as what they show. */
export type Block = types.KnownBlock;

/** Block Kit's limits (https://docs.slack.dev/reference/block-kit/blocks): header text 150, a field 2000, context text 3000. */
const HEADER_MAX = 150;
const FIELD_MAX = 2000;
const FIELDS_MAX = 10;
const BUTTON_TEXT_MAX = 75;
/** Option object: "text … Maximum length for this field is 75 characters" (composition-objects/option-object). */
const OPTION_TEXT_MAX = 75;

export const header = (text: string): Block => ({ type: "header", text: { type: "plain_text", text: clip(text, HEADER_MAX) } });
/** One section; a text longer than a section takes is clipped (use {@link sections} where all of it matters). */
export const section = (markdown: string): Block => ({ type: "section", text: { type: "mrkdwn", text: clip(markdown, SLACK_SECTION_MAX) } });
/** As many sections as a long text needs, cut between paragraphs or lines. */
export const sections = (markdown: string): Block[] => splitText(markdown, SLACK_SECTION_MAX).map(section);
export const fields = (items: string[]): Block => ({ type: "section", fields: items.slice(0, FIELDS_MAX).map((text) => ({ type: "mrkdwn", text: clip(text, FIELD_MAX) })) });
export const context = (markdown: string): Block => ({ type: "context", elements: [{ type: "mrkdwn", text: clip(markdown, SLACK_SECTION_MAX) }] });
export const divider = (): Block => ({ type: "divider" });

/** An option of a select menu or checkboxes; a longer text (an AG's name) is clipped, never cut inside an emoji. */
export const option = (text: string, value: string) => ({ text: { type: "plain_text" as const, text: clip(text, OPTION_TEXT_MAX) }, value });

/**
 * A plain-text input of a modal. A prefilled value longer than `max` is clipped to it: Slack's client
 * refuses to submit a field over its max_length (plain-text-input element: "If the user provides more,
 * they will receive an error"), so an unclipped one (a 300-character poll question as a meeting's
 * 120-character title) would leave the member a form they cannot send as it is.
 */
export function textInput(options: { initial?: string | null | undefined; max?: number; multiline?: boolean; actionId?: string }) {
  const { initial, max, multiline, actionId = "value" } = options;
  return {
    type: "plain_text_input" as const,
    action_id: actionId,
    ...(multiline ? { multiline: true } : {}),
    ...(max !== undefined ? { max_length: max } : {}),
    // Measured as Slack measures max_length (characters): a value that fits is kept whole, emoji and all.
    ...(initial ? { initial_value: max !== undefined && characters(initial) > max ? `${truncate(initial, max - 1)}…` : initial } : {}),
  };
}

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

/** How many blocks a surface takes: "up to 50 blocks in each message, and 100 blocks in modals or Home tabs" (Block Kit, blocks). */
export const MAX_BLOCKS = { message: 50, modal: 100, home: 100 } as const;

/**
 * The blocks of as many items of a list (each one or more blocks) as fit into `room` blocks; when some do
 * not fit, a last line says how many more there are ("… +12"), so that a long list never makes Slack
 * refuse the whole message or view.
 *
 * @example
 * [header("AGs"), ...within(MAX_BLOCKS.message - 2, groups.map((g) => [section(g.name)])), context(hint)];
 */
export function within(room: number, items: Block[][]): Block[] {
  if (items.reduce((sum, item) => sum + item.length, 0) <= room) return items.flat();
  const shown: Block[] = [];
  let count = 0;
  for (const item of items) {
    if (shown.length + item.length > room - 1) break;
    shown.push(...item);
    count++;
  }
  return [...shown, context(`… +${items.length - count}`)];
}

/** A select menu's "options: Maximum number of options is 100"; more go into option groups of 100 ("option_groups: … 100"). */
const OPTIONS_MAX = 100;

/** The options of a static select: as they are up to 100, else in groups of 100 (labelled by position, "101–200"). */
export function selectOptions(options: ReturnType<typeof option>[]) {
  if (options.length <= OPTIONS_MAX) return { options };
  const groups = [];
  for (let i = 0; i < options.length; i += OPTIONS_MAX) {
    const part = options.slice(i, i + OPTIONS_MAX);
    groups.push({ label: { type: "plain_text" as const, text: `${i + 1}–${i + part.length}` }, options: part });
  }
  return { option_groups: groups };
}

/** Escapes text for mrkdwn (&, <, >). */
export const escape = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** A modal with its submit and close buttons; `metadata` comes back with the submission as `private_metadata`. */
export function modal(view: { callbackId: string; title: string; submit: string; close: string; metadata?: string; blocks: types.ModalView["blocks"] }): types.ModalView {
  return {
    type: "modal",
    callback_id: view.callbackId,
    ...(view.metadata === undefined ? {} : { private_metadata: view.metadata }),
    title: { type: "plain_text", text: view.title },
    submit: { type: "plain_text", text: view.submit },
    close: { type: "plain_text", text: view.close },
    blocks: view.blocks,
  };
}
