import type { DbOrTx } from "./db.js";

/**
 * A counter with expiry in PostgreSQL, shaped like the two Redis commands grammY's rate limiter uses,
 * for installations without Redis. Counts hold across processes.
 */
export function postgresCounter(db: DbOrTx): {
  incr: (key: string) => Promise<number>;
  pexpire: (key: string, ms: number) => Promise<number>;
} {
  return {
    incr: async (key) => {
      const [row] = await db.$queryRaw<{ count: number }[]>`
        INSERT INTO "RateLimitHit" (key, count, "expiresAt") VALUES (${key}, 1, 'infinity')
        ON CONFLICT (key) DO UPDATE SET
          count = CASE WHEN "RateLimitHit"."expiresAt" <= now() THEN 1 ELSE "RateLimitHit".count + 1 END,
          "expiresAt" = CASE WHEN "RateLimitHit"."expiresAt" <= now() THEN 'infinity' ELSE "RateLimitHit"."expiresAt" END
        RETURNING count`;
      return row?.count ?? 1;
    },
    pexpire: async (key, ms) =>
      db.$executeRaw`UPDATE "RateLimitHit" SET "expiresAt" = now() + make_interval(secs => ${ms / 1000}) WHERE key = ${key}`,
  };
}

/** Drops expired counters. */
export async function pruneFloodCounters(db: DbOrTx): Promise<number> {
  const { count } = await db.rateLimitHit.deleteMany({ where: { expiresAt: { lt: new Date() } } });
  return count;
}
