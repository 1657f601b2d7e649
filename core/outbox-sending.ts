import type { Queryable } from "./db.js";
import type { OutboxChannel, WakeUp } from "./outbox.js";

/**
 * The sending side of the outbox, for the queues' workers: a chat's (or a channel's) messages one at a
 * time and in order, leased while in flight, marked when sent; wake-ups handed to the queues.
 */

/**
 * A row taken for sending: the head of its recipient's queue. `orphaned`: an earlier sender took it and
 * neither marked nor released it (it died, or hung past its lease), so it may or may not have gone out.
 */
export type ClaimedMessage = { id: bigint; channel: OutboxChannel; recipient: string; payload: unknown; networkId: string | null; orphaned?: boolean };

/** What the sender should do for one outbox row. */
export type Claim =
  | { kind: "send"; message: ClaimedMessage }
  /** The row is no longer pending (sent, failed, or never committed). */
  | { kind: "done" }
  /** An earlier message to the same recipient is in flight, or the recipient's pace needs a pause. */
  | { kind: "wait"; ms: number };

/**
 * Takes the oldest unsent message of the recipient of row `outboxId`, so that every recipient gets
 * their messages in order, one at a time, at most one per `intervalMs`.
 *
 * The row taken may be an earlier one than `outboxId`: the caller sends it and asks again until its
 * own row is done. A taken row is leased for `leaseMs`; if its sender dies, it is taken again after.
 */
/**
 * The recipient's queue around row `$1`: the row (`me`), the oldest message still to send to the same
 * recipient (`head`) and the last one sent (`last`), for the pace. A Slack recipient is a channel of one
 * network's workspace: two workspaces may have channels with the same id.
 */
const QUEUE_OF_ROW = `
    WITH me AS (
      SELECT channel, recipient, "networkId", status FROM "Outbox" WHERE id = $1
    ), head AS (
      SELECT o.id, o.status, o."claimedUntil" FROM "Outbox" o, me
      WHERE o.channel = me.channel AND o.recipient = me.recipient AND o."networkId" IS NOT DISTINCT FROM me."networkId" AND o.status IN ('PENDING', 'SENDING')
      ORDER BY o.id LIMIT 1
    ), last AS (
      SELECT o."sentAt" FROM "Outbox" o, me
      WHERE o.channel = me.channel AND o.recipient = me.recipient AND o."networkId" IS NOT DISTINCT FROM me."networkId" AND o.status = 'SENT'
      ORDER BY o.id DESC LIMIT 1
    )`;

export async function claimNext(db: Queryable, outboxId: bigint, pace: { leaseMs: number; intervalMs: number }): Promise<Claim> {
  const claimed = await db.sql<Omit<ClaimedMessage, "id"> & { id: string; orphaned: boolean }>(
    `${QUEUE_OF_ROW}
    UPDATE "Outbox" o
    SET status = 'SENDING', "claimedUntil" = now() + make_interval(secs => $2), attempts = o.attempts + 1
    FROM head
    WHERE o.id = head.id
      AND EXISTS (SELECT 1 FROM me WHERE me.status IN ('PENDING', 'SENDING'))
      AND (o.status = 'PENDING' OR o."claimedUntil" < now())
      AND NOT EXISTS (SELECT 1 FROM last WHERE last."sentAt" > now() - make_interval(secs => $3))
    RETURNING o.id::text, o.channel::text AS channel, o.recipient, o.payload, o."networkId", head.status = 'SENDING' AS orphaned`,
    [String(outboxId), pace.leaseMs / 1000, pace.intervalMs / 1000],
  );
  const row = claimed[0];
  if (row) return { kind: "send", message: { ...row, id: BigInt(row.id) } };

  const [state] = await db.sql<{ pending: boolean; headBusyMs: number | null; paceMs: number | null }>(
    `${QUEUE_OF_ROW}
    SELECT
      EXISTS (SELECT 1 FROM me WHERE status IN ('PENDING', 'SENDING')) AS pending,
      (SELECT CASE WHEN status = 'SENDING' AND "claimedUntil" > now()
        THEN EXTRACT(EPOCH FROM ("claimedUntil" - now())) * 1000 END FROM head)::float8 AS "headBusyMs",
      (SELECT EXTRACT(EPOCH FROM ("sentAt" + make_interval(secs => $2) - now())) * 1000 FROM last)::float8 AS "paceMs"`,
    [String(outboxId), pace.intervalMs / 1000],
  );
  if (!state?.pending) return { kind: "done" };
  // A message in flight usually finishes within tens of milliseconds; check back soon, not at lease end.
  const ms = state.headBusyMs !== null ? Math.min(state.headBusyMs, 100) : Math.max(state.paceMs ?? 0, 0);
  return { kind: "wait", ms: Math.max(Math.ceil(ms), 10) };
}

/** The message was delivered and nothing may keep a trace of it (the goodbye after erasing one's data). */
export async function forgetSent(db: Queryable, id: bigint): Promise<void> {
  await db.sql(`DELETE FROM "Outbox" WHERE id = $1`, [String(id)]);
}

