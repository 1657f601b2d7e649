import { sql, type DbOrTx } from "./db.js";
import { isLocale } from "./i18n.js";
import type { UserProfile } from "./users.js";

/** Telegram keeps undelivered updates for 24 hours; older ids need not be remembered. */
export async function pruneDeliveries(db: DbOrTx, olderThan: Date): Promise<number> {
  const { count } = await db.processedUpdate.deleteMany({ where: { createdAt: { lt: olderThan } } });
  return count;
}

/** What the bot knows as an update arrives. */
export type Arrival = {
  /** False for a redelivery of an update already handled (Telegram redelivers after a timeout or restart). */
  first: boolean;
  user: UserProfile | undefined;
  /** The chat's stored dialogue state, as JSON. */
  session: string | null;
  /** Updates from this sender within the flood window, this one included (0 without a sender). */
  hits: number;
};

/** The flood counter of a person, shared by all processes. */
export const floodKey = (telegramId: number | bigint) => `flood:${telegramId}`;

/**
 * One round trip for what every update needs first: records the update id, counts it against the
 * sender's flood window (redeliveries do not count), and reads the sender and their session.
 */
export async function arrive(
  db: DbOrTx,
  update: { updateId: number; telegramId: number | undefined; sessionKey: string | undefined },
  floodWindowMs: number,
): Promise<Arrival> {
  const [row] = await sql<{
    first: boolean;
    hits: number | null;
    id: string | null;
    locale: string | null;
    consentAt: Date | null;
    relayRequestId: string | null;
    session: string | null;
  }>(
    db,
    `WITH first AS (
       INSERT INTO "ProcessedUpdate" ("updateId") VALUES ($1) ON CONFLICT DO NOTHING RETURNING 1
     ), hit AS (
       INSERT INTO "RateLimitHit" (key, count, "expiresAt")
       SELECT $4::text, 1, now() + make_interval(secs => $5) WHERE $4::text IS NOT NULL AND EXISTS (SELECT 1 FROM first)
       ON CONFLICT (key) DO UPDATE SET
         count = CASE WHEN "RateLimitHit"."expiresAt" <= now() THEN 1 ELSE "RateLimitHit".count + 1 END,
         "expiresAt" = CASE WHEN "RateLimitHit"."expiresAt" <= now() THEN EXCLUDED."expiresAt" ELSE "RateLimitHit"."expiresAt" END
       RETURNING count
     )
     SELECT EXISTS (SELECT 1 FROM first) AS first, (SELECT count FROM hit) AS hits,
       u.id, u.locale, u."consentAt", u."relayRequestId", s.value::text AS session
     FROM (SELECT 1) AS one
     LEFT JOIN "TelegramUser" u ON u."telegramId" = $2::bigint
     LEFT JOIN "BotSession" s ON s.key = $3::text`,
    [
      update.updateId,
      update.telegramId ?? null,
      update.sessionKey ?? null,
      update.telegramId === undefined ? null : floodKey(update.telegramId),
      floodWindowMs / 1000,
    ],
  );
  const user = row?.id
    ? { id: row.id, locale: isLocale(row.locale) ? row.locale : undefined, consentAt: row.consentAt, relayRequestId: row.relayRequestId }
    : undefined;
  return { first: row?.first ?? false, hits: row?.hits ?? 0, user, session: row?.session ?? null };
}
