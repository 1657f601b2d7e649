import type { types } from "@slack/bolt";

/** Small Block Kit builders, so that handlers read as what they show. */
export type Block = types.KnownBlock;

export const header = (text: string): Block => ({ type: "header", text: { type: "plain_text", text: text.slice(0, 150) } });
export const section = (markdown: string): Block => ({ type: "section", text: { type: "mrkdwn", text: markdown.slice(0, 3000) } });
export const fields = (items: string[]): Block => ({ type: "section", fields: items.slice(0, 10).map((text) => ({ type: "mrkdwn", text })) });
export const context = (markdown: string): Block => ({ type: "context", elements: [{ type: "mrkdwn", text: markdown }] });
export const divider = (): Block => ({ type: "divider" });

export type ButtonStyle = "primary" | "danger";
export const button = (text: string, actionId: string, value: string, style?: ButtonStyle) => ({
  type: "button" as const,
  text: { type: "plain_text" as const, text: text.slice(0, 75) },
  action_id: actionId,
  value,
  ...(style ? { style } : {}),
});
export const actions = (blockId: string, elements: ReturnType<typeof button>[]): Block => ({ type: "actions", block_id: blockId, elements });

/** Escapes text for mrkdwn (&, <, >). */
export const escape = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
