import type { AddressInfo } from "node:net";
import { run, type RunnerHandle } from "@grammyjs/runner";
import { webApi, type App as SlackApp } from "@slack/bolt";
import type { Express } from "express";
import type { Bot } from "grammy";
import type { UserFromGetMe } from "grammy/types";
import { createI18n, type I18n } from "../core/i18n.js";
import { createCore, type Core } from "../core/index.js";
import type { ClaimedMessage } from "../core/outbox-sending.js";
import { encodeAction } from "../handlers/telegram/callback-data.js";
import type { BotContext } from "../handlers/telegram/context.js";
import { createSlackRenderer } from "../handlers/slack/messages.js";
import { openQueues, type Queues } from "../jobs/connection.js";
import { QUEUE_NAMES } from "../jobs/names.js";
import { createOutboxRelay, startOutboxSweep, type OutboxRelay } from "../jobs/outbox.js";
import { startOutboundSlack } from "../jobs/outbound-slack.js";
import { startOutboundTelegram } from "../jobs/outbound-telegram.js";
import { installSchedules, startScheduledWorkers } from "../jobs/schedules.js";
import { runTick, startWakeUpWorkers } from "../jobs/wake-ups.js";
import { createLogger, type Logger } from "../ops/log.js";
import { createMetrics, type Metrics } from "../ops/metrics.js";
import { installPosters } from "../posters/http.js";
import { seedNetwork } from "../prisma/seed.js";
import { channelDirectory, type ChannelDirectory } from "./coordinators.js";
import { ConfigError, coreSettings, type Config } from "./config.js";
import { openDatabase, QUEUE_SCHEMA, type DatabaseConnection } from "./database.js";
import { portProblem } from "./preflight.js";
import { createHttpApp, installCalendar, installNotFound, installOperations, installQueueBoard, installTelegramWebhook, serve, type Serving } from "./http.js";
import { createSlackApp, type SlackAccess } from "./slack.js";
import { slackClients, type SlackClients, type SlackTokens } from "./slack-clients.js";
import { installPages } from "./slack-install-pages.js";
import { singleUseStates, slackInstallations } from "./slack-installations.js";
import { tokenCipher } from "./token-cipher.js";
import { commandSets, createBot, registerCommands } from "./telegram.js";

/** Updates the bot asks Telegram for. */
const ALLOWED_UPDATES = ["message", "edited_message", "callback_query"] as const;

export type AppOptions = {
  /** Apply the committed migrations at start (tests use a database migrated once). */
  migrate?: boolean;
  /** Load the example data (the demo). */
  seed?: boolean;
  log?: Logger;
  /** Skips Telegram's getMe at start. */
  botInfo?: UserFromGetMe;
  /** Routes added before the catch-all 404 (the simulator in demo mode). */
  routes?: (http: Express) => void;
  /** The Slack workspace an outbox message goes to; without it every message goes to the single workspace (null). */
  slackTeamOf?: (message: ClaimedMessage) => Promise<string | null>;
};

export type Brueckenbot = {
  config: Config;
  log: Logger;
  metrics: Metrics;
  i18n: I18n;
  database: DatabaseConnection;
  /** The domain, bound to the database and the network's settings. */
  core: Core;
  queues: Queues;
  relay: OutboxRelay;
  bot: Bot<BotContext>;
  slack: SlackApp;
  /** A Web API client per Slack workspace, for what is sent outside a Slack request. */
  slackClients: SlackClients;
  /** Who is in which channel of which workspace (coordinators, App Home). */
  channels: ChannelDirectory;
  http: Express;
  /** Listens, starts the workers and schedules, and connects both bots; resolves to the base URL. */
  start: () => Promise<string>;
  /** Stops taking work, drains the workers, closes every connection; safe to call more than once. */
  stop: () => Promise<void>;
};

/**
 * Builds every part from the configuration: database, queues, both bots, the HTTP server.
 *
 * @example
 * const app = await createApp(parseConfig(process.env), { migrate: true });
 * const url = await app.start();
 */
