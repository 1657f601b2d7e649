import { Prisma } from "../generated/prisma/client.js";
import { batched } from "./batch.js";
import { afterCommit, inTransaction, sql, type Db, type DbOrTx, type Queryable } from "./db.js";
import type { Locale } from "./i18n.js";
import type { Keyboard, Label } from "./messages.js";

export type { Button, Keyboard, Label } from "./messages.js";

/** What to show on Telegram: one or more labels (joined by blank lines), and buttons. */
export type TelegramText = { locale: Locale; parts: Label[]; keyboard?: Keyboard; forget?: boolean };

/** A message intent for Telegram, rendered in the recipient's language when it is sent. */
export type TelegramIntent =
  | ({ kind: "send" } & TelegramText)
  /** Replace a message the user sees: by its Telegram id, or the one an earlier outbox row sent. */
  | ({ kind: "edit"; messageId: number } & TelegramText)
  | ({ kind: "editSent"; outboxId: string } & TelegramText)
  /** Relay a message (text, voice, photo) without its sender: Telegram's copyMessage. */
  | { kind: "copy"; fromChatId: number; messageId: number; locale: Locale; keyboard?: Keyboard }
  /** Give this chat a command menu of its own (approved volunteers see their commands). */
  | { kind: "commands"; set: "volunteer"; locale: Locale };

/** A Slack message to post, or to update in place, rendered from current data when it is sent. */
export type SlackIntent =
  | { kind: "post"; template: string; id: string }
  | { kind: "update"; template: string; id: string; outboxId: string };

/** A queue job to add (at a time) or remove, once the transaction that decided it has committed. */
export type JobIntent =
  | { kind: "add"; queue: string; name: string; jobId: string; data: Record<string, unknown>; at: string }
  | { kind: "remove"; queue: string; jobId: string };

export type OutboxChannel = "TELEGRAM" | "SLACK" | "JOB";

/** An outbox row just written; job intents come with their content, so that they need not be read back. */
export type Told = { id: bigint; channel: OutboxChannel; intent?: JobIntent };

/** What puts committed outbox rows on the queues (the relay in jobs/), by database client. */
const relays = new WeakMap<Db, (told: Told[]) => Promise<void>>();
/** Rows written in a transaction that has not committed yet. */
const uncommitted = new WeakMap<Queryable, Told[]>();

/**
 * Has every outbox row written through `db` handed to `relay` as soon as it is committed: at once for a
 * single statement, after the commit for a transaction. Rows of a client without a relay (or lost on
 * the way) are left to the outbox sweep.
 */
export function relayOutbox(db: Db, relay: (told: Told[]) => Promise<void>): void {
  relays.set(db, relay);
}

/**
 * For units of work written as plain SQL: records outbox rows a statement wrote, as {@link tell} and
 * {@link scheduleJob} do for theirs.
 */
export async function recordTold(db: Queryable, rows: Told[]): Promise<void> {
  if (rows.length === 0) return;
  const waiting = uncommitted.get(db);
  if (waiting) {
    waiting.push(...rows);
    return;
  }
  const told = [...rows];
  if (inTransaction(db)) uncommitted.set(db, told);
  await afterCommit(db, async (root) => relays.get(root)?.(told));
}

/**
 * Records that `recipient` must be told something, in the same transaction as the change that causes it.
 *
 * @example
 * await transaction(db, async tx => {
 *   await tx.request.update(…);
 *   await tell(tx, chatId, { kind: "send", locale: "ar", parts: [{ key: "mediation.received" }] });
 * });
 */
export async function tell(db: Queryable, recipient: number | bigint | string, intent: TelegramIntent): Promise<bigint> {
  return insertOutbox(db, "TELEGRAM", String(recipient), intent);
}

/** Posts (or updates) a Slack message in `channel`, rendered from the entity `id` when it is sent. */
export async function tellSlack(db: Queryable, channel: string, intent: SlackIntent): Promise<bigint> {
  return insertOutbox(db, "SLACK", channel, intent);
}

/**
 * Schedules a queue job as part of the transaction: it is added only if the transaction commits, and
 * added again if the queue loses it before it runs.
 */
export async function scheduleJob(db: Queryable, intent: JobIntent): Promise<bigint> {
  return insertOutbox(db, "JOB", intent.queue, intent);
}

type NewRow = { channel: OutboxChannel; recipient: string; intent: unknown };

/**
 * Outside a transaction, the rows written at the same moment (by updates handled side by side) go in
 * together: one statement, one commit, one hand-over to the queues.
 */
