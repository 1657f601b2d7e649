import { FeatureComposer } from "./composer.js";
import { CONTACT_CATEGORIES, isContactCategory, localized, type ContactCategory, type ContactPointView } from "../../core/catalog.js";
import { LOCALES, type I18n } from "../../core/i18n.js";
import type { Label } from "../../core/messages.js";
import { CALLBACK } from "./callback-data.js";
import type { BotContext, Reply } from "./context.js";
import { defineDialogue } from "./dialogue.js";
import type { Feature } from "./feature.js";
import { backToMenuKeyboard } from "./menu.js";
import { label, rows } from "./reply.js";
import { townOf } from "./town.js";

/** A contact point in the reader's language where a translation exists. */
export function contactLabel(point: ContactPointView, locale: BotContext["locale"], town: string): Label {
  const name = localized(point, "name", locale);
  const description = localized(point, "description", locale);
  const lines: Label[] = [{ text: `📍 ${name.text ?? point.name}` }];
  if (description.text) lines.push({ text: description.text });
  if (point.address) lines.push(label("contacts.address", { address: point.address }));
  if (point.openingHours) lines.push(label("contacts.hours", { hours: point.openingHours }));
  if (point.phone) lines.push(label("contacts.phone", { phone: point.phone }));
  if (point.web) lines.push(label("contacts.web", { web: point.web }));
  if (point.languages.length) lines.push(label("contacts.languages", { languages: { lines: point.languages.map((l) => ({ language: l })) } }));
  if (!point.address && !point.phone && !point.web) lines.push(label("contacts.askIntegration", { town: { text: town } }));
  if (description.german) lines.push(label("leisure.inGerman"));
  if (point.exampleData) lines.push(label("catalog.example"));
  return { lines };
}

/** For each category, the words that mean it in every language: its name and its keywords. */
export function categoryWords(i18n: I18n): Record<ContactCategory, string[]> {
  const words = {} as Record<ContactCategory, string[]>;
  for (const category of CONTACT_CATEGORIES) {
    words[category] = LOCALES.flatMap((locale) => [
      i18n.t(locale, `contacts.category.${category}`, undefined, { isolate: false }),
      ...i18n.t(locale, `contacts.keywords.${category}`, undefined, { isolate: false }).split(","),
    ])
      .map((w) => w.replace(/[\u200f\u200e]/g, "").replace(/^\p{Extended_Pictographic}\s*/u, "").trim())
      .filter((w) => w.length >= 3);
  }
  return words;
}

function categories(): Reply {
  return {
    parts: [label("contacts.choose")],
    keyboard: [...rows(CONTACT_CATEGORIES.map((c) => ({ ...label(`contacts.category.${c}`), data: CALLBACK.contactCategory.pack({ category: c }) }))), [{ ...label("contacts.search"), data: CALLBACK.contactSearch.pack({}) }], ...backToMenuKeyboard()],
  };
}

function results(points: ContactPointView[], ctx: BotContext, heading: Label, town: string): Reply {
  const keyboard = [[{ ...label("contacts.back"), data: CALLBACK.contacts.pack({}) }], ...backToMenuKeyboard()];
  if (points.length === 0) return { parts: [label("contacts.none", { town: { text: town } })], keyboard };
  return { parts: [heading, ...points.slice(0, 8).map((p) => contactLabel(p, ctx.locale, town))], keyboard };
}

const composer = new FeatureComposer<BotContext>();
const privateChat = composer.chatType("private");

privateChat.callbackQuery(CALLBACK.contacts.filter, async (ctx) => {
  await ctx.answerCallbackQuery();
  await ctx.replace(categories());
});

privateChat.callbackQuery(CALLBACK.contactCategory.filter, async (ctx) => {
  const category = CALLBACK.contactCategory.unpack(ctx.callbackQuery.data)?.category ?? "";
  if (!isContactCategory(category)) {
    await ctx.answerCallbackQuery({ text: ctx.t("fallback.staleButton") });
    return ctx.replace(categories());
  }
  await ctx.answerCallbackQuery();
  const town = await ctx.core.town(townOf(ctx));
  await ctx.replace(results(await town.contactPointsIn(category), ctx, label(`contacts.category.${category}`), town.network?.name ?? ""));
});

// A search in the person's own words: one question, the answer is the search.
composer.use(
  defineDialogue<Record<string, never>, "search">({
    name: "contacts",
    prefix: "c",
    start: { button: CALLBACK.contactSearch.pack({}) },
    first: "search",
    begin: () => ({ draft: {} }),
    steps: {
      search: {
        ask: () => ({ parts: [label("contacts.ask")] }),
        message: async (message, _draft, ctx) => {
          const query = message.text?.trim();
          if (!query) return { go: "search" };
          const town = await ctx.core.town(townOf(ctx));
          const found = await town.searchContactPoints(query, categoryWords(ctx.deps.i18n));
          return { end: results(found, ctx, label("contacts.found", { query }), town.network?.name ?? "") };
        },
      },
    },
  }),
);

export const contactsFeature: Feature = { name: "contacts", composer };
