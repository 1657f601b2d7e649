import { sequentialize } from "@grammyjs/runner";
import type { BotError} from "grammy";
import { Bot, Context, lazySession, type Api, type Composer } from "grammy";
import type { UserFromGetMe } from "grammy/types";
import type { Arriving } from "../core/arrivals.js";
import { batched } from "../core/batch.js";
import { floodVerdict } from "../core/flood.js";
import { LOCALES, localeFromLanguageCode, type I18n, type Locale } from "../core/i18n.js";
import type { Core } from "../core/index.js";
import type { TelegramIntent } from "../core/outbox.js";
import type { SessionCache } from "../core/sessions.js";
import type { Logger } from "../ops/log.js";
import type { Metrics } from "../ops/metrics.js";
import { cancelFeature } from "../handlers/telegram/cancel.js";
import { FeatureComposer } from "../handlers/telegram/composer.js";
import { type BotContext, type Reply, type SessionData, type TelegramDeps } from "../handlers/telegram/context.js";
import { label } from "../handlers/telegram/reply.js";
import { fallbackFeature } from "../handlers/telegram/fallback.js";
import type { Feature } from "../handlers/telegram/feature.js";
import { helpFeature } from "../handlers/telegram/help.js";
import { languageFeature } from "../handlers/telegram/language.js";
import { menuFeature, mainMenu } from "../handlers/telegram/menu.js";
import { contactsFeature } from "../handlers/telegram/contacts.js";
import { leisureFeature } from "../handlers/telegram/leisure.js";
import { mediationFeature } from "../handlers/telegram/mediation.js";
import { mentoringFeature } from "../handlers/telegram/mentoring.js";
import { myDataFeature } from "../handlers/telegram/mydata.js";
import { reportFeature } from "../handlers/telegram/report.js";
import { offersFeature } from "../handlers/telegram/offers.js";
import { relayFeature } from "../handlers/telegram/relay.js";
import { requestsFeature } from "../handlers/telegram/requests.js";
import { startFeature } from "../handlers/telegram/start.js";
import { townFeature } from "../handlers/telegram/town.js";
import { volunteerJobsFeature } from "../handlers/telegram/volunteer-jobs.js";
import { volunteerFeature } from "../handlers/telegram/volunteer.js";
import { backoffMs, isOutage } from "../ops/outage.js";

export type TelegramBotDeps = {
  core: Core;
  i18n: I18n;
  log: Logger;
  metrics: Metrics;
  defaultLocale: Locale;
  flood: { limit: number; windowMs: number };
  /**
   * How an update that meets an outage (PostgreSQL unreachable) is kept. Long polling has confirmed it to
   * Telegram already: it is held in memory and tried again with backoff, for up to `holdMs`. A webhook
   * answers with an error at once instead, and Telegram delivers it again.
   */
  outages?: { mode: "hold" | "refuse"; holdMs?: number };
};

export type TelegramBot = {
  bot: Bot<BotContext>;
  features: Feature[];
  /** Gives up the updates held through an outage (shutdown): they are logged as lost. */
  letGo: () => void;
};

/** Held updates of long polling: a quarter of an hour, then one is given up (and logged). */
const DEFAULT_HOLD_MS = 15 * 60_000;
/** Ids of updates whose handling an outage interrupted, remembered for their next attempt (at most this many). */
const INTERRUPTED_MAX = 10_000;

/**
 * Builds the grammY bot: per-update context, duplicate and flood protection, the user's language,
 * sessions in PostgreSQL, then every feature inside one error boundary, the catch-all last.
 *
 * @example
 * const { bot } = createBot({ token, apiRoot }, deps);
 * await bot.init();
 */
