import { Composer } from "grammy";
import { LOCALE_NAMES, LOCALES, isLocale, type Locale } from "../../core/i18n.js";
import type { Keyboard } from "../../core/outbox.js";
import { chooseLocale, declineConsent, giveConsent } from "../../core/users.js";
import { part, type BotContext, type Reply } from "./context.js";
import type { Feature } from "./feature.js";
import { MENU, mainMenu } from "./menu.js";

/** Callback data of onboarding's buttons. */
export const ONBOARDING = {
  language: (locale: Locale) => `lang:${locale}`,
  agree: "consent:yes",
  decline: "consent:no",
} as const;

/**
 * Every language by its own name, the suggested one first, two to a row.
 *
 * @example
 * languagePicker("ar")[0][0]; // { text: "العربية", data: "lang:ar" }
 */
export function languagePicker(suggested: Locale | undefined): Keyboard {
  const order = suggested ? [suggested, ...LOCALES.filter((l) => l !== suggested)] : [...LOCALES];
  const buttons = order.map((locale) => ({ text: LOCALE_NAMES[locale], data: ONBOARDING.language(locale) }));
  const rows: Keyboard = [];
  for (let i = 0; i < buttons.length; i += 2) rows.push(buttons.slice(i, i + 2));
  return rows;
}

export function languageQuestion(ctx: BotContext): Reply {
  return { parts: [part("language.choose")], keyboard: languagePicker(ctx.user?.locale ?? ctx.suggestedLocale) };
}

function privacyNotice(): Reply {
  return {
    parts: [part("privacy.notice")],
    keyboard: [[{ key: "privacy.agree", data: ONBOARDING.agree }], [{ key: "privacy.decline", data: ONBOARDING.decline }]],
  };
}

const composer = new Composer<BotContext>();
const privateChat = composer.chatType("private");

privateChat.command("start", async (ctx) => {
  if (ctx.user?.consentAt) return ctx.say(mainMenu(part("start.welcomeBack")));
  await ctx.say(languageQuestion(ctx));
});

privateChat.callbackQuery(/^lang:(\w+)$/, async (ctx) => {
  const chosen = ctx.match[1];
  if (!isLocale(chosen)) {
    await ctx.answerCallbackQuery({ text: ctx.t("fallback.staleButton") });
    return ctx.say(languageQuestion(ctx));
  }
  const user = await chooseLocale(ctx.deps.db, ctx.from.id, chosen);
  ctx.user = user;
  ctx.locale = chosen;
  await ctx.answerCallbackQuery({ text: LOCALE_NAMES[chosen] });
  if (!user.consentAt) return ctx.replace(privacyNotice());
  await ctx.replace(mainMenu(part("language.changed", { language: LOCALE_NAMES[chosen] })));
});

privateChat.callbackQuery(ONBOARDING.agree, async (ctx) => {
  const user = ctx.user?.consentAt ? ctx.user : await giveConsent(ctx.deps.db, ctx.from.id);
  await ctx.answerCallbackQuery();
  if (!user) return ctx.say(languageQuestion(ctx));
  ctx.user = user;
  await ctx.replace(mainMenu(part("privacy.thanks")));
});

privateChat.callbackQuery(ONBOARDING.decline, async (ctx) => {
  await declineConsent(ctx.deps.db, ctx.from.id);
  ctx.user = ctx.user?.consentAt ? ctx.user : undefined;
  await ctx.answerCallbackQuery();
  await ctx.replace({ parts: [part(ctx.user ? "privacy.alreadyGiven" : "privacy.declined")] });
});

// Until someone has picked a language and accepted the notice, everything leads back there.
composer.use(async (ctx, next) => {
  if (ctx.user?.consentAt || ctx.chat?.type !== "private") return next();
  const allowedBeforeConsent = ctx.hasCommand(["help", "language"]) || ctx.callbackQuery?.data === MENU.language;
  if (allowedBeforeConsent) return next();
  if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: ctx.t("privacy.needed") });
  await ctx.say(ctx.user?.locale ? privacyNotice() : languageQuestion(ctx));
});

export const startFeature: Feature = { name: "start", composer, commands: ["start"] };