export async function createApp(config: Config, options: AppOptions = {}): Promise<Brueckenbot> {
  const log = options.log ?? createLogger({ level: config.logLevel });
  const metrics = createMetrics();
  const i18n = createI18n({ timeZone: config.timeZone });
  const database = await openDatabase(config, { migrate: options.migrate ?? true });
  const { tokens, access } = slackWorkspaces(config, database, i18n);
  // Who is in which Slack channel of which workspace: coordinators' powers and what App Home shows depend on it.
  // Short and without retries: a member's click waits on this, and when Slack cannot answer the answer is no.
  const clients = slackClients(tokens, { slackApiUrl: config.slack.apiUrl, logLevel: webApi.LogLevel.ERROR, timeout: 3000, rejectRateLimitedCalls: true, retryConfig: { retries: 0 } });
  const channels = channelDirectory(clients, log);
  const core = createCore(database, coreSettings(config), channels);
  const networkId = await core.networks.ensureFirst(config.network);
  if (options.seed) await seedNetwork(database.prisma, networkId);
  // The outbox's messages: Slack's 429s are left to the queue's limiter, other failures to the job's retries.
  const outboundClients = slackClients(tokens, { slackApiUrl: config.slack.apiUrl, rejectRateLimitedCalls: true, retryConfig: { retries: 0 }, logLevel: webApi.LogLevel.ERROR });

  const queues = await openQueues(
    config.queue.backend === "redis"
      ? config.queue
      : { backend: "postgres", prefix: config.queue.prefix, pool: database.pool, schema: QUEUE_SCHEMA, embedded: database.embedded, sql: database.sql },
    log,
    metrics,
  );
  const relay = createOutboxRelay({ core, queues, log, sweepAfterMs: config.outboxSweepMs });
  // Whatever the product writes to the outbox is queued as soon as it is committed.
  database.relayTo(relay.dispatch);

  const { bot, features, letGo } = createBot(
    { token: config.telegram.token, apiRoot: config.telegram.apiRoot, ...(options.botInfo ? { botInfo: options.botInfo } : {}) },
    {
      core,
      i18n,
      log,
      metrics,
      defaultLocale: config.defaultLocale,
      flood: config.telegram.flood,
      // A webhook's update is Telegram's to deliver again; a polled one is already ours, so it is held.
      outages: { mode: config.telegram.mode.kind === "webhook" ? "refuse" : "hold" },
    },
  );

  const http = createHttpApp();
  installOperations(http, {
    registry: metrics.registry,
    metricsToken: config.admin.metricsToken,
    log,
    checks: {
      postgres: async () => {
        await database.sql("SELECT 1", []);
      },
      queues: () => queues.ping(),
    },
  });
  if (config.telegram.mode.kind === "webhook") installTelegramWebhook(http, bot, config.telegram.mode.secret, log);
  let publicUrl = config.http.publicUrl ?? `http://127.0.0.1:${config.http.port}`;
  const slackDeps = { core, i18n, log, metrics, defaultLocale: config.defaultLocale, publicUrl: () => publicUrl };
  const slack = createSlackApp({ access, apiUrl: config.slack.apiUrl, mode: config.slack.mode }, slackDeps, channels, http);
  installCalendar(http, core);
  installQueueBoard(
    http,
    QUEUE_NAMES.map((name) => queues.queue(name)),
    { password: config.admin.password, openWithoutPassword: config.demo, writable: config.admin.queuesWritable },
    log,
    queues.workersOf,
  );
  installPosters(http, {
    i18n,
    botUsername: () => (bot.isInited() ? bot.botInfo.username : undefined),
    network: async (slug) => {
      const network = await core.networks.bySlug(slug);
      return network?.kind === "TOWN" ? { slug: network.slug, name: network.name } : undefined;
    },
  });
  options.routes?.(http);
  installNotFound(http);

  let server: Serving | undefined;
  let runner: RunnerHandle | undefined;
  let stopping: Promise<void> | undefined;

  /** Coordinators' powers follow membership of their channel: anyone who can join it must not be able to. */
  const requirePrivateCoordinatorChannel = async (teamId: string) => {
    const isPrivate = await channels.isPrivate(teamId, config.slack.coordinatorChannel);
    if (isPrivate === true) return;
    throw new ConfigError([
      isPrivate === false
        ? `SLACK_COORDINATOR_CHANNEL: the channel ${config.slack.coordinatorChannel} is public, so anyone in the workspace could join it and act as a coordinator; make it private in Slack, or name a private one`
        : `SLACK_COORDINATOR_CHANNEL: Slack did not say whether the channel ${config.slack.coordinatorChannel} is private (is the bot a member, with the groups:read scope?)`,
    ]);
  };

  /**
   * Single-workspace mode: the bot token's workspace serves the configured network, with the configured
   * channels. (Distributed, workspaces come and go while the product runs, each linked with a setup code.)
   */
  const linkWorkspace = async () => {
    if (access.kind !== "single") return;
    const client = await clients.forTeam(null);
    const auth = await client?.auth.test().catch((error: unknown) => {
      throw new ConfigError([`SLACK_BOT_TOKEN: Slack did not accept the token (${error instanceof Error ? error.message : String(error)})`]);
    });
    if (!auth?.team_id) throw new ConfigError(["SLACK_BOT_TOKEN: Slack did not say which workspace the token belongs to"]);
    if (!config.demo) await requirePrivateCoordinatorChannel(auth.team_id);
    await core.networks.linkConfigured(networkId, { teamId: auth.team_id, coordinatorChannel: config.slack.coordinatorChannel, networkChannel: config.slack.networkChannel });
  };

  const start = async () => {
    await linkWorkspace();
    server = await serve(http, config.http.port, config.http.host).catch((error: unknown) => {
      throw portProblem(config.http.port, config.http.host, error) ?? error;
    });
    const address = server.server.address() as AddressInfo;
    publicUrl = config.http.publicUrl ?? `http://${config.http.host === "0.0.0.0" ? "127.0.0.1" : config.http.host}:${address.port}`;
    await bot.init();
    startOutboundTelegram({
      core,
      encode: encodeAction,
      queues,
      api: bot.api,
      i18n,
      log,
      metrics,
      limits: { messagesPerSecond: config.telegram.messagesPerSecond, chatIntervalMs: config.telegram.chatIntervalMs },
      commandSets: commandSets(features),
    });
    startOutboundSlack({
      core,
      queues,
      clients: outboundClients,
      // A message goes to the workspace of the network its outbox row names.
      teamOf: options.slackTeamOf ?? (async (message) => (message.networkId ? ((await core.networks.byId(message.networkId))?.slackTeamId ?? null) : null)),
      render: createSlackRenderer(slackDeps),
      log,
      metrics,
      channelIntervalMs: config.slack.channelIntervalMs,
    });
    startWakeUpWorkers({ core, queues, log });
    relay.tickInline(async (requestId) => {
      await runTick(core, log, requestId);
      metrics.jobs.inc({ queue: "dispatch-inline", outcome: "completed" });
    });
    startScheduledWorkers({ core, queues, log });
    startOutboxSweep({ queues, relay });
    await installSchedules(queues, { outboxSweepMs: config.outboxSweepMs, timeZone: config.timeZone });
    queues.onReconnect(async () => {
      await installSchedules(queues, { outboxSweepMs: config.outboxSweepMs, timeZone: config.timeZone });
      await relay.sweep();
    });
    // Whatever a previous run left unsent goes out now, not at the first sweep.
    await relay.sweep();
    await registerCommands(bot.api, features, i18n, config.defaultLocale);
    if (config.telegram.mode.kind === "webhook") {
      await bot.api.setWebhook(config.telegram.mode.url, {
        secret_token: config.telegram.mode.secret,
        allowed_updates: [...ALLOWED_UPDATES],
      });
    } else {
      await bot.api.deleteWebhook();
      runner = run(bot, { runner: { fetch: { allowed_updates: [...ALLOWED_UPDATES] } } });
    }
    if (slack.socketMode) await slack.app.start();
    const url = `http://${config.http.host === "0.0.0.0" ? "127.0.0.1" : config.http.host}:${address.port}`;
    log.info({ url, demo: config.demo, queues: queues.kind, embeddedDatabase: database.embedded }, "brückenbot started");
    return url;
  };

  const stop = () => {
    stopping ??= (async () => {
      const began = Date.now();
      log.info("stopping: no new updates, draining workers");
      letGo();
      const closing = server?.close();
      if (runner?.isRunning()) await runner.stop();
      if (slack.socketMode) await slack.app.stop().catch(() => undefined);
      // Clicks acknowledged already are done before the connections close.
      await slack.drain();
      await relay.drain();
      await queues.close();
      await closing;
      await database.close();
      log.info({ durationMs: Date.now() - began }, "stopped");
    })();
    return stopping;
  };

  return { config, log, metrics, i18n, database, core, queues, relay, bot, slack: slack.app, slackClients: outboundClients, channels, http, start, stop };
}

/**
 * The Slack side's bot tokens: the configured one (single workspace), or – distributed – the installations'
 * (Bolt's installer writes them, encrypted under SLACK_TOKEN_KEY), with the install flow's state and pages.
 */
function slackWorkspaces(config: Config, database: DatabaseConnection, i18n: I18n): { tokens: SlackTokens; access: SlackAccess } {
  const { workspaces } = config.slack;
  if (workspaces.kind === "single") return { tokens: workspaces, access: workspaces };
  const installations = slackInstallations(database.prisma, tokenCipher(workspaces.tokenKey));
  return {
    tokens: { kind: "distributed", botToken: installations.botToken },
    access: {
      kind: "distributed",
      clientId: workspaces.clientId,
      clientSecret: workspaces.clientSecret,
      installations,
      states: singleUseStates(database.prisma, workspaces.stateSecret),
      redirectUri: workspaces.redirectUri,
      pages: installPages(i18n, config.defaultLocale),
    },
  };
}
