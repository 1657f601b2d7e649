import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { databaseUrl } from "../helpers/env.js";
import { Scene, sleep, startServers, table, type SceneOptions, type Servers, type Tally } from "./harness.js";

/**
 * Faults injected into the running product while people use it; after each, nothing asked for may be lost
 * and nothing doubled: every committed request has its offers (each volunteer one), every update is answered
 * once, every outbox row is sent once and in its chat's order. The product runs as its own process on a
 * PostgreSQL and a Redis of this suite's own, which it stops, kills and empties. One product process goes
 * through several faults in turn, each tallied on its own.
 */
describe("faults under traffic", () => {
  let servers: Servers;
  let scene: Scene | undefined;
  const rows: { fault: string; tally: Tally }[] = [];

  beforeAll(async () => {
    servers = await startServers();
  }, 120_000);
  afterEach(async () => {
    await scene?.close();
    scene = undefined;
  });
  afterAll(async () => {
    console.log(`\n${table(rows)}\n`);
    await servers?.stop();
  });

  async function open(options: SceneOptions): Promise<Scene> {
    scene = await Scene.open(servers, options);
    await scene.start();
    return scene;
  }

  /** Runs one fault under traffic, waits for the product to catch up, and checks the tally. */
  async function fault(s: Scene, name: string, run: () => Promise<void>, crashes = false): Promise<void> {
    await run();
    // After a crash a message its sender held is sent again once its 30 s lease is over.
    await s.settle(crashes ? 90_000 : 60_000);
    const tally = await s.tally();
    const label = `${name} (${s.options.queue}, ${s.options.telegramMode})`;
    rows.push({ fault: label, tally });
    if (tally.problems.length > 0) {
      // The whole story of a failed fault, for whoever has to find out why.
      const file = path.join(tmpdir(), `brb-fault-${label.replace(/\W+/g, "-")}.log`);
      writeFileSync(file, s.logs.join("\n"));
      console.log(`product log of "${label}": ${file}`);
    }
    expect(tally.problems, `${label}\n${s.logs.filter((l) => /"level":(50|60)/.test(l)).slice(-5).join("\n")}`).toEqual([]);
    expect(tally.lost, label).toBe(0);
    // Only a crash may double a message, one per chat at most, and the product says which (see README).
    expect(tally.doubled, label).toBeLessThanOrEqual(tally.announced);
    if (!crashes) expect(tally.doubled, label).toBe(0);
  }

  const postgresDown = (s: Scene) =>
    fault(s, "PostgreSQL stopped 3 s while people type", async () => {
      await s.request();
      const typing = s.typing(8, 250);
      await sleep(500);
      await s.servers.postgres.halt();
      await sleep(3000);
      await s.servers.postgres.resume();
      await typing;
      await s.request();
    });

  const twiceAtOnce = (s: Scene) =>
    fault(s, "each update delivered twice at once", async () => {
      s.telegram.deliveriesPerUpdate = 2;
      await s.typing(3, 100);
      s.telegram.deliveriesPerUpdate = 1;
    });

  const killedMidWave = (s: Scene) =>
    fault(
      s,
      "product SIGKILL mid-wave",
      async () => {
        // A slow sender, so that the kill finds a wave half out.
        for (let i = 0; i < 3; i++) await s.request();
        const typing = s.typing(3, 150);
        const before = s.offersDelivered();
        await s.telegram.waitFor(() => s.offersDelivered() >= before + 4 || undefined, 20_000, "a first part of the wave");
        await s.kill();
        await typing;
        await s.start();
      },
      true,
    );

  const poolExhausted = (s: Scene) =>
    fault(s, "PostgreSQL pool exhausted by slow queries", async () => {
      // The tables every update and every send write to are locked for 3 s: each statement on them waits, holding
      // its connection, until the product's pool has none left and every other query queues behind them.
      const locker = new pg.Client({ connectionString: databaseUrl(s.database, s.servers.postgres.url) });
      await locker.connect();
      try {
        await locker.query("BEGIN");
        await locker.query(`LOCK TABLE "ProcessedUpdate", "Outbox", "BotSession" IN EXCLUSIVE MODE`);
        const typing = s.typing(6, 150);
        await sleep(3000);
        await locker.query("COMMIT");
        await typing;
      } finally {
        await locker.end();
      }
      await s.request();
    });

  it("long polling, Redis queues: PostgreSQL down, duplicates, a 429 storm, a full pool, Redis emptied", async () => {
    const s = await open({ queue: "redis", telegramMode: "polling", volunteers: 5, env: { TELEGRAM_MESSAGES_PER_SECOND: "10" } });
    await postgresDown(s);
    await twiceAtOnce(s);
    await fault(s, "429 storm", async () => {
      s.telegram.setLimits({ perSecond: 2 });
      await s.request();
      await s.typing(4, 200);
      await sleep(2000);
      s.telegram.setLimits({});
    });
    await poolExhausted(s);
    await fault(s, "Redis killed, restarted empty", async () => {
      await s.request();
      const typing = s.typing(6, 200);
      await sleep(300);
      await s.servers.redis.kill();
      await sleep(1000);
      await s.servers.redis.start();
      await typing;
      await s.request();
    });
  }, 200_000);

  it("long polling, PostgreSQL queues: PostgreSQL down, duplicates, a full pool", async () => {
    const s = await open({ queue: "postgres", telegramMode: "polling", volunteers: 5, env: { TELEGRAM_MESSAGES_PER_SECOND: "10" } });
    await postgresDown(s);
    await twiceAtOnce(s);
    await poolExhausted(s);
  }, 200_000);

  it("long polling, PostgreSQL queues: a crash mid-wave", async () => {
    const s = await open({ queue: "postgres", telegramMode: "polling", volunteers: 5, env: { TELEGRAM_MESSAGES_PER_SECOND: "10" } });
    await killedMidWave(s);
  }, 200_000);

  it("webhook, Redis queues: PostgreSQL down (Telegram delivers again), duplicates", async () => {
    const s = await open({ queue: "redis", telegramMode: "webhook", volunteers: 5, env: { TELEGRAM_MESSAGES_PER_SECOND: "10" } });
    await postgresDown(s);
    await twiceAtOnce(s);
  }, 200_000);

  it("Slack, Redis queues: a retry while the first click is in flight, a Slack API taking 5 s, PostgreSQL down while members click", async () => {
    const s = await open({ queue: "redis", telegramMode: "polling", volunteers: 0, newcomers: 0 });
    const poll = await s.poll("Welcher Tag passt?");
    const members = (from: number, count: number) => Array.from({ length: count }, (_, i) => `U0VOTER${String(from + i).padStart(3, "0")}`);
    const acknowledged = (answers: { status: number }[]) => expect(answers.map((a) => a.status).filter((status) => status !== 200)).toEqual([]);
    await fault(s, "Slack retry while the first click is in flight", async () => {
      acknowledged((await Promise.all(members(0, 20).map((m, i) => s.vote(poll, m, i, true)))).flat());
    });
    await fault(s, "Slack API taking 5 s while clicks arrive", async () => {
      for (const method of ["chat.update", "chat.postEphemeral", "chat.postMessage", "conversations.members", "users.info"]) s.slack.slow(method, 5000);
      acknowledged((await Promise.all(members(20, 20).map((m, i) => s.vote(poll, m, i)))).flat());
      await sleep(1000);
      for (const method of ["chat.update", "chat.postEphemeral", "chat.postMessage", "conversations.members", "users.info"]) s.slack.slow(method, 0);
    });
    await fault(s, "PostgreSQL stopped 3 s while members click", async () => {
      await s.servers.postgres.halt();
      const clicking = Promise.all(members(40, 20).map(async (m, i) => {
        await sleep(i * 100);
        return s.vote(poll, m, i);
      }));
      await sleep(3000);
      await s.servers.postgres.resume();
      acknowledged((await clicking).flat());
    });
  }, 200_000);
});
