import type { Queryable } from "./db.js";
import type { Locale } from "./i18n.js";
import type { Keyboard, Label } from "./messages.js";

export type { Button, ButtonAction, Keyboard, Label } from "./messages.js";

/**
 * Whose data a message to someone else carries (Telegram ids): while it is unsent, it goes when they erase
 * their data (a newcomer's place and note in the volunteer's details, a volunteer's name, a relayed message).
 */
export type Quotes = { quotes?: string[] };

/** What to show on Telegram: one or more labels (joined by blank lines), and buttons; `forget` drops even its row once sent. */
export type TelegramText = { locale: Locale; parts: Label[]; keyboard?: Keyboard; forget?: boolean } & Quotes;

/** A message intent for Telegram, rendered in the recipient's language when it is sent. */
export type TelegramIntent =
  | ({ kind: "send" } & TelegramText)
  /** Replace a message the user sees: by its Telegram id, or the one an earlier outbox row sent. */
  | ({ kind: "edit"; messageId: number } & TelegramText)
  | ({ kind: "editSent"; outboxId: string } & TelegramText)
  /** Relay a message (text, voice, photo) without its sender: Telegram's copyMessage. */
  | ({ kind: "copy"; fromChatId: number; messageId: number; locale: Locale; keyboard?: Keyboard } & Quotes)
  /** Give this chat a command menu of its own (approved volunteers see their commands), or back the default one. */
  | { kind: "commands"; set: "volunteer" | "default"; locale: Locale };

/** The Slack messages core asks for; each is rendered from its entity's current state when it is sent. */
export const SLACK_TEMPLATES = [
  "volunteer-registration",
  /** An approved volunteer asked to change what a coordinator vets. */
  "volunteer-changes",
  /** A newcomer reached the limit of open requests; its id is the newcomer's (internal) user id. */
  "request-limit",
  "request-escalation",
  "mentoring-confirmation",
  "discrimination-report",
  "meeting-announcement",
  "meeting-reminder",
  "meeting-nudge",
  "poll",
  "poll-results",
  /** Its id is the ISO week. */
  "weekly-digest",
] as const;
export type SlackTemplate = (typeof SLACK_TEMPLATES)[number];

/** A Slack message to post, or to update in place. */
export type SlackIntent =
  | { kind: "post"; template: SlackTemplate; id: string }
  | { kind: "update"; template: SlackTemplate; id: string; outboxId: string };

/**
 * A moment at which core wants to look at something again: a request's state machine, a meeting's
 * reminders, a poll's deadline, a Slack message's live counts. `jobs/` turns each into a queue job.
 */
export type WakeUp =
  | { wake: "request" | "meeting" | "poll"; id: string; at: string; network: string }
  | { wake: "live-counts"; message: Extract<SlackIntent, { kind: "update" }>; channel: string; at: string; network: string };

/** Where a Slack message goes: a channel (or a member) in the workspace of a network. */
export type SlackPlace = { network: string; channel: string };

export type OutboxChannel = "TELEGRAM" | "SLACK" | "JOB";

/**
 * What a unit of work asks the queues for once it commits: an outbox row just written (wake-ups with their
 * content, so that they need not be read back), or a wake-up of a request, meeting or poll, which needs no
 * row (see {@link wakeAt}).
 */
export type Told = { id: bigint; channel: OutboxChannel; wakeUp?: WakeUp; network?: string } | { id?: undefined; channel: "JOB"; wakeUp: WakeUp };

type NewRow = { channel: OutboxChannel; recipient: string; payload: TelegramIntent | SlackIntent | WakeUp; network?: string };

/**
 * Records that `recipient` must be told something, in the same transaction as the change that causes it.
 *
 * @example
 * await db.transaction(async (tx) => {
 *   await tx.prisma.helpRequest.update(…);
 *   await tell(tx, chatId, { kind: "send", locale: "ar", parts: [{ key: "mediation.received" }] });
 * });
 */
export async function tell(db: Queryable, recipient: number | bigint | string, intent: TelegramIntent): Promise<bigint> {
  return one(await insertRows(db, [{ channel: "TELEGRAM", recipient: String(recipient), payload: intent }]));
}

/**
 * Like {@link tell} for several messages at once, in one statement; the ids come in the order given.
 * `also` writes what goes with the messages in the same statement (one round trip less on a hot path): one
 * or more data-modifying CTEs (`name AS (…), …`) that may read `input (id, n)`, the new rows' ids by the
 * messages' places from 1; their parameters start at `$5`.
 */
export async function tellMany(
  db: Queryable,
  messages: { recipient: number | bigint | string; intent: TelegramIntent }[],
  also?: { ctes: string; values: unknown[] },
): Promise<bigint[]> {
  return insertRows(
    db,
    messages.map((m) => ({ channel: "TELEGRAM", recipient: String(m.recipient), payload: m.intent })),
    also,
  );
}

