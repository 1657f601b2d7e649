import type { ClosingSettings, CoreSettings, DispatchSettings, MeetingSettings, ReminderSettings } from "../core/settings.js";
import { z } from "zod";
import { LOCALES } from "../core/i18n.js";
import { SLACK_REDIRECT_PATH } from "./slack-install-pages.js";
import { parseTokenKey } from "./token-cipher.js";

const DEFAULT_TELEGRAM_API_ROOT = "https://api.telegram.org";
const DEFAULT_SLACK_API_URL = "https://slack.com/api/";
const DAY = 86_400_000;

const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .optional();
const url = (what: string) => z.url({ message: `expected ${what}, e.g. https://example.org` });
const optionalUrl = (what: string) => optionalText.pipe(url(what).optional());
const positiveInt = (what: string) =>
  z.coerce.number({ message: `expected ${what}` }).int({ message: `expected ${what}` }).positive({ message: `expected ${what}` });
const milliseconds = (fallback: number) => positiveInt("a whole number of milliseconds").default(fallback);

const environment = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  PORT: z.coerce.number({ message: "expected a port number 0-65535" }).int().min(0).max(65535).default(3000),
  HOST: z.string().default("0.0.0.0"),
  PUBLIC_URL: optionalUrl("the public base URL of this server"),
  DEFAULT_LOCALE: z.enum(LOCALES, { message: `expected one of ${LOCALES.join(", ")}` }).default("de"),
  TIME_ZONE: z
    .string()
    .default("Europe/Berlin")
    .refine((tz) => isTimeZone(tz), { message: "expected an IANA time zone such as Europe/Berlin" }),

  TELEGRAM_BOT_TOKEN: optionalText.pipe(
    z.string().regex(/^\d+:[\w-]+$/, { message: "expected a token from @BotFather like 123456:ABC-DEF" }).optional(),
  ),
  TELEGRAM_API_ROOT: optionalUrl("the Bot API base URL").default(DEFAULT_TELEGRAM_API_ROOT),
  TELEGRAM_WEBHOOK_URL: optionalUrl("the public HTTPS URL Telegram posts updates to"),
  TELEGRAM_WEBHOOK_SECRET: optionalText.pipe(
    z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,256}$/, { message: "expected 1-256 characters of A-Z a-z 0-9 _ -" })
      .optional(),
  ),
  TELEGRAM_MESSAGES_PER_SECOND: positiveInt("messages per second").default(30),
  TELEGRAM_CHAT_INTERVAL_MS: milliseconds(1000),
  FLOOD_LIMIT: positiveInt("a number of updates").default(20),
  FLOOD_WINDOW_MS: milliseconds(5000),

  SLACK_BOT_TOKEN: optionalText.pipe(z.string().startsWith("xoxb-", { message: "expected a bot token starting with xoxb-" }).optional()),
  SLACK_SIGNING_SECRET: optionalText,
  SLACK_APP_TOKEN: optionalText.pipe(z.string().startsWith("xapp-", { message: "expected an app-level token starting with xapp-" }).optional()),
  SLACK_API_URL: optionalUrl("the Slack Web API base URL").default(DEFAULT_SLACK_API_URL),
  SLACK_COORDINATOR_CHANNEL: optionalText,
  SLACK_CHANNEL_INTERVAL_MS: milliseconds(1000),
  SLACK_NETWORK_CHANNEL: optionalText,
  NETWORK_SLUG: optionalText.pipe(
    z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, { message: "expected 1-64 characters of A-Z a-z 0-9 _ - (it becomes the deep link t.me/<bot>?start=<slug>)" })
      .optional(),
  ),
  NETWORK_NAME: optionalText.pipe(z.string().max(80, { message: "expected at most 80 characters" }).optional()),
  NETWORK_DISTRICTS: optionalText.pipe(
    z
      .string()
      .regex(/^\s*[A-Z0-9_]{2,32}:[^,:]+(\s*,\s*[A-Z0-9_]{2,32}:[^,:]+)*\s*$/, { message: "expected CODE:Name pairs separated by commas, e.g. BECKUM:Beckum,NEUBECKUM:Neubeckum" })
      .optional(),
  ),
  SLACK_CLIENT_ID: optionalText,
  SLACK_CLIENT_SECRET: optionalText,
  SLACK_STATE_SECRET: optionalText.pipe(z.string().min(16, { message: "expected at least 16 random characters (it signs the install links' state)" }).optional()),
  SLACK_TOKEN_KEY: optionalText.pipe(
    z
      .string()
      .transform((v, ctx) => {
        const key = parseTokenKey(v);
        if (!key) ctx.addIssue({ code: "custom", message: "expected a 32-byte key as 64 hex digits or base64, e.g. from: openssl rand -base64 32" });
        return key ?? Buffer.alloc(0);
      })
      .optional(),
  ),
  MEETING_REMINDERS: z
    .string()
    .default("3d,2h")
    .refine((v) => parseDurations(v) !== undefined, { message: "expected durations like 3d,2h,30m" }),

  DISPATCH_WAVE_SIZE: positiveInt("a number of volunteers").default(3),
  DISPATCH_WAVE_INTERVAL_MS: milliseconds(10 * 60_000),
  DISPATCH_STRICT_WAVES: positiveInt("a number of waves").default(2),
  DISPATCH_ESCALATE_AFTER_MS: milliseconds(30 * 60_000),
  DISPATCH_SEARCH_TIMEOUT_MS: milliseconds(48 * 3600_000),
  DISPATCH_STOP_BEFORE_APPOINTMENT_MS: milliseconds(2 * 3600_000),
  OFFER_QUIET_MS: milliseconds(30 * 60_000),
  REMINDER_EVENING_HOUR: z.coerce.number({ message: "expected an hour 0-23" }).int().min(0, { message: "expected an hour 0-23" }).max(23, { message: "expected an hour 0-23" }).default(18),
  REMINDER_BEFORE_MS: milliseconds(60 * 60_000),

  DATABASE_URL: optionalText.pipe(
    z.string().regex(/^postgres(ql)?:\/\//, { message: "expected postgresql://user:password@host:port/database" }).optional(),
  ),
  DATA_DIR: z.string().default(".data"),
  REDIS_URL: optionalText.pipe(z.string().regex(/^rediss?:\/\//, { message: "expected redis://host:port" }).optional()),
  QUEUE_PREFIX: z.string().regex(/^[\w-]+$/, { message: "expected letters, digits, _ or -" }).default("brb"),
  OUTBOX_SWEEP_MS: milliseconds(5000),

  ADMIN_PASSWORD: optionalText.pipe(z.string().min(12, { message: "expected at least 12 characters" }).optional()),
  ADMIN_QUEUES_WRITABLE: z.enum(["true", "false"], { message: "expected true or false" }).default("false"),
  METRICS_TOKEN: optionalText.pipe(z.string().min(16, { message: "expected at least 16 characters" }).optional()),
  BALLOT_SECRET: optionalText.pipe(z.string().min(32, { message: "expected at least 32 characters (e.g. openssl rand -hex 32)" }).optional()),
  SHUTDOWN_TIMEOUT_MS: milliseconds(10_000),
  RETENTION_DAYS: positiveInt("a number of days").default(30),
  CLOSE_AFTER_APPOINTMENT_DAYS: positiveInt("a number of days").default(3),
  CLOSE_ASAP_AFTER_DAYS: positiveInt("a number of days").default(14),
  MENTORING_REVIEW_DAYS: positiveInt("a number of days").default(180),
  REQUEST_LIMIT_OPEN: positiveInt("a number of requests").default(3),
  REQUEST_LIMIT_DAY: positiveInt("a number of requests").default(5),
});

type Environment = z.infer<typeof environment>;

/** How the Telegram bot receives updates. */
export type TelegramMode = { kind: "webhook"; url: string; secret: string } | { kind: "polling" };

/** How Slack reaches the app: signed HTTP requests, or a Socket Mode WebSocket. */
export type SlackMode = { kind: "http"; signingSecret: string } | { kind: "socket"; appToken: string };

/**
 * Which workspaces the app serves: one, with a fixed bot token (the default); or any that install it through
 * Slack's OAuth flow ("distributed"), each with the bot token of its installation, kept encrypted under `tokenKey`.
 */
export type SlackWorkspaces =
  | { kind: "single"; token: string }
  | {
      kind: "distributed";
      clientId: string;
      clientSecret: string;
      stateSecret: string;
      tokenKey: Buffer;
      /** Where Slack sends installers back: PUBLIC_URL/slack/oauth_redirect (registered with the app). */
      redirectUri: string;
    };

/** The variables that together make the Slack app distributed. */
const DISTRIBUTION = ["SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "SLACK_STATE_SECRET", "SLACK_TOKEN_KEY"] as const;

/** The validated configuration; the rest of the program never reads process.env. */
export type Config = {
  env: Environment["NODE_ENV"];
  logLevel: Environment["LOG_LEVEL"];
  /** No tokens given: emulators, embedded PostgreSQL and queues on it. */
  demo: boolean;
  http: { port: number; host: string; publicUrl: string | undefined };
  defaultLocale: Environment["DEFAULT_LOCALE"];
  timeZone: string;
  telegram: {
    token: string;
    apiRoot: string;
    mode: TelegramMode;
    messagesPerSecond: number;
    chatIntervalMs: number;
    flood: { limit: number; windowMs: number };
  };
  slack: {
    workspaces: SlackWorkspaces;
    mode: SlackMode;
    apiUrl: string;
    coordinatorChannel: string;
    /** Where network meetings, AG meetings without a channel and the weekly digest are posted. */
    networkChannel: string;
    channelIntervalMs: number;
  };
  /**
   * The network this deployment's Slack workspace (SLACK_BOT_TOKEN) serves, created on first start: a
   * deployment for one town needs nothing else. More towns come from a networks file (`npm run networks`).
   */
  network: { slug: string; name: string; districts: { code: string; name: string }[] };
  meetings: MeetingSettings;
  dispatch: DispatchSettings;
  reminders: ReminderSettings;
  database: { url: string } | { embedded: true; dataDir: string };
  queue: { backend: "redis"; url: string; prefix: string } | { backend: "postgres"; prefix: string };
  outboxSweepMs: number;
  /**
   * Who may see the queues and the figures: Bull Board at /admin/queues needs the password outside demo
   * mode (without one it is off) and is read-only unless made writable; /metrics needs the bearer token
   * when one is set.
   */
  admin: { password: string | undefined; queuesWritable: boolean; metricsToken: string | undefined };
  shutdownTimeoutMs: number;
  /** Personal data of closed requests and of reports is erased after this many days. */
  retentionDays: number;
  closing: ClosingSettings;
  /** The key of anonymous polls' ballots. */
  ballotSecret: string;
  limits: CoreSettings["limits"];
};

/** The fixed tokens of local demo mode; only the emulators accept them. */
export const DEMO = {
  telegramToken: "1000001:brueckenbot-demo",
  slackToken: "xoxb-brueckenbot-demo",
  slackSigningSecret: "brueckenbot-demo-signing-secret",
  coordinatorChannel: "C0COORDINATE",
  networkChannel: "C0NETZWERK",
  /** Beckum, the network this product was first built for, with its four districts. */
  network: {
    slug: "beckum",
    name: "Beckum",
    districts: [
      { code: "BECKUM", name: "Beckum" },
      { code: "NEUBECKUM", name: "Neubeckum" },
      { code: "ROLAND", name: "Roland" },
      { code: "VELLERN", name: "Vellern" },
    ],
  },
  /**
   * The demo serves two towns, each in its own Slack workspace: its Slack app is distributed, and these are the
   * credentials the emulator knows it by; the token key only ever encrypts the emulator's tokens.
   */
  slackApp: {
    clientId: "1000000001.2000000001",
    clientSecret: "brueckenbot-demo-client-secret",
    stateSecret: "brueckenbot-demo-state-secret-for-install-links",
    tokenKey: "64656d6f".repeat(8),
  },
  /** Only for the demo's own ballots: a real network sets BALLOT_SECRET. */
  ballotSecret: "brueckenbot-demo-ballot-secret-not-for-real-polls",
} as const;

/** A configuration problem, reported as one line that names the variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join("\n"));
    this.name = "ConfigError";
  }
}

/**
 * Something outside the configuration keeps the product from starting (a server that does not answer, a port in
 * use, a migration that fails): one line that names it and says what to do, printed without a stack trace.
 */
export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StartupError";
  }
}

