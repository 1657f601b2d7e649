import { FeatureComposer } from "./composer.js";
import { LOCALE_NAMES, LOCALES, isLocale, type Locale } from "../../core/i18n.js";
import type { Keyboard } from "../../core/outbox.js";
import { type BotContext, type Reply } from "./context.js";
import { label } from "./reply.js";
import type { Feature } from "./feature.js";
import { CALLBACK } from "./callback-data.js";
import { currentDialogue, withResume } from "./dialogue.js";
import { placeByLink, townQuestion } from "./town.js";
import { menuFor } from "./menu.js";

/**
 * Every language by its own name, the suggested one first, two to a row.
 *
 * @example
 * languagePicker("ar")[0][0]; // { text: "العربية", data: "lang:ar" }
 */
export function languagePicker(suggested: Locale | undefined): Keyboard {
  const order = suggested ? [suggested, ...LOCALES.filter((l) => l !== suggested)] : [...LOCALES];
  const buttons = order.map((locale) => ({ text: LOCALE_NAMES[locale], data: CALLBACK.chooseLanguage.pack({ locale }) }));
  const rows: Keyboard = [];
  for (let i = 0; i < buttons.length; i += 2) rows.push(buttons.slice(i, i + 2));
  return rows;
}

export function languageQuestion(ctx: BotContext): Reply {
  return { parts: [label("language.choose")], keyboard: languagePicker(ctx.user?.locale ?? ctx.suggestedLocale) };
}

function privacyNotice(): Reply {
  return {
    parts: [label("privacy.notice")],
    keyboard: [[{ key: "privacy.agree", data: CALLBACK.consent.pack({}) }], [{ key: "privacy.decline", data: CALLBACK.decline.pack({}) }]],
  };
}

const composer = new FeatureComposer<BotContext>();
const privateChat = composer.chatType("private");

privateChat.command("start", async (ctx) => {
  // A poster's link (t.me/<bot>?start=beckum) places the person in its town, before anything else.
  const slug = ctx.match.trim();
  const town = slug ? await placeByLink(ctx, slug) : undefined;
  if (!ctx.user?.consentAt) return ctx.say(languageQuestion(ctx));
  if (town) return ctx.say(await withResume(ctx, await menuFor(ctx, label("town.placed", { town: { text: town.name } }))));
  if (slug || !ctx.user.networkId) return ctx.say(await townQuestion(ctx, ...(slug ? [label("town.unknownLink")] : [])));
  await ctx.say(await withResume(ctx, await menuFor(ctx, label("start.welcomeBack"))));
});

privateChat.callbackQuery(CALLBACK.chooseLanguage.filter, async (ctx) => {
  const chosen = CALLBACK.chooseLanguage.unpack(ctx.callbackQuery.data)?.locale;
  if (!isLocale(chosen)) {
    await ctx.answerCallbackQuery({ text: ctx.t("fallback.staleButton") });
    return ctx.say(languageQuestion(ctx));
  }
  const user = await ctx.core.users.chooseLocale(ctx.from.id, chosen);
  ctx.user = user;
  ctx.locale = chosen;
  await ctx.answerCallbackQuery({ text: LOCALE_NAMES[chosen] });
  if (!user.consentAt) return ctx.replace(privacyNotice());
  await ctx.replace(await withResume(ctx, await menuFor(ctx, label("language.changed", { language: LOCALE_NAMES[chosen] }))));
});

privateChat.callbackQuery(CALLBACK.consent.filter, async (ctx) => {
  const user = ctx.user?.consentAt ? ctx.user : await ctx.core.users.giveConsent(ctx.from.id);
  await ctx.answerCallbackQuery();
  if (!user) return ctx.say(languageQuestion(ctx));
  ctx.user = user;
  await ctx.replace(user.networkId ? await menuFor(ctx, label("privacy.thanks")) : await townQuestion(ctx, label("privacy.thanks")));
});

privateChat.callbackQuery(CALLBACK.decline.filter, async (ctx) => {
  await ctx.core.users.declineConsent(ctx.from.id);
  ctx.user = ctx.user?.consentAt ? ctx.user : undefined;
  await ctx.answerCallbackQuery();
  await ctx.replace({ parts: [label(ctx.user ? "privacy.alreadyGiven" : "privacy.declined")] });
});

// Until someone has picked a language and accepted the notice, everything leads back there.
composer.use(async (ctx, next) => {
  if (ctx.user?.consentAt || ctx.chat?.type !== "private") return next();
  const allowedBeforeConsent = ctx.hasCommand(["help", "language"]) || ctx.callbackQuery?.data === CALLBACK.language.pack({});
  if (allowedBeforeConsent) return next();
  if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: ctx.t("privacy.needed") });
  await ctx.say(ctx.user?.locale ? privacyNotice() : languageQuestion(ctx));
});

// Then, where there are several towns, the person's town: every service is a town's.
composer.use(async (ctx, next) => {
  if (ctx.user?.networkId || ctx.chat?.type !== "private") return next();
  const allowedWithoutTown =
    ctx.hasCommand(["help", "language", "town", "mydata", "deletemydata", "cancel"]) ||
    [CALLBACK.language, CALLBACK.help, CALLBACK.myData, CALLBACK.eraseData, CALLBACK.eraseDataSure].some((c) => ctx.callbackQuery?.data === c.pack({})) ||
    (await currentDialogue(ctx, "town")) !== undefined;
  if (allowedWithoutTown) return next();
  if (ctx.callbackQuery) await ctx.answerCallbackQuery();
  await ctx.say(await townQuestion(ctx));
});

export const startFeature: Feature = { name: "start", composer, commands: ["start"] };