export function createBot(settings: { token: string; apiRoot: string; botInfo?: UserFromGetMe }, deps: TelegramBotDeps): TelegramBot {
  const bot = new Bot<BotContext>(settings.token, {
    client: { apiRoot: settings.apiRoot },
    ...(settings.botInfo ? { botInfo: settings.botInfo } : {}),
  });
  // Order matters: onboarding gates everything; dialogues see their answers before the relay does; the
  // catch-all comes last.
  const features = [
    startFeature,
    townFeature,
    languageFeature,
    helpFeature,
    cancelFeature,
    mediationFeature,
    leisureFeature,
    mentoringFeature,
    contactsFeature,
    reportFeature,
    volunteerFeature,
    requestsFeature,
    myDataFeature,
    offersFeature,
    volunteerJobsFeature,
    relayFeature,
    menuFeature,
    fallbackFeature,
  ];

  const telegramDeps: TelegramDeps = { core: deps.core, i18n: deps.i18n, log: deps.log, defaultLocale: deps.defaultLocale };

  // Sessions read with each update's first query, for the length of the update (one chat at a time).
  const sessions: SessionCache = new Map();

  // The first statement of every update, shared by the updates that arrive together.
  const arrive = batched((updates: Arriving[]) => deps.core.arrivals.arriveAll(updates, deps.flood.windowMs));
  // Replies written at the same moment (by updates handled side by side) go in together: one statement.
  const tell = batched(async (messages: { recipient: number; intent: TelegramIntent }[]) => deps.core.arrivals.tellMany(messages));

  // Updates whose first attempt was recorded as handled, then interrupted by an outage: their next attempt
  // (held, or Telegram's redelivery to a webhook) is no duplicate.
  const interrupted = new Set<number>();
  const handling = new FeatureComposer<BotContext>();

  handling.use(async (ctx, next) => {
    const started = performance.now();
    ctx.deps = telegramDeps;
    ctx.core = deps.core;
    // Most updates log nothing: the child logger is made when first used.
    let log: Logger | undefined;
    Object.defineProperty(ctx, "log", { get: () => (log ??= deps.log.child({ updateId: ctx.update.update_id })), configurable: true });
    const sessionKey = ctx.chat?.id.toString();
    const arrival = await arrive({ updateId: ctx.update.update_id, telegramId: ctx.from?.id, sessionKey });
    const resumed = interrupted.delete(ctx.update.update_id);
    if (!arrival.first && !resumed) {
      deps.metrics.updates.inc({ outcome: "duplicate" });
      ctx.log.info("duplicate update ignored");
      return;
    }
    ctx.user = arrival.user;
    ctx.floodHits = arrival.hits;
    if (sessionKey) sessions.set(sessionKey, arrival.session);
    try {
      await next();
    } finally {
      if (sessionKey) sessions.delete(sessionKey);
    }
    deps.metrics.updates.inc({ outcome: "handled" });
    if (deps.log.isLevelEnabled("debug")) {
      ctx.log.debug({ kind: Object.keys(ctx.update).find((k) => k !== "update_id"), ms: Math.round(performance.now() - started) }, "update handled");
    }
    deps.metrics.updateSeconds.observe((performance.now() - started) / 1000);
  });

  handling.use(async (ctx, next) => {
    const user = ctx.user;
    ctx.suggestedLocale = localeFromLanguageCode(ctx.from?.language_code);
    ctx.locale = user?.locale ?? ctx.suggestedLocale ?? deps.defaultLocale;
    ctx.t = (key, params) => deps.i18n.t(ctx.locale, key, params);
    ctx.say = async (reply: Reply) => {
      if (!ctx.chat) return;
      await tell({ recipient: ctx.chat.id, intent: { kind: "send", locale: ctx.locale, ...reply } });
    };
    ctx.replace = async (reply: Reply) => {
      const message = ctx.callbackQuery?.message;
      if (!ctx.chat || !message) return ctx.say(reply);
      await tell({ recipient: ctx.chat.id, intent: { kind: "edit", messageId: message.message_id, locale: ctx.locale, ...reply } });
    };
    await next();
  });

  // Flood protection: counted as the update arrived; one friendly warning, then silence until the window ends.
  handling.use(async (ctx, next) => {
    const verdict = floodVerdict(ctx.floodHits, deps.flood.limit);
    if (verdict === "pass") return next();
    if (verdict === "drop") {
      if (ctx.callbackQuery) await ctx.answerCallbackQuery();
      return;
    }
    ctx.log.info("flood limit reached");
    if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: ctx.t("fallback.slowDown") });
    else await ctx.say({ parts: [label("fallback.slowDown")] });
  });

  handling.use(
    lazySession<SessionData, BotContext>({
      storage: deps.core.arrivals.sessions<SessionData>(sessions),
      initial: () => ({}),
      getSessionKey: (ctx) => ctx.chat?.id.toString(),
    }),
  );

  // Every button press gets an answer, or the user's client shows a spinner for seconds.
  handling.use(async (ctx, next) => {
    if (!ctx.callbackQuery) return next();
    let answered = false;
    const answer = ctx.answerCallbackQuery.bind(ctx);
    ctx.answerCallbackQuery = (...args) => {
      answered = true;
      return answer(...args);
    };
    try {
      await next();
    } finally {
      if (!answered) await answer().catch(() => undefined);
    }
  });

  handling.errorBoundary(
    async (error: BotError<BotContext>) => {
      // An outage is no bug of this update: it is handled again from the start once the database answers.
      if (isOutage(error.error)) throw error.error;
      const ctx = error.ctx;
      deps.metrics.updates.inc({ outcome: "error" });
      ctx.log.error({ err: error.error }, "update failed");
      await ctx.say(mainMenu(label("fallback.error"))).catch(() => undefined);
    },
    ...features.map((feature): Composer<BotContext> => feature.composer),
  );

  // Updates of one chat run one after another (the runner would otherwise run them side by side); an update
  // held through an outage holds back the later ones of its chat, so they keep their order.
  bot.use(sequentialize((ctx) => ctx.chat?.id.toString() ?? ctx.from?.id.toString()));

  let holding = true;
  const mode = deps.outages?.mode ?? "hold";
  const holdMs = deps.outages?.holdMs ?? DEFAULT_HOLD_MS;
  const handle = handling.middleware();
  bot.use(async (ctx) => {
    const updateId = ctx.update.update_id;
    const since = performance.now();
    for (let attempt = 1; ; attempt++) {
      // Each attempt starts afresh, as if the update had just arrived.
      const current = attempt === 1 ? ctx : (new Context(ctx.update, ctx.api, ctx.me) as BotContext);
      try {
        await handle(current, async () => undefined);
        if (attempt > 1) {
          deps.metrics.updatesHeld.dec();
          deps.log.info({ updateId, attempts: attempt, heldMs: Math.round(performance.now() - since) }, "held update handled after the outage");
        }
        return;
      } catch (error) {
        if (!isOutage(error)) throw error;
        interrupted.add(updateId);
        if (interrupted.size > INTERRUPTED_MAX) interrupted.delete(interrupted.values().next().value as number);
        const giveUp = mode === "refuse" || !holding || performance.now() - since > holdMs;
        if (giveUp) {
          if (attempt > 1) deps.metrics.updatesHeld.dec();
          deps.metrics.updates.inc({ outcome: mode === "refuse" ? "refused" : "lost" });
          if (mode === "refuse") deps.log.warn({ updateId, err: error }, "database unreachable: update refused, Telegram will deliver it again");
          else deps.log.error({ updateId, err: error, attempts: attempt }, "database unreachable for too long: held update given up");
          throw error;
        }
        if (attempt === 1) {
          deps.metrics.updatesHeld.inc();
          deps.metrics.updates.inc({ outcome: "held" });
          deps.log.warn({ updateId, err: error }, "database unreachable: update held, trying again");
        }
        await new Promise((resolve) => setTimeout(resolve, backoffMs(attempt)));
      }
    }
  });

  bot.catch((error) => {
    deps.metrics.updates.inc({ outcome: "error" });
    deps.log.error({ err: error.error, updateId: error.ctx.update.update_id }, "update failed before the features");
  });

  return {
    bot,
    features,
    letGo: () => {
      holding = false;
    },
  };
}

/**
 * Registers each language's command menu, derived from the features and their `commands.*` texts;
 * the default language also serves clients in languages the bot does not speak.
 */
export async function registerCommands(api: Api, features: Feature[], i18n: I18n, defaultLocale: Locale): Promise<void> {
  const names = features.flatMap((f) => f.commands ?? []);
  const menu = (locale: Locale) => commandMenu(names, i18n, locale);
  await api.setMyCommands(menu(defaultLocale));
  for (const locale of LOCALES) await api.setMyCommands(menu(locale), { language_code: locale });
}

/** A command menu in one language, each command described by `commands.<name>`. */
export function commandMenu(names: readonly string[], i18n: I18n, locale: Locale): { command: string; description: string }[] {
  return names.map((command) => ({ command, description: i18n.t(locale, `commands.${command}`) }));
}

/** The command sets that are set per chat: approved volunteers also get their own commands. */
export function commandSets(features: Feature[]): Record<"volunteer", string[]> {
  return { volunteer: [...features.flatMap((f) => f.commands ?? []), ...features.flatMap((f) => f.volunteerCommands ?? [])] };
}
