import { Composer } from "grammy";
import { CONTACT_CATEGORIES, contactPointsIn, isContactCategory, localized, searchContactPoints, type ContactCategory, type ContactPointView } from "../../core/catalog.js";
import type { I18n } from "../../core/i18n.js";
import { LOCALES } from "../../core/i18n.js";
import type { Label } from "../../core/messages.js";
import type { BotContext, Reply } from "./context.js";
import { currentDialogue, label, newDialogue, rows, setDialogue } from "./dialogue.js";
import type { Feature } from "./feature.js";
import { MAX_TEXT_LENGTH } from "./fallback.js";
import { MENU, backToMenuKeyboard } from "./menu.js";

const NAME = "contacts";
export const CONTACTS = { category: (c: ContactCategory) => `cp:cat:${c}`, search: "cp:search" } as const;

/** A contact point in the reader's language where a translation exists. */
export function contactLabel(point: ContactPointView, locale: BotContext["locale"]): Label {
  const name = localized(point, "name", locale);
  const description = localized(point, "description", locale);
  const lines: Label[] = [{ text: `📍 ${name.text ?? point.name}` }];
  if (description.text) lines.push({ text: description.text });
  if (point.address) lines.push(label("contacts.address", { address: point.address }));
  if (point.openingHours) lines.push(label("contacts.hours", { hours: point.openingHours }));
  if (point.phone) lines.push(label("contacts.phone", { phone: point.phone }));
  if (point.web) lines.push(label("contacts.web", { web: point.web }));
  if (point.languages.length) lines.push(label("contacts.languages", { languages: { lines: point.languages.map((l) => ({ language: l })) } }));
  if (!point.address && !point.phone && !point.web) lines.push(label("contacts.askIntegration"));
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
    keyboard: [...rows(CONTACT_CATEGORIES.map((c) => ({ ...label(`contacts.category.${c}`), data: CONTACTS.category(c) }))), [{ ...label("contacts.search"), data: CONTACTS.search }], ...backToMenuKeyboard()],
  };
}

function results(points: ContactPointView[], ctx: BotContext, heading: Label): Reply {
  if (points.length === 0) return { parts: [label("contacts.none")], keyboard: [[{ ...label("contacts.back"), data: MENU.contacts }], ...backToMenuKeyboard()] };
  return { parts: [heading, ...points.slice(0, 8).map((p) => contactLabel(p, ctx.locale))], keyboard: [[{ ...label("contacts.back"), data: MENU.contacts }], ...backToMenuKeyboard()] };
}

const composer = new Composer<BotContext>();
const privateChat = composer.chatType("private");

privateChat.callbackQuery(MENU.contacts, async (ctx) => {
  await ctx.answerCallbackQuery();
  await ctx.replace(categories());
});

privateChat.callbackQuery(/^cp:cat:(\w+)$/, async (ctx) => {
  const category = ctx.match[1] ?? "";
  if (!isContactCategory(category)) {
    await ctx.answerCallbackQuery({ text: ctx.t("fallback.staleButton") });
    return ctx.replace(categories());
  }
  await ctx.answerCallbackQuery();
  await ctx.replace(results(await contactPointsIn(ctx.deps.db, category), ctx, label(`contacts.category.${category}`)));
});

privateChat.callbackQuery(CONTACTS.search, async (ctx) => {
  await ctx.answerCallbackQuery();
  await setDialogue(ctx, newDialogue(NAME, "search"));
  await ctx.replace({ parts: [label("contacts.ask")] });
});

privateChat.on("message", async (ctx, next) => {
  if (!(await currentDialogue(ctx, NAME)) || ctx.message.text?.startsWith("/")) return next();
  const query = ctx.message.text?.trim();
  if (!query || query.length > MAX_TEXT_LENGTH) return ctx.say({ parts: [label("contacts.ask")] });
  await setDialogue(ctx, undefined);
  const found = await searchContactPoints(ctx.deps.db, query, categoryWords(ctx.deps.i18n));
  await ctx.say(results(found, ctx, label("contacts.found", { query })));
});

export const contactsFeature: Feature = { name: NAME, composer };
