import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { arriveAll, floodKey } from "../../core/arrivals.js";
import { createDatabase, type Database } from "../../core/db.js";
import { tellMany, type Told } from "../../core/outbox.js";
import { PrismaClient } from "../../generated/prisma/client.js";
import { databaseUrl } from "../helpers/env.js";
import { createTestDatabase, dropTestDatabase } from "../helpers/stack.js";

/** The statements every update runs, batched for the updates that arrive together, on real PostgreSQL. */
describe("arrivals and outbox rows written together", () => {
  let name: string;
  let pool: pg.Pool;
  let db: PrismaClient;
  let database: Database;
  beforeAll(async () => {
    name = await createTestDatabase();
    pool = new pg.Pool({ connectionString: databaseUrl(name), max: 4 });
    pool.on("error", () => undefined); // connections still closing when afterAll drops the database
    db = new PrismaClient({ adapter: new PrismaPg(pool) });
    database = createDatabase(db, pool);
  });
  afterAll(async () => {
    await db.$disconnect();
    await pool.end();
    await dropTestDatabase(name);
  });

  it("records each update once, counts each sender's updates in order, and reads user and session", async () => {
    await db.telegramUser.create({ data: { telegramId: 7001, locale: "ar" } });
    await db.botSession.create({ data: { key: "7001", value: { step: "date" } } });
    const arrivals = await arriveAll(
      database,
      [
        { updateId: 1, telegramId: 7001, sessionKey: "7001" },
        { updateId: 2, telegramId: 7002, sessionKey: "7002" },
        { updateId: 3, telegramId: 7001, sessionKey: "7001" },
        { updateId: 1, telegramId: 7001, sessionKey: "7001" }, // a redelivery in the same batch
        { updateId: 4, telegramId: undefined, sessionKey: undefined },
      ],
      60_000,
    );
    expect(arrivals.map((a) => a.first)).toEqual([true, true, true, false, true]);
    expect(arrivals.map((a) => a.hits)).toEqual([1, 1, 2, 0, 0]);
    expect(arrivals[0]?.user?.locale).toBe("ar");
    expect(arrivals[1]?.user).toBeUndefined();
    expect(JSON.parse(arrivals[2]?.session ?? "null")).toEqual({ step: "date" });
    expect(arrivals[1]?.session).toBeNull();

    // The next batch continues the counts; already recorded updates stay duplicates.
    const next = await arriveAll(database, [{ updateId: 3, telegramId: 7001, sessionKey: "7001" }, { updateId: 5, telegramId: 7001, sessionKey: "7001" }], 60_000);
    expect(next.map((a) => [a.first, a.hits])).toEqual([[false, 0], [true, 3]]);
    const counter = await db.rateLimitHit.findUnique({ where: { key: floodKey(7001) } });
    expect(counter?.count).toBe(3);
  });

  it("two batches with the same updates at the same moment: each update is first exactly once", async () => {
    const ids = Array.from({ length: 3000 }, (_, i) => 10_000 + i);
    const batch = (order: number[]) => arriveAll(database, order.map((updateId) => ({ updateId, telegramId: 8000 + (updateId % 5), sessionKey: undefined })), 60_000);
    const [a, b] = await Promise.all([batch(ids), batch([...ids].reverse())]);
    const firsts = [...(a ?? []), ...(b ?? [])].filter((x) => x.first).length;
    expect(firsts).toBe(3000);
    const counters = await db.rateLimitHit.findMany({ where: { key: { in: [0, 1, 2, 3, 4].map((n) => floodKey(8000 + n)) } } });
    expect(counters.map((c) => c.count).sort()).toEqual([600, 600, 600, 600, 600]);
  });

  it("messages told together are written in one statement and handed to the queues together, in order", async () => {
    const handed: Told[][] = [];
    database.relayTo(async (told) => void handed.push(told));
    const ids = await tellMany(
      database,
      [9001, 9002, 9003].map((chat) => ({ recipient: chat, intent: { kind: "send", locale: "de", parts: [{ text: `an ${chat}` }] } })),
    );
    expect(handed).toHaveLength(1);
    expect(handed[0]?.map((t) => t.id)).toEqual(ids);
    const rows = await db.outbox.findMany({ where: { id: { in: ids } }, orderBy: { id: "asc" } });
    expect(rows.map((r) => r.recipient)).toEqual(["9001", "9002", "9003"]);
    expect(ids[0]).toBeLessThan(ids[1] as bigint);
  });
});
