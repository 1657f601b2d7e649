import type { DbOrTx } from "./db.js";
import { isLocale } from "./i18n.js";
import type { UserProfile } from "./users.js";

/** Telegram keeps undelivered updates for 24 hours; older ids need not be remembered. */
export async function pruneDeliveries(db: DbOrTx, olderThan: Date): Promise<number> {
  const { count } = await db.prisma.processedUpdate.deleteMany({ where: { createdAt: { lt: olderThan } } });
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

/** An update as it arrives: its id, its sender, and the chat whose dialogue it continues. */
export type Arriving = { updateId: number; telegramId: number | undefined; sessionKey: string | undefined };

/**
 * One round trip for what every update needs first, for all updates that arrive together (see
 * `batched`): records each update id, counts each update against its sender's flood window
 * (redeliveries do not count), and reads each sender and their session. Results come in input order.
 */
export async function arriveAll(db: DbOrTx, updates: Arriving[], floodWindowMs: number): Promise<Arrival[]> {
  const rows = await db.sql<{
    first: boolean;
    hits: number | null;
    id: string | null;
    locale: string | null;
    consentAt: Date | null;
    relayRequestId: string | null;
    session: string | null;
    volunteer: boolean;
  }>(// Keys are written in a fixed order (update ids, then flood keys, sorted) so that two batches touching
    // the same rows cannot deadlock; a redelivery inside one batch counts once, at its first place.
    `WITH input AS (
       SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[]) WITH ORDINALITY AS i(update_id, telegram_id, session_key, flood_key, n)
     ), candidates AS (
       SELECT DISTINCT ON (update_id) update_id, n FROM input ORDER BY update_id, n
     ), recorded AS (
       INSERT INTO "ProcessedUpdate" ("updateId") SELECT update_id FROM candidates ORDER BY update_id ON CONFLICT DO NOTHING RETURNING "updateId"
     ), firsts AS (
       SELECT c.n FROM candidates c JOIN recorded r ON r."updateId" = c.update_id
     ), ranked AS (
       SELECT i.n, i.flood_key, row_number() OVER (PARTITION BY i.flood_key ORDER BY i.n) AS k, count(*) OVER (PARTITION BY i.flood_key) AS c
       FROM input i JOIN firsts f ON f.n = i.n WHERE i.flood_key IS NOT NULL
     ), hit AS (
       INSERT INTO "RateLimitHit" (key, count, "expiresAt")
       SELECT flood_key, count(*), now() + make_interval(secs => $5) FROM ranked GROUP BY flood_key ORDER BY flood_key
       ON CONFLICT (key) DO UPDATE SET
         count = CASE WHEN "RateLimitHit"."expiresAt" <= now() THEN EXCLUDED.count ELSE "RateLimitHit".count + EXCLUDED.count END,
         "expiresAt" = CASE WHEN "RateLimitHit"."expiresAt" <= now() THEN EXCLUDED."expiresAt" ELSE "RateLimitHit"."expiresAt" END
       RETURNING key, count
     )
     SELECT f.n IS NOT NULL AS first, (h.count - r.c + r.k)::int AS hits,
       u.id, u.locale, u."consentAt", u."relayRequestId", s.value::text AS session,
       EXISTS (SELECT 1 FROM "Volunteer" v WHERE v."userId" = u.id AND v.status = 'APPROVED') AS volunteer
     FROM input i
     LEFT JOIN firsts f ON f.n = i.n
     LEFT JOIN ranked r ON r.n = i.n
     LEFT JOIN hit h ON h.key = r.flood_key
     LEFT JOIN "TelegramUser" u ON u."telegramId" = i.telegram_id
     LEFT JOIN "BotSession" s ON s.key = i.session_key
     ORDER BY i.n`,
    [
      updates.map((u) => u.updateId),
      updates.map((u) => u.telegramId ?? null),
      updates.map((u) => u.sessionKey ?? null),
      updates.map((u) => (u.telegramId === undefined ? null : floodKey(u.telegramId))),
      floodWindowMs / 1000,
    ],
  );
  if (rows.length !== updates.length) throw new Error(`arrival returned ${rows.length} rows for ${updates.length} updates`);
  return rows.map((row) => ({
    first: row.first,
    hits: row.hits ?? 0,
    user: row.id
      ? { id: row.id, locale: isLocale(row.locale) ? row.locale : undefined, consentAt: row.consentAt, relayRequestId: row.relayRequestId, volunteer: row.volunteer }
      : undefined,
    session: row.session ?? null,
  }));
}
