import { isOneOf, MEDIATION_LANGUAGES, SUGGESTED_LANGUAGE } from "../../core/vocabulary.js";
import { CALLBACK } from "./callback-data.js";
import { defineDialogue, requestKey } from "./dialogue.js";
import type { Feature } from "./feature.js";
import { mainMenu } from "./menu.js";
import { noteStep, type Noted } from "./notes.js";
import { notCreated } from "./requests.js";
import { label, rows } from "./reply.js";

export const TOPICS = ["EVERYDAY", "AUTHORITIES", "WORK", "LANGUAGE", "FAMILY"] as const;
const GENDERS = ["ANY", "WOMAN", "MAN"] as const;

type Draft = Noted & { topic?: string; language?: string; gender?: string };

/** Asking for a mentor: a topic, a language to talk in, a woman or a man if it matters, a note. */
const composer = defineDialogue<Draft, "topic" | "language" | "gender" | "note" | "confirm">({
  name: "mentoring",
  prefix: "p",
  start: { button: CALLBACK.mentoring.pack({}) },
  first: "topic",
  sent: (ctx, dialogueId) => ctx.core.requests.sentWith(requestKey(ctx, dialogueId)),
  begin: () => ({ draft: {} }),
  steps: {
    topic: {
      ask: (_ctx, _draft, choice) => ({ parts: [label("mentoring.intro"), label("mentoring.ask.topic")], keyboard: TOPICS.map((t) => [choice(t, label(`mentoring.topic.${t}`))]) }),
      chosen: (draft) => draft.topic,
      button: (value, draft) => {
        if (!isOneOf(TOPICS, value)) return { go: "topic" };
        draft.topic = value;
        return { go: "language" };
      },
    },
    language: {
      ask: (ctx, _draft, choice) => {
        const suggested = SUGGESTED_LANGUAGE[ctx.locale];
        const order = ["de", ...(suggested ? [suggested] : []), ...MEDIATION_LANGUAGES.filter((l) => l !== suggested)];
        return { parts: [label("mentoring.ask.language")], keyboard: rows(order.map((code) => choice(code, { language: code }))) };
      },
      chosen: (draft) => draft.language,
      button: (value, draft) => {
        if (value !== "de" && !isOneOf(MEDIATION_LANGUAGES, value)) return { go: "language" };
        draft.language = value;
        return { go: "gender" };
      },
    },
    gender: {
      ask: (_ctx, _draft, choice) => ({ parts: [label("mentoring.ask.gender")], keyboard: GENDERS.map((g) => [choice(g, label(`mentoring.gender.${g}`))]) }),
      chosen: (draft) => draft.gender,
      button: (value, draft) => {
        if (!isOneOf(GENDERS, value)) return { go: "gender" };
        draft.gender = value;
        return { go: "note" };
      },
    },
    note: noteStep("mentoring.ask.note", "confirm", "note"),
    confirm: {
      ask: (_ctx, draft, choice) => ({
        parts: [
          label("mediation.ask.confirm"),
          {
            lines: [
              label("summary.topic", { topic: label(`mentoring.topic.${draft.topic ?? "EVERYDAY"}`) }),
              label("summary.language", { language: { language: draft.language ?? "de" } }),
              label("summary.gender", { gender: label(`mentoring.gender.${draft.gender ?? "ANY"}`) }),
              ...(draft.note ? [label("summary.note", { note: draft.note })] : []),
            ],
          },
        ],
        keyboard: [[choice("yes", label("mediation.send"))], [choice("cancel", label("mediation.cancel"))]],
      }),
      button: async (value, draft, ctx, dialogueId) => {
        if (value !== "yes" || !draft.topic || !draft.language) return { end: mainMenu(label("cancel.done")) };
        const result = await ctx.core.requests.create(
          ctx.from?.id ?? 0,
          {
            kind: "MENTORING",
            language: draft.language,
            topic: draft.topic,
            ...(draft.gender && draft.gender !== "ANY" ? { genderPreference: draft.gender } : {}),
            ...(draft.note ? { note: draft.note } : {}),
            ...(draft.attachments?.length ? { attachments: draft.attachments } : {}),
          },
          requestKey(ctx, dialogueId),
        );
        const refused = notCreated(result);
        return { end: refused ?? { parts: [label("mediation.sent")] } };
      },
    },
  },
});

export const mentoringFeature: Feature = { name: "mentoring", composer };