/** Posts (or updates) a Slack message in a channel of a network's workspace, rendered from the entity `id` when it is sent. */
export async function tellSlack(db: Queryable, place: SlackPlace, intent: SlackIntent): Promise<bigint> {
  return one(await insertRows(db, [{ channel: "SLACK", recipient: place.channel, payload: intent, network: place.network }]));
}

/**
 * Updates a Slack message posted earlier (row `outboxId`) where it was posted – its network's workspace and
 * channel – whatever has changed since; nothing when that post is unknown.
 */
export async function updateSlackPost(db: Queryable, outboxId: string, intent: Omit<Extract<SlackIntent, { kind: "update" }>, "outboxId">): Promise<bigint | null> {
  const [post] = await db.sql<{ recipient: string; networkId: string | null }>(`SELECT recipient, "networkId" FROM "Outbox" WHERE id = $1 AND channel = 'SLACK'`, [outboxId]);
  if (!post?.networkId) return null;
  return tellSlack(db, { network: post.networkId, channel: post.recipient }, { ...intent, outboxId });
}

/**
 * Asks to be woken at a time, as part of the transaction: the wake-up is queued only if the transaction
 * commits, and queued again if the queue loses it. Waking twice must be harmless to the woken.
 *
 * A request, a meeting or a poll keeps the time itself (`nextTickAt`, `closesAt`, written in the same
 * transaction), and the outbox sweep queues whatever is overdue by it: such a wake-up needs no row of its
 * own, and is handed to the queue after the commit. This saves a request's every tick an insert and an update
 * (the row, then its "queued" mark). A live-count refresh has no such column: it keeps its row.
 */
export async function wakeAt(db: Queryable, wakeUp: WakeUp): Promise<void> {
  if (wakeUp.wake === "live-counts") await insertRows(db, [{ channel: "JOB", recipient: wakeUp.wake, payload: wakeUp, network: wakeUp.network }]);
  else await db.told([{ channel: "JOB", wakeUp }]);
}

/** A request's state machine runs again at `at`. */
export const wakeRequest = (db: Queryable, request: { id: string; networkId: string }, at: Date) =>
  wakeAt(db, { wake: "request", id: request.id, at: at.toISOString(), network: request.networkId });

/**
 * A Slack message's live counts are brought up to date shortly. Changes within the same second share one
 * wake-up (the queue job id), so a burst of 200 votes makes a handful of `chat.update` calls, not 200.
 */
export const refreshSoon = (db: Queryable, place: SlackPlace, message: Extract<SlackIntent, { kind: "update" }>, delayMs = 1000) =>
  wakeAt(db, { wake: "live-counts", channel: place.channel, network: place.network, message, at: new Date(Date.now() + delayMs).toISOString() });

function one(ids: bigint[]): bigint {
  const [id] = ids;
  if (id === undefined) throw new Error("outbox insert returned no id");
  return id;
}

// Plain SQL: this runs for nearly every update.
async function insertRows(db: Queryable, rows: NewRow[], also?: { ctes: string; values: unknown[] }): Promise<bigint[]> {
  if (rows.length === 0) return [];
  // The ids are drawn first, so that they can be returned in the order of the rows.
  const inserted = await db.sql<{ id: string }>(
    `WITH input AS (
       SELECT m.channel::"Channel" AS channel, m.recipient, m.payload, m.network, m.n, nextval(pg_get_serial_sequence('"Outbox"', 'id')) AS id
       FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::text[]) WITH ORDINALITY AS m(channel, recipient, payload, network, n)
     ), inserted AS (
       INSERT INTO "Outbox" (id, channel, recipient, payload, "networkId") SELECT id, channel, recipient, payload, network FROM input RETURNING id
     )${also ? `, ${also.ctes}` : ""}
     SELECT input.id::text AS id FROM input JOIN inserted USING (id) ORDER BY input.n`,
    [rows.map((r) => r.channel), rows.map((r) => r.recipient), rows.map((r) => JSON.stringify(r.payload)), rows.map((r) => r.network ?? null), ...(also?.values ?? [])],
  );
  if (inserted.length !== rows.length) throw new Error(`outbox insert returned ${inserted.length} of ${rows.length} rows`);
  const ids = inserted.map((r) => BigInt(r.id));
  await db.told(rows.map((row, i): Told => ({
      id: ids[i] as bigint,
      channel: row.channel,
      ...(row.channel === "JOB" ? { wakeUp: row.payload as WakeUp } : {}),
      ...(row.network ? { network: row.network } : {}),
    })));
  return ids;
}
