import { spawn, type ChildProcess } from "node:child_process";
import { PrismaPg } from "@prisma/adapter-pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { createDatabase } from "../../core/db.js";
import { createCore, type Core } from "../../core/index.js";
import { PrismaClient } from "../../generated/prisma/client.js";
import { SlackEmulator } from "../../sim/slack-api.js";
import { TelegramEmulator } from "../../sim/telegram-api.js";
import { databaseUrl, REDIS_AVAILABLE, redisOnly, TEST_REDIS_URL } from "../helpers/env.js";
import {
  BALLOT_SECRET,
  COORDINATOR_CHANNEL,
  createTestDatabase,
  deleteRedisKeys,
  dropTestDatabase,
  freePort,
  SLACK_SIGNING_SECRET,
  SLACK_TOKEN,
  startStack,
  TELEGRAM_TOKEN,
  type Stack,
} from "../helpers/stack.js";
import { buttonData, onboard, plain } from "../helpers/telegram.js";
import { approvedVolunteer } from "../helpers/volunteers.js";

const VOLUNTEERS = Array.from({ length: 6 }, (_, i) => 51_000 + i);
const NEWCOMER = 50_001;

describe("a worker killed after sending half a wave", () => {
  let database: string;
  let telegram: TelegramEmulator;
  let slack: SlackEmulator;
  let db: PrismaClient;
  let pool: pg.Pool;
  /** Core on the test's database, as the product process uses it, with its settings for this test. */
  let core: Core;
  const prefix = `brbcrash-${Date.now()}`;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    database = await createTestDatabase();
    telegram = await TelegramEmulator.start({ token: TELEGRAM_TOKEN });
    slack = await SlackEmulator.start({ token: SLACK_TOKEN });
    slack.makePrivate(COORDINATOR_CHANNEL);
    pool = new pg.Pool({ connectionString: databaseUrl(database), max: 2 });
    pool.on("error", () => undefined); // connections still closing when afterAll drops the database
    db = new PrismaClient({ adapter: new PrismaPg(pool) });
    core = createCore(createDatabase(db, pool), {
      dispatch: { waveSize: 6, waveIntervalMs: 600_000, strictWaves: 2, escalateAfterMs: 600_000, searchTimeoutMs: 3_600_000, stopBeforeAppointmentMs: 3_600_000, quietMs: 0 },
      reminders: { eveningHour: 18, beforeMs: 3_600_000 },
      meetings: { reminderOffsetsMs: [] },
      coordinatorChannel: COORDINATOR_CHANNEL,
      networkChannel: COORDINATOR_CHANNEL,
      timeZone: "Europe/Berlin",
      retentionDays: 30,
      closing: { afterAppointmentMs: 3 * 86_400_000, asapAfterMatchMs: 14 * 86_400_000, mentoringReviewMs: 180 * 86_400_000 },
      ballotSecret: BALLOT_SECRET,
      limits: { openPerKind: 3, perDay: 5 },
    }, { isCoordinator: async () => true, isMember: async () => true });
  });
  afterEach(() => {
    child?.kill("SIGKILL");
  });
  afterAll(async () => {
    await db?.$disconnect();
    await pool?.end();
    await telegram?.close();
    await slack?.close();
    await dropTestDatabase(database);
    if (REDIS_AVAILABLE) await deleteRedisKeys(prefix);
  });

  /** The product in its own process, as in production, against the emulators and the test database. */
  async function startProduct(): Promise<ChildProcess> {
    const port = await freePort();
    const process_ = spawn(process.execPath, ["--import", "tsx", "bot/main.ts"], {
      env: {
        PATH: process.env.PATH,
        LOG_LEVEL: "warn",
        PORT: String(port),
        HOST: "127.0.0.1",
        TELEGRAM_BOT_TOKEN: TELEGRAM_TOKEN,
        TELEGRAM_API_ROOT: telegram.url,
        TELEGRAM_MESSAGES_PER_SECOND: "2",
        TELEGRAM_CHAT_INTERVAL_MS: "20",
        SLACK_BOT_TOKEN: SLACK_TOKEN,
        SLACK_SIGNING_SECRET,
        SLACK_API_URL: slack.apiUrl,
        SLACK_COORDINATOR_CHANNEL: COORDINATOR_CHANNEL,
        DATABASE_URL: databaseUrl(database),
        ...(REDIS_AVAILABLE ? { REDIS_URL: TEST_REDIS_URL } : {}),
        QUEUE_PREFIX: prefix,
        OUTBOX_SWEEP_MS: "1000",
        DISPATCH_WAVE_SIZE: "6",
        BALLOT_SECRET,
      },
      stdio: ["ignore", "inherit", "inherit"],
    });
    child = process_;
    return process_;
  }

  it("after a restart, every offer is sent exactly once", async () => {
    for (const id of VOLUNTEERS) {
      telegram.user(id);
      await core.users.chooseLocale(id, "de");
      await core.users.giveConsent(id);
      const registered = await core.volunteers.register(id, {
        firstName: `V${id}`,
        roles: ["INTERPRETER"],
        languages: [{ language: "ar", level: "NATIVE" }],
        germanLevel: "C1_C2",
        districts: [],
        remoteOnly: true,
        weeklyCapacity: 3,
      });
      if (registered.kind === "no-consent") throw new Error("consent");
      await core.volunteers.decide({ slackUserId: "U0COORD" }, registered.volunteerId, "APPROVED");
    }
    telegram.user(NEWCOMER);
    await core.users.chooseLocale(NEWCOMER, "de");
    await core.users.giveConsent(NEWCOMER);
    // The request is committed; the product process is not running yet: it must pick it up by itself.
    await core.requests.create(NEWCOMER, { kind: "MEDIATION", language: "ar", mode: "PHONE", purpose: "HEALTH" }, "crash-1");

    const offersSent = () => VOLUNTEERS.filter((id) => telegram.botMessages(id).some((m) => plain(m).includes("Neue Anfrage"))).length;
    const first = await startProduct();
    // Kill it the hard way between two sends: three offers out and marked sent, none in flight.
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (Date.now() > deadline) throw new Error("no half wave");
      const offerRows = (await db.offer.findMany({ select: { outboxId: true } })).flatMap((o) => (o.outboxId === null ? [] : [o.outboxId]));
      const [sent, sending] = await Promise.all([
        db.outbox.count({ where: { id: { in: offerRows }, status: "SENT" } }),
        db.outbox.count({ where: { status: "SENDING" } }),
      ]);
      if (sent >= 3 && sending === 0 && offersSent() === sent) {
        first.kill("SIGKILL");
        break;
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    await new Promise<void>((resolve) => first.once("exit", () => resolve()));
    const before = offersSent();
    expect(before).toBeGreaterThanOrEqual(3);
    expect(before).toBeLessThan(6);

    await startProduct();
    await telegram.waitFor(() => offersSent() === 6, 30_000, "all six offers");
    await new Promise((r) => setTimeout(r, 1500));
    for (const id of VOLUNTEERS) {
      expect(telegram.botMessages(id).filter((m) => buttonData(m).some((d) => d.startsWith("offer:accept:"))), String(id)).toHaveLength(1);
    }
    expect(await db.offer.count()).toBe(6);
  }, 90_000);
});