const inserters = new WeakMap<Queryable, (row: NewRow) => Promise<bigint>>();

async function insertOutbox(db: Queryable, channel: OutboxChannel, recipient: string, intent: unknown): Promise<bigint> {
  const row = { channel, recipient, intent };
  if (inTransaction(db)) return (await insertRows(db, [row]))[0] as bigint;
  let insert = inserters.get(db);
  if (!insert) inserters.set(db, (insert = batched((rows: NewRow[]) => insertRows(db, rows))));
  return insert(row);
}

/** Like {@link tell} for several messages at once, in one statement; the ids come in the order given. */
export async function tellMany(db: Queryable, messages: { recipient: number | bigint | string; intent: TelegramIntent }[]): Promise<bigint[]> {
  return insertRows(
    db,
    messages.map((m) => ({ channel: "TELEGRAM", recipient: String(m.recipient), intent: m.intent })),
  );
}

// Plain SQL (see `sql`): this runs for nearly every update.
async function insertRows(db: Queryable, rows: NewRow[]): Promise<bigint[]> {
  if (rows.length === 0) return [];
  // The ids are drawn first, so that they can be returned in the order of the rows.
  const inserted = await sql<{ id: string }>(
    db,
    `WITH input AS (
       SELECT m.channel::"Channel" AS channel, m.recipient, m.payload, m.n, nextval(pg_get_serial_sequence('"Outbox"', 'id')) AS id
       FROM unnest($1::text[], $2::text[], $3::jsonb[]) WITH ORDINALITY AS m(channel, recipient, payload, n)
     ), inserted AS (
       INSERT INTO "Outbox" (id, channel, recipient, payload) SELECT id, channel, recipient, payload FROM input RETURNING id
     )
     SELECT input.id::text AS id FROM input JOIN inserted USING (id) ORDER BY input.n`,
    [rows.map((r) => r.channel), rows.map((r) => r.recipient), rows.map((r) => JSON.stringify(r.intent))],
  );
  if (inserted.length !== rows.length) throw new Error(`outbox insert returned ${inserted.length} of ${rows.length} rows`);
  const ids = inserted.map((r) => BigInt(r.id));
  await recordTold(
    db,
    rows.map((row, i): Told => {
      const id = ids[i] as bigint;
      return row.channel === "JOB" ? { id, channel: row.channel, intent: row.intent as JobIntent } : { id, channel: row.channel };
    }),
  );
  return ids;
}

