import { randomUUID } from "node:crypto";
import { Writable } from "node:stream";
import { Redis } from "ioredis";
import { createApp, type AppOptions, type Brueckenbot } from "../../bot/app.js";
import { parseConfig } from "../../bot/config.js";
import { prepareDemo, simulator } from "../../bot/demo.js";
import { SLACK_EVENTS_PATH } from "../../bot/slack.js";
import { TELEGRAM_WEBHOOK_PATH } from "../../bot/http.js";
import { createLogger } from "../../ops/log.js";
import { SlackEmulator } from "../../sim/slack-api.js";
import { TelegramEmulator } from "../../sim/telegram-api.js";
import { databaseUrl, DEFAULT_QUEUE, TEST_REDIS_URL } from "./env.js";
import { createTestDatabase, dropTestDatabase } from "./test-database.js";
import type { Member } from "../../core/index.js";

export { createTestDatabase, dropTestDatabase };

export const TELEGRAM_TOKEN = "424242:test-token";
export const SLACK_TOKEN = "xoxb-test-token";
export const SLACK_SIGNING_SECRET = "test-signing-secret";
export const COORDINATOR_CHANNEL = "C0COORD";
export const NETWORK_CHANNEL = "C0NETWORK";
export const WEBHOOK_SECRET = "test_webhook_secret";
/** The tests' fixed key of anonymous ballots (a real network sets its own). */
export const BALLOT_SECRET = "test-ballot-secret-0123456789abcdef";
/** The distributed Slack app's credentials (Slack's emulator knows them too) and the key its tokens are kept under. */
export const SLACK_CLIENT_ID = "1000000001.2000000002";
export const SLACK_CLIENT_SECRET = "test-client-secret";
export const SLACK_STATE_SECRET = "test-state-secret-for-install-links";
export const SLACK_TOKEN_KEY = Buffer.alloc(32, 7).toString("base64");

export type QueueBackend = "redis" | "postgres";

export type Stack = {
  app: Brueckenbot;
  telegram: TelegramEmulator;
  slack: SlackEmulator;
  url: string;
  /** Every log line the product wrote, as JSON strings. */
  logs: string[];
  database: string;
  redisPrefix: string;
  /** The configured network's id (Beckum, linked to the emulator's default workspace). */
  town: string;
  /** A Slack member of the default workspace acting in its network, as Slack's handlers get them (the coordinator by default). */
  member: (slackUserId?: string) => Promise<Member>;
  stop: () => Promise<void>;
};

export type StackOptions = {
  queue?: QueueBackend;
  /** "webhook" (default: each delivered update is handled before `deliver` returns) or "polling". */
  telegramMode?: "webhook" | "polling";
  env?: Record<string, string>;
  seed?: boolean;
  /** Slack over Socket Mode instead of signed HTTP requests. */
  slackSocketMode?: boolean;
  /**
   * Serve the browser simulator with the demo's two towns and people, as in demo mode: the Slack app distributed,
   * Beckum's workspace (the default one) and Ahlen's installed through OAuth and linked with setup codes.
   */
  simulator?: boolean;
  /** Leave the coordinators' channel public (the product must refuse to start). */
  publicCoordinatorChannel?: boolean;
  /**
   * The Slack app distributed: no bot token configured; workspaces install it through the emulator's OAuth flow
   * (`/slack/install`), and their tokens are kept encrypted under SLACK_TOKEN_KEY.
   */
  slackDistributed?: boolean;
  /** Which Slack workspace an outbox message goes to (see AppOptions). */
  slackTeamOf?: AppOptions["slackTeamOf"];
};

export const SLACK_APP_TOKEN = "xapp-test-app-token";
/** A member of the coordinators' channel. */
export const COORDINATOR = "U0COORD";