describe("Redis restarted while a request is open", redisOnly, () => {
  let redis: ChildProcess | undefined;
  let port: number;
  let stack: Stack | undefined;

  const startRedis = async () => {
    redis = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
    await new Promise((r) => setTimeout(r, 300));
  };

  beforeAll(async () => {
    port = await freePort();
    await startRedis();
  });
  afterAll(async () => {
    await stack?.stop();
    redis?.kill("SIGKILL");
  });

  it("loses every queued job with Redis, yet the request is still dispatched and messages still go out", async () => {
    stack = await startStack({ env: { REDIS_URL: `redis://127.0.0.1:${port}`, DISPATCH_WAVE_INTERVAL_MS: "1500", OUTBOX_SWEEP_MS: "500" } });
    const s = stack;
    await onboard(s.telegram, NEWCOMER, "de");
    // Nobody fits yet: the first wave finds no one, the next is a delayed job in Redis.
    const { reference } = await s.app.core.requests.create(NEWCOMER, { kind: "MEDIATION", language: "ar", mode: "PHONE" }, "redis-1").then((r) => (r.kind === "created" || r.kind === "exists" ? r : { reference: "" }));
    await s.telegram.waitFor(() => s.telegram.botMessages(NEWCOMER).some((m) => plain(m).includes(reference)));

    redis?.kill("SIGKILL");
    await new Promise((r) => setTimeout(r, 300));
    // While Redis is down the bot still answers what it can commit: the answer waits in PostgreSQL.
    await s.telegram.sendText(NEWCOMER, "/help");
    await startRedis();

    await approvedVolunteer(s, 52_001, { remoteOnly: true, districts: [] });
    const offer = await s.telegram.waitFor(
      () => s.telegram.botMessages(52_001).find((m) => plain(m).includes(reference)),
      15_000,
      "the offer after the Redis restart",
    );
    expect(plain(offer)).toContain("Neue Anfrage");
    await s.telegram.waitFor(() => s.telegram.botMessages(NEWCOMER).some((m) => plain(m).includes("Brückenbot ist ein Angebot")), 10_000, "the /help answer");
  }, 60_000);
});
