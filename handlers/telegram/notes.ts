import type { Message } from "grammy/types";
import type { Outcome, StepSpec } from "./dialogue.js";
import { label, longerThan } from "./reply.js";

/** The longest note a newcomer writes for a volunteer. */
export const NOTE_MAX = 500;

/** What a note step keeps: a short text, or a voice note relayed to the volunteer (not transcribed). */
export type Noted = { note?: string; attachments?: { messageId: number; kind: "photo" | "voice" }[] };

/** A note where free text is asked for: a short text or a voice note; anything else is explained. */
export function noteAnswer(message: Message): { kind: "text"; text: string } | { kind: "voice"; messageId: number } | { kind: "invalid"; hint: string } {
  if (message.voice) return { kind: "voice", messageId: message.message_id };
  const text = message.text?.trim();
  if (!text) return { kind: "invalid", hint: "mediation.textOrVoice" };
  if (longerThan(text, NOTE_MAX)) return { kind: "invalid", hint: "mediation.tooLong" };
  return { kind: "text", text };
}

/**
 * The note step every request dialogue has: `question` asks for it, "skip" goes on without one, a text or a
 * voice note is kept and leads to `next`.
 */
export function noteStep<Draft extends Noted, Step extends string>(question: string, next: Step, here: Step): StepSpec<Draft, Step> {
  return {
    ask: (_ctx, _draft, choice) => ({ parts: [label(question, { max: NOTE_MAX })], keyboard: [[choice("skip", label("mediation.skip"))]] }),
    button: (value): Outcome<Step> => (value === "skip" ? { go: next } : { go: here, hint: label("mediation.invalidChoice") }),
    message: (message, draft): Outcome<Step> => {
      const answer = noteAnswer(message);
      if (answer.kind === "invalid") return { go: here, hint: label(answer.hint, { max: NOTE_MAX }) };
      if (answer.kind === "text") draft.note = answer.text;
      else draft.attachments = [...(draft.attachments ?? []), { messageId: answer.messageId, kind: "voice" }];
      return { go: next };
    },
  };
}
