import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../../bot/config.js";
import { poolConfigFromUrl } from "../../bot/database.js";

const real = {
  TELEGRAM_BOT_TOKEN: "123456:ABC-def",
  SLACK_BOT_TOKEN: "xoxb-1",
  SLACK_SIGNING_SECRET: "secret",
  SLACK_COORDINATOR_CHANNEL: "C123",
  BALLOT_SECRET: "0123456789abcdef0123456789abcdef",
};

function problems(env: Record<string, string>): string[] {
  try {
    parseConfig(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

describe("configuration", () => {
  it("with nothing set, runs the local demo on embedded PostgreSQL with queues on it", () => {
    const config = parseConfig({});
    expect(config.demo).toBe(true);
    expect(config.database).toEqual({ embedded: true, dataDir: ".data" });
    expect(config.queue.backend).toBe("postgres");
    expect(config.telegram.mode).toEqual({ kind: "polling" });
    expect(config.timeZone).toBe("Europe/Berlin");
    expect(config.defaultLocale).toBe("de");
  });

  it("with tokens, servers and a webhook, runs for real", () => {
    const config = parseConfig({
      ...real,
      DATABASE_URL: "postgresql://u:p@db:5432/brb",
      REDIS_URL: "redis://cache:6379",
      TELEGRAM_WEBHOOK_URL: "https://bot.example.org/telegram/webhook",
      TELEGRAM_WEBHOOK_SECRET: "s3cret_token",
      SLACK_APP_TOKEN: "xapp-1",
      TELEGRAM_API_ROOT: "http://127.0.0.1:8081",
    });
    expect(config.demo).toBe(false);
    expect(config.telegram.mode).toEqual({ kind: "webhook", url: "https://bot.example.org/telegram/webhook", secret: "s3cret_token" });
    expect(config.telegram.apiRoot).toBe("http://127.0.0.1:8081");
    expect(config.slack.mode).toEqual({ kind: "socket", appToken: "xapp-1" });
    expect(config.queue).toEqual({ backend: "redis", url: "redis://cache:6379", prefix: "brb" });
  });

  it.each([
    [{ ...real, TELEGRAM_BOT_TOKEN: "not a token" }, "TELEGRAM_BOT_TOKEN: expected a token from @BotFather"],
    [{ ...real, TELEGRAM_WEBHOOK_URL: "https://x.org/hook" }, "TELEGRAM_WEBHOOK_SECRET: required when TELEGRAM_WEBHOOK_URL is set"],
    [{ ...real, TELEGRAM_WEBHOOK_URL: "https://x.org/hook", TELEGRAM_WEBHOOK_SECRET: "spaces are bad" }, "TELEGRAM_WEBHOOK_SECRET: expected 1-256 characters"],
    [{ TELEGRAM_BOT_TOKEN: "1:x" }, "SLACK_BOT_TOKEN: required when TELEGRAM_BOT_TOKEN is set"],
    [{ ...real, SLACK_SIGNING_SECRET: "" }, "SLACK_SIGNING_SECRET: required in HTTP mode"],
    [{ PORT: "seventy" }, "PORT: expected a port number"],
    [{ DATABASE_URL: "mysql://x" }, "DATABASE_URL: expected postgresql://"],
    [{ REDIS_URL: "localhost:6379" }, "REDIS_URL: expected redis://host:port"],
    [{ DEFAULT_LOCALE: "xx" }, "DEFAULT_LOCALE: expected one of de, en, ar"],
    [{ TIME_ZONE: "Mars/Olympus" }, "TIME_ZONE: expected an IANA time zone"],
    [{ ...real, BALLOT_SECRET: "" }, "BALLOT_SECRET: required outside demo mode"],
    [{ ...real, BALLOT_SECRET: "short" }, "BALLOT_SECRET: expected at least 32 characters"],
    [{ ...real, ADMIN_PASSWORD: "short" }, "ADMIN_PASSWORD: expected at least 12 characters"],
    [{ ...real, ADMIN_QUEUES_WRITABLE: "yes" }, "ADMIN_QUEUES_WRITABLE: expected true or false"],
    [{ ...real, METRICS_TOKEN: "short" }, "METRICS_TOKEN: expected at least 16 characters"],
    [{ ...real, CLOSE_AFTER_APPOINTMENT_DAYS: "0" }, "CLOSE_AFTER_APPOINTMENT_DAYS: expected a number of days"],
  ])("names the variable and what is expected: %j", (env, expected) => {
    expect(problems(env as Record<string, string>).join("\n")).toContain(expected);
  });

  it("keeps the queue board read-only and closes stuck jobs after 3 days, 14 days and 180 days unless told otherwise", () => {
    const config = parseConfig({ ...real, NODE_ENV: "production" });
    expect(config.admin).toEqual({ password: undefined, queuesWritable: false, metricsToken: undefined });
    expect(config.closing).toEqual({ afterAppointmentMs: 3 * 86_400_000, asapAfterMatchMs: 14 * 86_400_000, mentoringReviewMs: 180 * 86_400_000 });
    const set = parseConfig({ ...real, ADMIN_PASSWORD: "a-long-password", ADMIN_QUEUES_WRITABLE: "true", METRICS_TOKEN: "0123456789abcdef", MENTORING_REVIEW_DAYS: "90" });
    expect(set.admin).toEqual({ password: "a-long-password", queuesWritable: true, metricsToken: "0123456789abcdef" });
    expect(set.closing.mentoringReviewMs).toBe(90 * 86_400_000);
    // The demo has a fixed ballot key of its own; a real network must set one.
    expect(parseConfig({}).ballotSecret).not.toBe(set.ballotSecret);
  });

  it("stops the program with one clear line and no stack trace", () => {
    const run = spawnSync(process.execPath, ["--import", "tsx", "bot/main.ts"], {
      env: { PATH: process.env.PATH, TELEGRAM_BOT_TOKEN: "nonsense" },
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(run.status).toBe(2);
    const lines = run.stderr.trim().split("\n");
    expect(lines[0]).toBe("Configuration error: TELEGRAM_BOT_TOKEN: expected a token from @BotFather like 123456:ABC-DEF");
    expect(run.stderr).not.toMatch(/\bat .+:\d+:\d+/);
    expect(run.stdout).toBe("");
  });
});

describe("database URL", () => {
  it("connects through a Unix socket given as ?host=, as libpq does", () => {
    const socket = poolConfigFromUrl("postgresql://bot:s%40cret@localhost:5433/brb?host=/var/run/postgresql", 5);
    expect(socket).toMatchObject({ host: "/var/run/postgresql", port: 5433, user: "bot", password: "s@cret", database: "brb", max: 5 });
    expect(poolConfigFromUrl("postgresql://postgres@db.example.org/brb", 10)).toMatchObject({ host: "db.example.org", port: 5432, database: "brb" });
  });
});
