import type { Prisma } from "../generated/prisma/client.js";
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
      if (cache.has(key)) {
        const json = cache.get(key);
        return json ? (JSON.parse(json) as T) : undefined;
      }
      const row = await db.botSession.findUnique({ where: { key }, select: { value: true } });
      cache.set(key, row ? JSON.stringify(row.value) : null);
      return (row?.value as T | undefined) ?? undefined;
    },
    write: async (key: string, value: T): Promise<void> => {
      const json = JSON.stringify(value);
      const before = cache.get(key);
      // An empty session is no session: nothing is stored for people who are not in a dialogue.
      const empty = json === "{}";
      if (json === before || (empty && (before === null || before === undefined))) return;
      cache.set(key, empty ? null : json);
      if (empty) {
        await db.botSession.deleteMany({ where: { key } });
        return;
      }
      const data = value as unknown as Prisma.InputJsonValue;
      await db.botSession.upsert({ where: { key }, create: { key, value: data }, update: { value: data } });
    },
    delete: async (key: string): Promise<void> => {
      cache.set(key, null);
      await db.botSession.deleteMany({ where: { key } });
    },
  };
}

/** Dialogues left half-way are dropped after a while (they may hold a note a person typed). */
export async function pruneSessions(db: DbOrTx, olderThan: Date): Promise<number> {
  const { count } = await db.botSession.deleteMany({ where: { updatedAt: { lt: olderThan } } });
  return count;
}
