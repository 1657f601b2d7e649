import type { Message } from "grammy/types";

/** The longest note a newcomer writes for a volunteer. */
export const NOTE_MAX = 500;

/**
 * A note where free text is asked for: a short text, or a voice note (relayed to the volunteer, not
 * transcribed). Anything else is explained by the returned hint.
 */
export function noteAnswer(message: Message): { kind: "text"; text: string } | { kind: "voice"; messageId: number } | { kind: "invalid"; hint: string } {
  if (message.voice) return { kind: "voice", messageId: message.message_id };
  const text = message.text?.trim();
  if (!text) return { kind: "invalid", hint: "mediation.textOrVoice" };
  if (text.length > NOTE_MAX) return { kind: "invalid", hint: "mediation.tooLong" };
  return { kind: "text", text };
}
