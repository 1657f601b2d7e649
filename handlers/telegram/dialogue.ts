import { randomBytes } from "node:crypto";
import type { Button, Keyboard, Label, LabelParams } from "../../core/messages.js";
import type { BotContext, Dialogue } from "./context.js";

/**
 * Helpers for guided dialogues whose state lives in the session (PostgreSQL): each answer button carries
 * the dialogue's id and step, so a button from an older dialogue, or from an earlier step, is recognised
 * as stale instead of changing anything.
 */
export function dialogueButtons(prefix: string) {
  const data = (dialogue: Pick<Dialogue, "id">, step: string, value: string) => `${prefix}:${dialogue.id}:${step}:${value}`;
  return {
    /** Callback data for an answer. */
    data,
    /** The pattern of this dialogue's callback data: id, step, value. */
    pattern: new RegExp(`^${prefix}:([\\w-]+):(\\w+):(.*)$`),
    button: (dialogue: Pick<Dialogue, "id">, step: string, value: string, label: Label): Button => ({ ...label, data: data(dialogue, step, value) }),
  };
}

export function newDialogue(name: string, step: string, data: Record<string, unknown> = {}): Dialogue {
  return { name, step, id: randomBytes(4).toString("base64url"), data };
}

/** The dialogue `name` if it is the one in progress. */
export async function currentDialogue(ctx: BotContext, name: string): Promise<Dialogue | undefined> {
  const session = await ctx.session;
  return session.dialogue?.name === name ? session.dialogue : undefined;
}

export async function setDialogue(ctx: BotContext, dialogue: Dialogue | undefined): Promise<void> {
  const session = await ctx.session;
  if (dialogue) session.dialogue = dialogue;
  else delete session.dialogue;
}

/** Rows of `per` buttons. */
export function rows(buttons: Button[], per = 2): Keyboard {
  const keyboard: Keyboard = [];
  for (let i = 0; i < buttons.length; i += per) keyboard.push(buttons.slice(i, i + per));
  return keyboard;
}

/** A translated label with parameters. */
export const label = (key: string, params?: LabelParams): Label => (params ? { key, params } : { key });

/** Normalises Arabic-Indic and Persian digits, so that "١٠:٣٠" reads as "10:30". */
export function asciiDigits(text: string): string {
  return text.replace(/[\u0660-\u0669\u06f0-\u06f9]/g, (d) => String((d.charCodeAt(0) & 0xf) % 10));
}