/**
 * Validates the environment and derives the modes of every part.
 *
 * @example
 * const config = parseConfig(process.env);
 * config.demo; // true when neither a Telegram nor a Slack token is given
 */
export function parseConfig(source: Record<string, string | undefined>): Config {
  const parsed = environment.safeParse(source);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join(".") || "environment"}: ${issue.message}`));
  }
  const e = parsed.data;
  const problems: string[] = [];
  const need = (name: keyof Environment, why: string) => {
    if (e[name] === undefined) problems.push(`${name}: required ${why}`);
  };

  const distributed = DISTRIBUTION.some((name) => e[name] !== undefined);
  const demo = e.TELEGRAM_BOT_TOKEN === undefined && e.SLACK_BOT_TOKEN === undefined && !distributed;
  if (!demo) {
    need("TELEGRAM_BOT_TOKEN", `when ${distributed ? "the Slack app is distributed" : "SLACK_BOT_TOKEN is set"} (the network needs both bots)`);
    if (!distributed) need("SLACK_BOT_TOKEN", "when TELEGRAM_BOT_TOKEN is set (coordinators work in Slack)");
    need("SLACK_COORDINATOR_CHANNEL", "outside demo mode (the channel id where coordinators get alerts, e.g. C0123456)");
    if (e.SLACK_APP_TOKEN === undefined) need("SLACK_SIGNING_SECRET", "in HTTP mode (or set SLACK_APP_TOKEN for Socket Mode)");
  }
  if (distributed) {
    const given = DISTRIBUTION.filter((name) => e[name] !== undefined).join(", ");
    for (const name of DISTRIBUTION) need(name, `when ${given} ${given.includes(",") ? "are" : "is"} set (a distributed Slack app needs all of ${DISTRIBUTION.join(", ")})`);
    if (e.SLACK_BOT_TOKEN !== undefined) problems.push("SLACK_BOT_TOKEN: leave it empty when the Slack app is distributed (each workspace's bot token comes from its installation)");
    // The install page and Slack's redirect back need the public HTTP server, which Socket Mode does without;
    // and Slack's marketplace takes no Socket Mode apps (https://docs.slack.dev/apis/events-api/using-socket-mode).
    if (e.SLACK_APP_TOKEN !== undefined) problems.push("SLACK_APP_TOKEN: a distributed Slack app works over HTTP (leave SLACK_APP_TOKEN empty and set SLACK_SIGNING_SECRET)");
    need("PUBLIC_URL", "when the Slack app is distributed (Slack sends installers back to PUBLIC_URL/slack/oauth_redirect)");
  }
  if (e.TELEGRAM_WEBHOOK_URL !== undefined) need("TELEGRAM_WEBHOOK_SECRET", "when TELEGRAM_WEBHOOK_URL is set (1-256 characters A-Z a-z 0-9 _ -)");
  if (!demo) need("BALLOT_SECRET", "outside demo mode (it keeps anonymous votes anonymous; at least 32 random characters, e.g. openssl rand -hex 32)");
  if (problems.length > 0) throw new ConfigError(problems);

  const telegramMode: TelegramMode =
    e.TELEGRAM_WEBHOOK_URL !== undefined && e.TELEGRAM_WEBHOOK_SECRET !== undefined
      ? { kind: "webhook", url: e.TELEGRAM_WEBHOOK_URL, secret: e.TELEGRAM_WEBHOOK_SECRET }
      : { kind: "polling" };
  const slackMode: SlackMode =
    e.SLACK_APP_TOKEN !== undefined
      ? { kind: "socket", appToken: e.SLACK_APP_TOKEN }
      : { kind: "http", signingSecret: e.SLACK_SIGNING_SECRET ?? DEMO.slackSigningSecret };

  return {
    env: e.NODE_ENV,
    logLevel: e.LOG_LEVEL,
    demo,
    http: { port: e.PORT, host: e.HOST, publicUrl: e.PUBLIC_URL },
    defaultLocale: e.DEFAULT_LOCALE,
    timeZone: e.TIME_ZONE,
    telegram: {
      token: e.TELEGRAM_BOT_TOKEN ?? DEMO.telegramToken,
      apiRoot: e.TELEGRAM_API_ROOT,
      mode: telegramMode,
      messagesPerSecond: e.TELEGRAM_MESSAGES_PER_SECOND,
      chatIntervalMs: e.TELEGRAM_CHAT_INTERVAL_MS,
      flood: { limit: e.FLOOD_LIMIT, windowMs: e.FLOOD_WINDOW_MS },
    },
    slack: {
      workspaces:
        distributed && e.SLACK_CLIENT_ID && e.SLACK_CLIENT_SECRET && e.SLACK_STATE_SECRET && e.SLACK_TOKEN_KEY && e.PUBLIC_URL
          ? {
              kind: "distributed",
              clientId: e.SLACK_CLIENT_ID,
              clientSecret: e.SLACK_CLIENT_SECRET,
              stateSecret: e.SLACK_STATE_SECRET,
              tokenKey: e.SLACK_TOKEN_KEY,
              redirectUri: `${e.PUBLIC_URL.replace(/\/$/, "")}${SLACK_REDIRECT_PATH}`,
            }
          : { kind: "single", token: e.SLACK_BOT_TOKEN ?? DEMO.slackToken },
      mode: slackMode,
      apiUrl: e.SLACK_API_URL,
      coordinatorChannel: e.SLACK_COORDINATOR_CHANNEL ?? DEMO.coordinatorChannel,
      networkChannel: e.SLACK_NETWORK_CHANNEL ?? (demo ? DEMO.networkChannel : (e.SLACK_COORDINATOR_CHANNEL ?? DEMO.coordinatorChannel)),
      channelIntervalMs: e.SLACK_CHANNEL_INTERVAL_MS,
    },
    network: {
      slug: e.NETWORK_SLUG ?? DEMO.network.slug,
      name: e.NETWORK_NAME ?? (e.NETWORK_SLUG ? e.NETWORK_SLUG : DEMO.network.name),
      districts: e.NETWORK_DISTRICTS ? parseDistricts(e.NETWORK_DISTRICTS) : e.NETWORK_SLUG && e.NETWORK_SLUG !== DEMO.network.slug ? [] : [...DEMO.network.districts],
    },
    meetings: { reminderOffsetsMs: parseDurations(e.MEETING_REMINDERS) ?? [] },
    dispatch: {
      waveSize: e.DISPATCH_WAVE_SIZE,
      waveIntervalMs: e.DISPATCH_WAVE_INTERVAL_MS,
      strictWaves: e.DISPATCH_STRICT_WAVES,
      escalateAfterMs: e.DISPATCH_ESCALATE_AFTER_MS,
      searchTimeoutMs: e.DISPATCH_SEARCH_TIMEOUT_MS,
      stopBeforeAppointmentMs: e.DISPATCH_STOP_BEFORE_APPOINTMENT_MS,
      quietMs: e.OFFER_QUIET_MS,
    },
    reminders: { eveningHour: e.REMINDER_EVENING_HOUR, beforeMs: e.REMINDER_BEFORE_MS },
    database: e.DATABASE_URL !== undefined ? { url: e.DATABASE_URL } : { embedded: true, dataDir: e.DATA_DIR },
    queue:
      e.REDIS_URL !== undefined
        ? { backend: "redis", url: e.REDIS_URL, prefix: e.QUEUE_PREFIX }
        : { backend: "postgres", prefix: e.QUEUE_PREFIX },
    outboxSweepMs: e.OUTBOX_SWEEP_MS,
    admin: { password: e.ADMIN_PASSWORD, queuesWritable: e.ADMIN_QUEUES_WRITABLE === "true", metricsToken: e.METRICS_TOKEN },
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    retentionDays: e.RETENTION_DAYS,
    closing: {
      afterAppointmentMs: e.CLOSE_AFTER_APPOINTMENT_DAYS * DAY,
      asapAfterMatchMs: e.CLOSE_ASAP_AFTER_DAYS * DAY,
      mentoringReviewMs: e.MENTORING_REVIEW_DAYS * DAY,
    },
    ballotSecret: e.BALLOT_SECRET ?? DEMO.ballotSecret,
    limits: { openPerKind: e.REQUEST_LIMIT_OPEN, perDay: e.REQUEST_LIMIT_DAY },
  };
}

/** What core needs of the configuration: the network's settings. */
export function coreSettings(config: Config): CoreSettings {
  return {
    dispatch: config.dispatch,
    reminders: config.reminders,
    meetings: config.meetings,
    timeZone: config.timeZone,
    retentionDays: config.retentionDays,
    closing: config.closing,
    ballotSecret: config.ballotSecret,
    limits: config.limits,
  };
}

/** Reads and validates this process's environment. */
export function loadConfig(): Config {
  return parseConfig(process.env);
}

/** "BECKUM:Beckum, NEUBECKUM:Neubeckum" → districts. */
function parseDistricts(text: string): { code: string; name: string }[] {
  return text.split(",").map((pair) => {
    const [code = "", name = ""] = pair.split(":").map((part) => part.trim());
    return { code, name };
  });
}

/** "3d,2h,30m" → milliseconds; undefined when a part is not a duration. */
export function parseDurations(text: string): number[] | undefined {
  const units: Record<string, number> = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 };
  const parts = text.split(",").map((p) => p.trim()).filter(Boolean);
  const values = parts.map((part) => {
    const match = /^(\d+)\s*([dhms])$/.exec(part);
    return match ? Number(match[1]) * (units[match[2] ?? ""] ?? 0) : undefined;
  });
  return values.every((v): v is number => v !== undefined && v > 0) ? values : undefined;
}

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
