import { limit } from "@grammyjs/ratelimiter";
import { sequentialize } from "@grammyjs/runner";
import type { BotError} from "grammy";
import { Bot, lazySession, type Api, type Composer } from "grammy";
import type { UserFromGetMe } from "grammy/types";
import type { Redis } from "ioredis";
import type { Db } from "../core/db.js";
import { firstDelivery } from "../core/deliveries.js";
import { postgresCounter } from "../core/flood.js";
import { LOCALES, localeFromLanguageCode, type I18n, type Locale } from "../core/i18n.js";
import type { Logger } from "../core/log.js";
import type { Metrics } from "../core/metrics.js";
import { collectTold, tell } from "../core/outbox.js";
import { sessionStore } from "../core/sessions.js";
import { findUser } from "../core/users.js";
import { cancelFeature } from "../handlers/telegram/cancel.js";
import { part, type BotContext, type Reply, type SessionData } from "../handlers/telegram/context.js";
import { fallbackFeature } from "../handlers/telegram/fallback.js";
import type { Feature } from "../handlers/telegram/feature.js";
import { helpFeature } from "../handlers/telegram/help.js";
import { languageFeature } from "../handlers/telegram/language.js";
import { menuFeature, mainMenu } from "../handlers/telegram/menu.js";
import { startFeature } from "../handlers/telegram/start.js";
import type { OutboxRelay } from "../jobs/outbox.js";

export type TelegramBotDeps = {
  db: Db;
  i18n: I18n;
  log: Logger;
  metrics: Metrics;
  relay: OutboxRelay;
  /** Shared flood counters across processes; PostgreSQL holds them when there is no Redis. */
  redis: Redis | undefined;
  defaultLocale: Locale;
  flood: { limit: number; windowMs: number };
};

export type TelegramBot = { bot: Bot<BotContext>; features: Feature[] };

/**
 * Builds the grammY bot: per-update context, duplicate and flood protection, the user's language,
 * sessions in PostgreSQL, then every feature inside one error boundary, the catch-all last.
 *
 * @example
 * const { bot } = createBot({ token, apiRoot }, deps);
 * await bot.init();
 */
export function createBot(
  settings: { token: string; apiRoot: string; botInfo?: UserFromGetMe },
  deps: TelegramBotDeps,
  extraFeatures: Feature[] = [],
): TelegramBot {
  const bot = new Bot<BotContext>(settings.token, {
    client: { apiRoot: settings.apiRoot },
    ...(settings.botInfo ? { botInfo: settings.botInfo } : {}),
  });
  const features = [startFeature, languageFeature, helpFeature, cancelFeature, ...extraFeatures, menuFeature, fallbackFeature];

  // Updates of one chat run one after another (the runner would otherwise run them side by side).
  bot.use(sequentialize((ctx) => ctx.chat?.id.toString() ?? ctx.from?.id.toString()));

  bot.use(async (ctx, next) => {
    const started = performance.now();
    ctx.deps = { db: deps.db, i18n: deps.i18n, log: deps.log, defaultLocale: deps.defaultLocale };
    ctx.log = deps.log.child({ updateId: ctx.update.update_id });
    if (!(await firstDelivery(deps.db, ctx.update.update_id))) {
      deps.metrics.updates.inc({ outcome: "duplicate" });
      ctx.log.info("duplicate update ignored");
      return;
    }
    const { told } = await collectTold(async () => next());
    await deps.relay.dispatch(told);
    deps.metrics.updates.inc({ outcome: "handled" });
    deps.metrics.updateSeconds.observe((performance.now() - started) / 1000);
  });

  bot.use(async (ctx, next) => {
    const user = ctx.from ? await findUser(deps.db, ctx.from.id) : undefined;
    ctx.user = user;
    ctx.suggestedLocale = localeFromLanguageCode(ctx.from?.language_code);
    ctx.locale = user?.locale ?? ctx.suggestedLocale ?? deps.defaultLocale;
    ctx.t = (key, params) => deps.i18n.t(ctx.locale, key, params);
    ctx.say = async (reply: Reply) => {
      if (!ctx.chat) return;
      await tell(deps.db, ctx.chat.id, { kind: "send", locale: ctx.locale, ...reply });
    };
    ctx.replace = async (reply: Reply) => {
      const message = ctx.callbackQuery?.message;
      if (!ctx.chat || !message) return ctx.say(reply);
      await tell(deps.db, ctx.chat.id, { kind: "edit", messageId: message.message_id, locale: ctx.locale, ...reply });
    };
    await next();
  });

  bot.use(
    limit<BotContext, ReturnType<typeof postgresCounter>>({
      timeFrame: deps.flood.windowMs,
      limit: deps.flood.limit,
      storageClient: deps.redis ?? postgresCounter(deps.db),
      keyPrefix: "flood:",
      keyGenerator: (ctx) => ctx.from?.id.toString(),
      onLimitExceeded: async (ctx) => {
        ctx.log.info("flood limit reached");
        if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: ctx.t("fallback.slowDown") });
        else await ctx.say({ parts: [part("fallback.slowDown")] });
      },
    }),
  );

  bot.use(
    lazySession<SessionData, BotContext>({
      storage: sessionStore<SessionData>(deps.db),
      initial: () => ({}),
      getSessionKey: (ctx) => ctx.chat?.id.toString(),
    }),
  );

  // Every button press gets an answer, or the user's client shows a spinner for seconds.
  bot.use(async (ctx, next) => {
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

  bot.errorBoundary(
    async (error: BotError<BotContext>) => {
      const ctx = error.ctx;
      deps.metrics.updates.inc({ outcome: "error" });
      ctx.log.error({ err: error.error }, "update failed");
      await ctx.say(mainMenu(part("fallback.error"))).catch(() => undefined);
    },
    ...features.map((feature): Composer<BotContext> => feature.composer),
  );

  bot.catch((error) => {
    deps.metrics.updates.inc({ outcome: "error" });
    deps.log.error({ err: error.error, updateId: error.ctx.update.update_id }, "update failed before the features");
  });

  return { bot, features };
}

/**
 * Registers each language's command menu, derived from the features and their `commands.*` texts;
 * the default language also serves clients in languages the bot does not speak.
 */
export async function registerCommands(api: Api, features: Feature[], i18n: I18n, defaultLocale: Locale): Promise<void> {
  const names = features.flatMap((f) => f.commands ?? []);
  const menu = (locale: Locale) => names.map((command) => ({ command, description: i18n.t(locale, `commands.${command}`) }));
  await api.setMyCommands(menu(defaultLocale));
  for (const locale of LOCALES) await api.setMyCommands(menu(locale), { language_code: locale });
}
