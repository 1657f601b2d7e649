import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { createApp, type Brueckenbot } from "../../bot/app.js";
import { coreSettings } from "../../bot/config.js";
import { createDatabase } from "../../core/db.js";
import { createCore } from "../../core/index.js";
import { PrismaClient } from "../../generated/prisma/client.js";
import { createLogger } from "../../ops/log.js";
import { databaseUrl, redisOnly } from "../helpers/env.js";
import { COORDINATOR, deleteRedisKeys, startStack } from "../helpers/stack.js";
import { onboard, plain } from "../helpers/telegram.js";
import { approvedVolunteer } from "../helpers/volunteers.js";
import { eventually } from "../helpers/wait.js";
import { DISPATCH } from "../../jobs/wake-ups.js";

const BEFORE = 53_001;
const WHILE_DOWN = 53_002;
const VOLUNTEER = 53_101;

describe("Redis needs no backup", redisOnly, () => {
  it("an empty Redis after a restart loses nothing pending: the queues are rebuilt from the outbox and the requests' state", async () => {
    // One volunteer takes both offers: no quiet time between them.
    const s = await startStack({ queue: "redis", env: { DISPATCH_WAVE_INTERVAL_MS: "1500", OUTBOX_SWEEP_MS: "500", OFFER_QUIET_MS: "1" } });
    let restarted: Brueckenbot | undefined;
    const pool = new pg.Pool({ connectionString: databaseUrl(s.database), max: 2 });
    pool.on("error", () => undefined);
    const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
    try {
      // Nobody speaks Tigrinya yet: the request's next wave waits as a delayed job in Redis.
      await onboard(s.telegram, BEFORE, "de");
      const before = await s.app.core.requests.create(BEFORE, { kind: "MEDIATION", language: "ti", mode: "PHONE" }, "restore-before");
      if (before.kind !== "created") throw new Error(before.kind);
      await s.telegram.waitFor(() => s.telegram.botMessages(BEFORE).some((m) => plain(m).includes(before.reference)), 15_000, "the first reference");
      await eventually(async () => expect(await s.app.queues.queue(DISPATCH).getDelayedCount()).toBeGreaterThan(0), 10_000);
      await s.app.stop();

      // While the product is down, a request is committed (as a second replica would): its confirmation and its
      // first wave are outbox rows that no queue has seen.
      const offline = createCore(createDatabase(prisma, pool), coreSettings(s.app.config), { isMember: async () => true });
      s.telegram.user(WHILE_DOWN);
      await offline.users.chooseLocale(WHILE_DOWN, "de");
      await offline.users.giveConsent(WHILE_DOWN);
      await offline.users.placeIn(WHILE_DOWN, s.town);
      const whileDown = await offline.requests.create(WHILE_DOWN, { kind: "MEDIATION", language: "ti", mode: "PHONE" }, "restore-while-down");
      if (whileDown.kind !== "created") throw new Error(whileDown.kind);

      // Redis is replaced by an empty one (the test's own prefix: every queue, job, schedule and lock is gone).
      await deleteRedisKeys(s.redisPrefix);
      restarted = await createApp(s.app.config, { migrate: false, botInfo: s.telegram.botInfo, log: createLogger({ level: "warn" }) });
      await restarted.start();
      const app = restarted;
      const member = async (slackUserId = COORDINATOR) => {
        const found = await app.core.member({ slackUserId, teamId: s.slack.teamId });
        if (!found) throw new Error("no network");
        return found;
      };
      await approvedVolunteer({ ...s, app, member }, VOLUNTEER, { languages: [{ language: "ti", level: "NATIVE" }], remoteOnly: true, districts: [] });

      // The message written while the product was down is delivered, and both requests reach the volunteer.
      await s.telegram.waitFor(() => s.telegram.botMessages(WHILE_DOWN).some((m) => plain(m).includes(whileDown.reference)), 20_000, "the confirmation written while down");
      for (const reference of [before.reference, whileDown.reference]) {
        await s.telegram.waitFor(() => s.telegram.botMessages(VOLUNTEER).some((m) => plain(m).includes(reference)), 30_000, `the offer of ${reference}`);
      }
      // Each exactly once.
      await new Promise((r) => setTimeout(r, 1500));
      for (const reference of [before.reference, whileDown.reference]) {
        expect(s.telegram.botMessages(VOLUNTEER).filter((m) => plain(m).includes(reference)), reference).toHaveLength(1);
      }
      expect(s.telegram.botMessages(WHILE_DOWN).filter((m) => plain(m).includes(whileDown.reference))).toHaveLength(1);
    } finally {
      await restarted?.stop();
      await prisma.$disconnect();
      await pool.end();
      await s.stop();
    }
  }, 120_000);
});
