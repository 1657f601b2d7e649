import { CALLBACK } from "./callback-data.js";
import { defineDialogue } from "./dialogue.js";
import type { Feature } from "./feature.js";
import { mainMenu } from "./menu.js";
import { label, longerThan } from "./reply.js";

const TEXT_MAX = 1000;
const PLACE_MAX = 200;

type Draft = { text?: string; place?: string; anonymous?: boolean };

/** Reporting discrimination: what happened, where (optional), anonymous or with contact through the bot. */
const composer = defineDialogue<Draft, "text" | "place" | "contact" | "confirm">({
  name: "report",
  prefix: "r",
  start: { button: CALLBACK.report.pack({}) },
  first: "text",
  // An anonymous report must not be traceable to its chat through the times of the messages around it.
  forget: true,
  begin: () => ({ draft: {} }),
  steps: {
    text: {
      ask: () => ({ parts: [label("report.intro"), label("report.ask.text", { max: TEXT_MAX })] }),
      message: (message, draft) => {
        const text = message.text?.trim();
        if (!text) return { go: "text", hint: label(message.voice ? "report.pleaseWrite" : "mediation.useButtons") };
        if (longerThan(text, TEXT_MAX)) return { go: "text", hint: label("mediation.tooLong", { max: TEXT_MAX }) };
        draft.text = text;
        return { go: "place" };
      },
    },
    place: {
      ask: (_ctx, _draft, choice) => ({ parts: [label("report.ask.place")], keyboard: [[choice("skip", label("mediation.skip"))]] }),
      button: () => ({ go: "contact" }),
      message: (message, draft) => {
        const place = message.text?.trim();
        if (!place) return { go: "place", hint: label("mediation.useButtons") };
        if (longerThan(place, PLACE_MAX)) return { go: "place", hint: label("mediation.tooLong", { max: PLACE_MAX }) };
        draft.place = place;
        return { go: "contact" };
      },
    },
    contact: {
      ask: (_ctx, _draft, choice) => ({
        parts: [label("report.ask.contact")],
        keyboard: [[choice("anonymous", label("report.anonymous"))], [choice("contact", label("report.contactMe"))]],
      }),
      chosen: (draft) => (draft.anonymous === undefined ? undefined : draft.anonymous ? "anonymous" : "contact"),
      button: (value, draft) => {
        draft.anonymous = value !== "contact";
        return { go: "confirm" };
      },
    },
    confirm: {
      ask: (_ctx, draft, choice) => ({
        parts: [label("report.ask.confirm"), { text: draft.text ?? "" }, ...(draft.place ? [label("summary.place", { place: draft.place })] : []), label(draft.anonymous ? "report.anonymous" : "report.contactMe")],
        keyboard: [[choice("yes", label("report.send"))], [choice("cancel", label("mediation.cancel"))]],
      }),
      button: async (value, draft, ctx) => {
        if (value !== "yes" || !draft.text) return { end: mainMenu(label("cancel.done")) };
        const reported = await ctx.core.reports.report(ctx.from?.id ?? 0, { text: draft.text, anonymous: draft.anonymous ?? true, ...(draft.place ? { place: draft.place } : {}) });
        if (reported.kind === "no-town") return { end: mainMenu(label("town.needed")) };
        return { end: mainMenu(label(draft.anonymous ? "report.thanksAnonymous" : "report.thanks", { reference: reported.reference })) };
      },
    },
  },
});

export const reportFeature: Feature = { name: "report", composer };