/** A row taken for sending: the head of its recipient's queue. */
export type ClaimedMessage = { id: bigint; channel: OutboxChannel; recipient: string; payload: unknown };

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
export async function claimNext(db: DbOrTx, outboxId: bigint, pace: { leaseMs: number; intervalMs: number }): Promise<Claim> {
  const claimed = await sql<Omit<ClaimedMessage, "id"> & { id: string }>(
    db,
    `
    WITH me AS (
      SELECT channel, recipient FROM "Outbox" WHERE id = $1 AND status IN ('PENDING', 'SENDING')
    ), head AS (
      SELECT o.id FROM "Outbox" o, me
      WHERE o.channel = me.channel AND o.recipient = me.recipient AND o.status IN ('PENDING', 'SENDING')
      ORDER BY o.id LIMIT 1
    ), last AS (
      SELECT o."sentAt" FROM "Outbox" o, me
      WHERE o.channel = me.channel AND o.recipient = me.recipient AND o.status = 'SENT'
      ORDER BY o.id DESC LIMIT 1
    )
    UPDATE "Outbox" o
    SET status = 'SENDING', "claimedUntil" = now() + make_interval(secs => $2), attempts = o.attempts + 1
    FROM head
    WHERE o.id = head.id
      AND (o.status = 'PENDING' OR o."claimedUntil" < now())
      AND NOT EXISTS (SELECT 1 FROM last WHERE last."sentAt" > now() - make_interval(secs => $3))
    RETURNING o.id::text, o.channel::text AS channel, o.recipient, o.payload`,
    [String(outboxId), pace.leaseMs / 1000, pace.intervalMs / 1000],
  );
  const row = claimed[0];
  if (row) return { kind: "send", message: { ...row, id: BigInt(row.id) } };

  const [state] = await sql<{ pending: boolean; headBusyMs: number | null; paceMs: number | null }>(
    db,
    `
    WITH me AS (
      SELECT channel, recipient, status FROM "Outbox" WHERE id = $1
    ), head AS (
      SELECT o.status, o."claimedUntil" FROM "Outbox" o, me
      WHERE o.channel = me.channel AND o.recipient = me.recipient AND o.status IN ('PENDING', 'SENDING')
      ORDER BY o.id LIMIT 1
    ), last AS (
      SELECT o."sentAt" FROM "Outbox" o, me
      WHERE o.channel = me.channel AND o.recipient = me.recipient AND o.status = 'SENT'
      ORDER BY o.id DESC LIMIT 1
    )
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
export async function forgetSent(db: DbOrTx, id: bigint): Promise<void> {
  await sql(db, `DELETE FROM "Outbox" WHERE id = $1`, [String(id)]);
}

/** Job intents carried out: one statement for all of them. */
export async function markJobsDone(db: DbOrTx, ids: bigint[]): Promise<void> {
  if (ids.length === 0) return;
  await sql(db, `UPDATE "Outbox" SET status = 'SENT', "sentAt" = now(), payload = NULL WHERE id = ANY($1::bigint[])`, [ids.map(String)]);
}

/** The message was delivered; its content is dropped, its platform id kept for later edits. */
export async function markSent(db: DbOrTx, id: bigint, sentRef: string | undefined): Promise<void> {
  await sql(db, `UPDATE "Outbox" SET status = 'SENT', "sentAt" = now(), "sentRef" = $2, payload = NULL, "claimedUntil" = NULL WHERE id = $1`, [
    String(id),
    sentRef ?? null,
  ]);
}

/** The platform refused the message for good (blocked bot, deleted chat): keep the reason, not the content. */
export async function markFailed(db: DbOrTx, id: bigint, reason: string): Promise<void> {
  await db.outbox.update({
    where: { id },
    data: { status: "FAILED", error: reason.slice(0, 500), payload: Prisma.DbNull, claimedUntil: null },
  });
}

/** Puts a taken message back, to be sent again later (rate limit, outage). */
export async function release(db: DbOrTx, id: bigint): Promise<void> {
  await sql(db, `UPDATE "Outbox" SET status = 'PENDING', "claimedUntil" = NULL WHERE id = $1 AND status = 'SENDING'`, [String(id)]);
}

/** The platform id of the message an earlier outbox row sent, if it has been sent. */
export async function sentRefOf(db: DbOrTx, id: bigint): Promise<string | undefined> {
  const row = await db.outbox.findUnique({ where: { id }, select: { sentRef: true } });
  return row?.sentRef ?? undefined;
}

/** Pending job intents among `ids` (all pending ones when `ids` is undefined), oldest first. */
export async function pendingJobIntents(db: DbOrTx, ids: bigint[] | undefined, olderThanMs = 0): Promise<{ id: bigint; intent: JobIntent }[]> {
  const rows = await sql<{ id: string; payload: JobIntent }>(
    db,
    ids
      ? `SELECT id::text, payload FROM "Outbox" WHERE channel = 'JOB' AND status = 'PENDING' AND id = ANY($1::bigint[]) ORDER BY id LIMIT 1000`
      : `SELECT id::text, payload FROM "Outbox" WHERE channel = 'JOB' AND status = 'PENDING' AND "createdAt" < now() - make_interval(secs => $1) ORDER BY id LIMIT 1000`,
    [ids ? ids.map(String) : olderThanMs / 1000],
  );
  return rows.map((r) => ({ id: BigInt(r.id), intent: r.payload }));
}

/**
 * Rows that should be on their way but may have lost their queue job (a crash between commit and
 * queueing, a Redis restart): pending for longer than `olderThanMs`, or taken by a sender that died.
 */
export async function stalled(db: DbOrTx, olderThanMs: number, limit: number): Promise<{ id: bigint; channel: OutboxChannel }[]> {
  return db.$queryRaw<{ id: bigint; channel: OutboxChannel }[]>`
    SELECT id, channel::text AS channel FROM "Outbox"
    WHERE channel <> 'JOB' AND (
      (status = 'PENDING' AND "createdAt" < now() - make_interval(secs => ${olderThanMs / 1000}))
      OR (status = 'SENDING' AND "claimedUntil" < now()))
    ORDER BY id LIMIT ${limit}`;
}

/** Drops delivered or failed rows (their content is already gone) once edits of them are unlikely. */
export async function pruneOutbox(db: DbOrTx, olderThan: Date): Promise<number> {
  const { count } = await db.outbox.deleteMany({ where: { status: { in: ["SENT", "FAILED"] }, createdAt: { lt: olderThan } } });
  return count;
}
