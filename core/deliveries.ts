import type { DbOrTx } from "./db.js";
import { isLocale } from "./i18n.js";
import type { UserProfile } from "./users.js";

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

/** What the bot knows as an update arrives: whether it is new, who sent it, their dialogue. */
export type Arrival = { first: boolean; user: UserProfile | undefined; session: string | null };

/**
 * One round trip for what every update needs first: records the update id (a redelivery is recognised),
 * and reads the sender and their session.
 */
export async function arrive(db: DbOrTx, updateId: number, telegramId: number | undefined, sessionKey: string | undefined): Promise<Arrival> {
  const [row] = await db.$queryRaw<
    { first: boolean; id: string | null; locale: string | null; consentAt: Date | null; relayRequestId: string | null; session: string | null }[]
  >`
    WITH first AS (
      INSERT INTO "ProcessedUpdate" ("updateId") VALUES (${updateId}) ON CONFLICT DO NOTHING RETURNING 1
    )
    SELECT EXISTS (SELECT 1 FROM first) AS first, u.id, u.locale, u."consentAt", u."relayRequestId", s.value::text AS session
    FROM (SELECT 1) AS one
    LEFT JOIN "TelegramUser" u ON u."telegramId" = ${telegramId ?? null}::bigint
    LEFT JOIN "BotSession" s ON s.key = ${sessionKey ?? null}`;
  const user =
    row?.id
      ? { id: row.id, locale: isLocale(row.locale) ? row.locale : undefined, consentAt: row.consentAt, relayRequestId: row.relayRequestId }
      : undefined;
  return { first: row?.first ?? false, user, session: row?.session ?? null };
}
