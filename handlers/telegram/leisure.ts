import { FREE_TIMES, INTERESTS, localized, type FreeTime, type Interest, type LeisureOfferView } from "../../core/catalog.js";
import type { Label } from "../../core/messages.js";
import { isOneOf, SUGGESTED_LANGUAGE } from "../../core/vocabulary.js";
import { CALLBACK } from "./callback-data.js";
import type { BotContext } from "./context.js";
import { defineDialogue, requestKey } from "./dialogue.js";
import type { Feature } from "./feature.js";
import { backToMenuKeyboard, mainMenu } from "./menu.js";
import { noteStep, type Noted } from "./notes.js";
import { notCreated } from "./requests.js";
import { checked, label, rows, toggle } from "./reply.js";
import { townOf } from "./town.js";

const SHOWN_OFFERS = 5;

type Draft = Noted & { interests: Interest[]; times: FreeTime[] };

/** An offer in the reader's language where a translation exists, marked "in German" where not. */
export function offerLabel(offer: LeisureOfferView, locale: BotContext["locale"]): Label {
  const title = localized(offer, "title", locale);
  const description = localized(offer, "description", locale);
  const lines: Label[] = [{ text: `• ${title.text ?? offer.title}` }];
  if (description.text) lines.push({ text: description.text });
  if (offer.place) lines.push(label("leisure.place", { place: offer.place }));
  lines.push(label("leisure.times", { times: { lines: offer.times.map((t) => label(`leisure.time.${t}`)) } }));
  if (offer.contact) lines.push(label("leisure.contact", { contact: offer.contact }));
  if (title.german || description.german) lines.push(label("leisure.inGerman"));
  if (offer.exampleData) lines.push(label("catalog.example"));
  return { lines };
}

/**
 * Free time: interests and free times, then the catalogue's matching offers; when nothing fits, a
 * leisure buddy is searched for like an interpreter.
 */
const composer = defineDialogue<Draft, "interests" | "times" | "offers" | "note" | "confirm">({
  name: "leisure",
  prefix: "l",
  start: { button: CALLBACK.leisure.pack({}) },
  first: "interests",
  sent: (ctx, dialogueId) => ctx.core.requests.sentWith(requestKey(ctx, dialogueId)),
  begin: () => ({ draft: { interests: [], times: [] } }),
  steps: {
    interests: {
      ask: (_ctx, draft, choice) => ({
        parts: [label("leisure.ask.interests")],
        keyboard: [...rows(INTERESTS.map((i) => choice(i, checked(draft.interests.includes(i), label(`leisure.interest.${i}`))))), [choice("done", label("volunteer.done"))]],
      }),
      button: (value, draft) => {
        if (value === "done") return draft.interests.length ? { go: "times" } : { go: "interests", hint: label("volunteer.pickOne") };
        if (isOneOf(INTERESTS, value)) draft.interests = toggle(draft.interests, value);
        return { go: "interests" };
      },
    },
    times: {
      ask: (_ctx, draft, choice) => ({
        parts: [label("leisure.ask.times")],
        keyboard: [...FREE_TIMES.map((t) => [choice(t, checked(draft.times.includes(t), label(`leisure.time.${t}`)))]), [choice("done", label("volunteer.done"))]],
      }),
      button: async (value, draft, ctx) => {
        if (value === "done") {
          if (!draft.times.length) return { go: "times", hint: label("volunteer.pickOne") };
          // What nobody offers is counted (anonymously) for the AG "Zusammenleben gestalten".
          const town = await ctx.core.town(townOf(ctx));
          await town.recordUnmetInterests(draft.interests, await town.matchingOffers(draft.interests, draft.times));
          return { go: "offers" };
        }
        if (isOneOf(FREE_TIMES, value)) draft.times = toggle(draft.times, value);
        return { go: "times" };
      },
    },
    offers: {
      ask: async (ctx, draft, choice) => {
        const offers = await (await ctx.core.town(townOf(ctx))).matchingOffers(draft.interests, draft.times);
        const company = [choice("company", label("leisure.company"))];
        if (offers.length === 0) return { parts: [label("leisure.noOffers")], keyboard: [company, ...backToMenuKeyboard()] };
        return {
          parts: [label("leisure.offers", { count: offers.length }), ...offers.slice(0, SHOWN_OFFERS).map((o) => offerLabel(o, ctx.locale))],
          keyboard: [company, ...backToMenuKeyboard()],
        };
      },
      button: (value) => ({ go: value === "company" ? "note" : "offers" }),
    },
    note: noteStep("leisure.ask.note", "confirm", "note"),
    confirm: {
      ask: (_ctx, draft, choice) => ({
        parts: [
          label("leisure.ask.confirm"),
          { lines: [label("summary.interests"), ...draft.interests.map((i) => label(`leisure.interest.${i}`))] },
          ...(draft.note ? [label("summary.note", { note: draft.note })] : []),
        ],
        keyboard: [[choice("yes", label("mediation.send"))], [choice("cancel", label("mediation.cancel"))]],
      }),
      button: async (value, draft, ctx, dialogueId) => {
        if (value !== "yes") return { end: mainMenu(label("cancel.done")) };
        const result = await ctx.core.requests.create(
          ctx.from?.id ?? 0,
          {
            kind: "LEISURE",
            language: SUGGESTED_LANGUAGE[ctx.locale] ?? "de",
            interests: draft.interests,
            availability: draft.times,
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

export const leisureFeature: Feature = { name: "leisure", composer };
