import type { DbOrTx } from "./db.js";

/**
 * Sessions read ahead with the update's first query (see `arrive`): the storage finds them here instead of
 * asking the database again, and skips writing back a session that did not change.
 */
export type SessionCache = Map<string, string | null>;

/** Dialogue state stored per chat, shaped like grammY's storage adapters. */
export function sessionStore<T>(db: DbOrTx, cache: SessionCache = new Map()) {
  return {
    read: async (key: string): Promise<T | undefined> => {
      const stored = cache.has(key) ? cache.get(key) : (await db.sql<{ value: string }>(`SELECT value::text AS value FROM "BotSession" WHERE key = $1`, [key]))[0]?.value;
      if (!stored) {
        cache.set(key, null);
        return undefined;
      }
      const value = JSON.parse(stored) as T;
      // Kept as JSON.stringify writes it, so that an unchanged session is recognised when written back.
      cache.set(key, JSON.stringify(value));
      return value;
    },
    write: async (key: string, value: T): Promise<void> => {
      const json = JSON.stringify(value);
      const before = cache.get(key);
      // An empty session is no session: nothing is stored for people who are not in a dialogue.
      const empty = json === "{}";
      if (json === before || (empty && (before === null || before === undefined))) return;
      cache.set(key, empty ? null : json);
      if (empty) {
        await db.sql(`DELETE FROM "BotSession" WHERE key = $1`, [key]);
        return;
      }
      await db.sql(`INSERT INTO "BotSession" (key, value, "updatedAt") VALUES ($1, $2::jsonb, now())
         ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, "updatedAt" = now()`,
        [key, json],
      );
    },
    delete: async (key: string): Promise<void> => {
      cache.set(key, null);
      await db.sql(`DELETE FROM "BotSession" WHERE key = $1`, [key]);
    },
  };
}

/** Dialogues left half-way are dropped after a while (they may hold a note a person typed). */
export async function pruneSessions(db: DbOrTx, olderThan: Date): Promise<number> {
  const { count } = await db.prisma.botSession.deleteMany({ where: { updatedAt: { lt: olderThan } } });
  return count;
}
