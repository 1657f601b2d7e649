import type { Prisma } from "../generated/prisma/client.js";
import type { DbOrTx } from "./db.js";

/** Dialogue state stored per chat, shaped like grammY's storage adapters. */
export function sessionStore<T>(db: DbOrTx) {
  return {
    read: async (key: string): Promise<T | undefined> => {
      const row = await db.botSession.findUnique({ where: { key }, select: { value: true } });
      return (row?.value as T | undefined) ?? undefined;
    },
    write: async (key: string, value: T): Promise<void> => {
      const json = value as unknown as Prisma.InputJsonValue;
      await db.botSession.upsert({ where: { key }, create: { key, value: json }, update: { value: json } });
    },
    delete: async (key: string): Promise<void> => {
      await db.botSession.deleteMany({ where: { key } });
    },
  };
}

/** Dialogues left half-way are dropped after a while (they may hold a note a person typed). */
export async function pruneSessions(db: DbOrTx, olderThan: Date): Promise<number> {
  const { count } = await db.botSession.deleteMany({ where: { updatedAt: { lt: olderThan } } });
  return count;
}