/** Wake-ups handed to the queues: one statement for all of them. */
export async function markWakeUpsQueued(db: Queryable, ids: bigint[]): Promise<void> {
  if (ids.length === 0) return;
  await db.sql(`UPDATE "Outbox" SET status = 'SENT', "sentAt" = now(), payload = NULL WHERE id = ANY($1::bigint[])`, [ids.map(String)]);
}

/** The message was delivered; its content is dropped, its platform id kept for later edits. */
export async function markSent(db: Queryable, id: bigint, sentRef: string | undefined): Promise<void> {
  await db.sql(`UPDATE "Outbox" SET status = 'SENT', "sentAt" = now(), "sentRef" = $2, payload = NULL, "claimedUntil" = NULL WHERE id = $1`, [
    String(id),
    sentRef ?? null,
  ]);
}

/** The platform refused the message for good (blocked bot, deleted chat): keep the reason, not the content. */
export async function markFailed(db: Queryable, id: bigint, reason: string): Promise<void> {
  await db.sql(`UPDATE "Outbox" SET status = 'FAILED', error = $2, payload = NULL, "claimedUntil" = NULL WHERE id = $1`, [String(id), reason.slice(0, 500)]);
}

/** Puts a taken message back, to be sent again later (rate limit, outage). */
export async function release(db: Queryable, id: bigint): Promise<void> {
  await db.sql(`UPDATE "Outbox" SET status = 'PENDING', "claimedUntil" = NULL WHERE id = $1 AND status = 'SENDING'`, [String(id)]);
}

/** The platform id of the message an earlier outbox row sent, if it has been sent. */
export async function sentRefOf(db: Queryable, id: bigint): Promise<string | undefined> {
  const [row] = await db.sql<{ sentRef: string | null }>(`SELECT "sentRef" FROM "Outbox" WHERE id = $1`, [String(id)]);
  return row?.sentRef ?? undefined;
}

/** Wake-ups not yet queued among `ids` (all such older than `olderThanMs` when `ids` is undefined), oldest first. */
export async function pendingWakeUps(db: Queryable, ids: bigint[] | undefined, olderThanMs = 0): Promise<{ id: bigint; wakeUp: WakeUp }[]> {
  const rows = await db.sql<{ id: string; payload: WakeUp }>(
    ids
      ? `SELECT id::text, payload FROM "Outbox" WHERE channel = 'JOB' AND status = 'PENDING' AND id = ANY($1::bigint[]) ORDER BY id LIMIT 1000`
      : `SELECT id::text, payload FROM "Outbox" WHERE channel = 'JOB' AND status = 'PENDING' AND "createdAt" < now() - make_interval(secs => $1) ORDER BY id LIMIT 1000`,
    [ids ? ids.map(String) : olderThanMs / 1000],
  );
  return rows.map((r) => ({ id: BigInt(r.id), wakeUp: r.payload }));
}

/**
 * Rows that should be on their way but may have lost their queue job (a crash between commit and
 * queueing, a Redis restart): pending for longer than `olderThanMs`, or taken by a sender that died.
 */
export async function stalled(db: Queryable, olderThanMs: number, limit: number): Promise<{ id: bigint; channel: OutboxChannel; network?: string }[]> {
  const rows = await db.sql<{ id: string; channel: OutboxChannel; network: string | null }>(
    `SELECT id::text, channel::text AS channel, "networkId" AS network FROM "Outbox"
     WHERE channel <> 'JOB' AND (
       (status = 'PENDING' AND "createdAt" < now() - make_interval(secs => $1))
       OR (status = 'SENDING' AND "claimedUntil" < now()))
     ORDER BY id LIMIT $2`,
    [olderThanMs / 1000, limit],
  );
  return rows.map((r) => ({ id: BigInt(r.id), channel: r.channel, ...(r.network ? { network: r.network } : {}) }));
}

/**
 * Drops delivered or failed rows (their content is already gone) once edits of them are unlikely. The posts
 * of Slack cards that must be shown as erased one day (a volunteer's registration, a report) are kept: an
 * update needs the message's Slack id.
 */
export async function pruneOutbox(db: Queryable, olderThan: Date): Promise<number> {
  const [row] = await db.sql<{ n: number }>(
    `WITH cards AS (
       SELECT unnest("cardOutboxIds") AS id FROM "Volunteer"
       UNION SELECT "cardOutboxId" FROM "DiscriminationReport" WHERE "cardOutboxId" IS NOT NULL
     ), gone AS (
       DELETE FROM "Outbox" WHERE status IN ('SENT', 'FAILED') AND "createdAt" < $1 AND id NOT IN (SELECT id FROM cards WHERE id IS NOT NULL)
       RETURNING 1)
     SELECT count(*)::int AS n FROM gone`,
    [olderThan],
  );
  return row?.n ?? 0;
}
