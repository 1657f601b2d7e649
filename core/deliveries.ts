import type { DbOrTx } from "./db.js";

/**
 * Whether this is the first time an update with this id arrives. Telegram redelivers updates after a
 * timeout or a restart; handling one twice could send two answers.
 */
export async function firstDelivery(db: DbOrTx, updateId: number): Promise<boolean> {
  const inserted = await db.$executeRaw`
    INSERT INTO "ProcessedUpdate" ("updateId") VALUES (${updateId}) ON CONFLICT DO NOTHING`;
  return inserted === 1;
}

/** The update could not be handled: let a redelivery try again. */
export async function forgetDelivery(db: DbOrTx, updateId: number): Promise<void> {
  await db.processedUpdate.deleteMany({ where: { updateId } });
}

/** Telegram keeps undelivered updates for 24 hours; older ids need not be remembered. */
export async function pruneDeliveries(db: DbOrTx, olderThan: Date): Promise<number> {
  const { count } = await db.processedUpdate.deleteMany({ where: { createdAt: { lt: olderThan } } });
  return count;
}