/**
 * Starts the whole product for one test: a fresh copy of the migrated database, its own Redis prefix,
 * the Telegram and Slack emulators, both bots and all workers.
 */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const database = await createTestDatabase();
  const telegram = await TelegramEmulator.start({ token: TELEGRAM_TOKEN });
  const slack = await SlackEmulator.start({ token: SLACK_TOKEN });
  slack.join(COORDINATOR_CHANNEL, COORDINATOR);
  if (!options.publicCoordinatorChannel) slack.makePrivate(COORDINATOR_CHANNEL);
  if (options.slackSocketMode) slack.enableSocketMode(SLACK_APP_TOKEN);
  const port = await freePort();
  const distributed = options.slackDistributed ?? options.simulator ?? false;
  if (distributed) slack.enableOAuth({ clientId: SLACK_CLIENT_ID, clientSecret: SLACK_CLIENT_SECRET });
  const redisPrefix = `brbtest-${randomUUID().slice(0, 8)}`;
  const queue = options.queue ?? DEFAULT_QUEUE;
  const webhook = (options.telegramMode ?? "webhook") === "webhook";
  const config = parseConfig({
    NODE_ENV: "test",
    LOG_LEVEL: "debug",
    HOST: "127.0.0.1",
    PORT: String(port),
    TELEGRAM_BOT_TOKEN: TELEGRAM_TOKEN,
    TELEGRAM_API_ROOT: telegram.url,
    ...(webhook
      ? { TELEGRAM_WEBHOOK_URL: `http://127.0.0.1:${port}${TELEGRAM_WEBHOOK_PATH}`, TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET }
      : {}),
    TELEGRAM_CHAT_INTERVAL_MS: "20",
    ...(distributed
      ? { SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, SLACK_STATE_SECRET, SLACK_TOKEN_KEY, PUBLIC_URL: `http://127.0.0.1:${port}` }
      : { SLACK_BOT_TOKEN: SLACK_TOKEN }),
    SLACK_SIGNING_SECRET,
    SLACK_API_URL: slack.apiUrl,
    SLACK_COORDINATOR_CHANNEL: COORDINATOR_CHANNEL,
    SLACK_NETWORK_CHANNEL: NETWORK_CHANNEL,
    SLACK_CHANNEL_INTERVAL_MS: "20",
    ...(options.slackSocketMode ? { SLACK_APP_TOKEN } : {}),
    DATABASE_URL: databaseUrl(database),
    ...(queue === "redis" ? { REDIS_URL: TEST_REDIS_URL } : {}),
    QUEUE_PREFIX: redisPrefix,
    OUTBOX_SWEEP_MS: "1000",
    BALLOT_SECRET,
    // Tests tap faster than people; the flood test sets its own limit.
    FLOOD_LIMIT: "1000",
    ...options.env,
  });
  const logs: string[] = [];
  const capture = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(...chunk.toString("utf8").split("\n").filter(Boolean));
      done();
    },
  });
  const built: { app?: Brueckenbot } = {};
  const current = () => {
    if (!built.app) throw new Error("not started");
    return built.app;
  };
  const app = await createApp(config, {
    migrate: false,
    seed: options.seed ?? true,
    botInfo: telegram.botInfo,
    log: createLogger({ level: "debug", destination: capture }),
    ...(options.simulator ? { routes: simulator(config, current, telegram, slack, 4) } : {}),
    ...(options.slackTeamOf ? { slackTeamOf: options.slackTeamOf } : {}),
  });
  built.app = app;
  let url: string;
  try {
    url = await app.start();
  } catch (error) {
    await app.stop();
    await telegram.close();
    await slack.close();
    await dropTestDatabase(database);
    throw error;
  }
  slack.connect(`${url}${SLACK_EVENTS_PATH}`, SLACK_SIGNING_SECRET);
  if (options.simulator) await prepareDemo(app, slack, url);
  const town = (await app.core.networks.bySlug(config.network.slug))?.id ?? "";
  const member = async (slackUserId = COORDINATOR) => {
    const found = await app.core.member({ slackUserId, teamId: slack.teamId });
    if (!found) throw new Error(`workspace ${slack.teamId} serves no network`);
    return found;
  };
  let stopped = false;
  return {
    app,
    town,
    member,
    telegram,
    slack,
    url,
    logs,
    database,
    redisPrefix,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await app.stop();
      await telegram.close();
      await slack.close();
      await dropTestDatabase(database);
      if (queue === "redis") await deleteRedisKeys(redisPrefix);
      // Every test through the stack is also a conformance test: the real platforms would have refused these.
      const refused = [...telegram.violations.map((v) => `Telegram ${v.method}: ${v.description}`), ...slack.violations.map((v) => `Slack ${v.method}: ${v.error}`)];
      if (refused.length > 0) throw new Error(`calls the platforms would refuse:\n${refused.join("\n")}`);
    },
  };
}

export async function deleteRedisKeys(prefix: string): Promise<void> {
  const redis = new Redis(TEST_REDIS_URL);
  try {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
}

import { freePort } from "./probe.js";

export { freePort };
