import type { DbOrTx } from "./db.js";

/** Flood protection: counted as each update arrives (see `arrive`), in PostgreSQL, shared by all processes. */
export type FloodVerdict = "pass" | "warn" | "drop";

/** The update that crosses the limit gets one warning; the ones after it are dropped until the window ends. */
export function floodVerdict(hits: number, limit: number): FloodVerdict {
  if (hits <= limit) return "pass";
  return hits === limit + 1 ? "warn" : "drop";
}

/** Drops expired counters. */
export async function pruneFloodCounters(db: DbOrTx): Promise<number> {
  const { count } = await db.prisma.rateLimitHit.deleteMany({ where: { expiresAt: { lt: new Date() } } });
  return count;
}
