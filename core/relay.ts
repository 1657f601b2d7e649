import type { Database, Queryable } from "./db.js";
import { localeOr, type Locale } from "./i18n.js";
import { t, type Label } from "./messages.js";
import { tell } from "./outbox.js";

/**
 * The relay chat: after a confirmed match, newcomer and volunteer write to each other through the bot, as
 * copies without the sender, so that neither sees the other's name, username or phone number. Every copy
 * says which request (and, for the newcomer, which volunteer) it belongs to; a person with several open
 * chats writes only to one they chose.
 */

/** One open relay chat of a person, as they see it. */
export type RelayChat = {
  requestId: string;
  reference: string;
  /** The other side's chat and current language. */
  toChatId: bigint;
  toLocale: Locale;
  /** This person is the volunteer of the request (else the newcomer). */
  fromVolunteer: boolean;
  /** The volunteer's first name: all a newcomer knows of them. */
  volunteerName: string;
};

/** Where a person's message goes: the other side of their chosen (or only) open relay chat. */
export type RelayTarget = RelayChat & { several: boolean };

/** What to do with a message sent outside any dialogue. */
export type RelayRoute = { kind: "none" } | { kind: "one"; target: RelayTarget } | { kind: "choose"; chats: RelayChat[] };

type ChatRow = { requestId: string; reference: string; newcomerTelegramId: string; newcomerLocale: string | null; volunteerTelegramId: string; volunteerLocale: string | null; firstName: string; fromVolunteer: boolean };

/**
 * The relay chats open to `telegramId`, newest match first: matched requests they take part in whose match
 * is confirmed (a mentoring match only once a coordinator confirmed it; other kinds at the match).
 */
export async function openRelays(q: Queryable, telegramId: number | bigint): Promise<RelayChat[]> {
  const rows = await q.sql<ChatRow>(
    `SELECT r.id AS "requestId", r.reference, n."telegramId"::text AS "newcomerTelegramId", n.locale AS "newcomerLocale",
       vu."telegramId"::text AS "volunteerTelegramId", vu.locale AS "volunteerLocale", v."firstName", vu."telegramId" = $1::bigint AS "fromVolunteer"
     FROM "HelpRequest" r
     JOIN "TelegramUser" n ON n.id = r."newcomerId"
     JOIN "Volunteer" v ON v.id = r."volunteerId"
     JOIN "TelegramUser" vu ON vu.id = v."userId"
     WHERE r.status = 'MATCHED' AND r."confirmedAt" IS NOT NULL AND (n."telegramId" = $1::bigint OR vu."telegramId" = $1::bigint)
     ORDER BY r."matchedAt" DESC, r.id`,
    [String(telegramId)],
  );
  return rows.map((row) => ({
    requestId: row.requestId,
    reference: row.reference,
    toChatId: BigInt(row.fromVolunteer ? row.newcomerTelegramId : row.volunteerTelegramId),
    toLocale: localeOr(row.fromVolunteer ? row.newcomerLocale : row.volunteerLocale),
    fromVolunteer: row.fromVolunteer,
    volunteerName: row.firstName,
  }));
}

/**
 * Where a message `telegramId` sends outside any dialogue goes: nowhere (no open chat), to the one open chat
 * or the one they chose, or – with several open chats and none chosen – they are asked to whom.
 */
export async function relayTarget(db: Queryable, telegramId: number): Promise<RelayRoute> {
  const chats = await openRelays(db, telegramId);
  const [only] = chats;
  if (!only) return { kind: "none" };
  if (chats.length === 1) return { kind: "one", target: { ...only, several: false } };
  const [user] = await db.sql<{ relayRequestId: string | null; relayChosen: boolean }>(`SELECT "relayRequestId", "relayChosen" FROM "TelegramUser" WHERE "telegramId" = $1`, [telegramId]);
  const chosen = user?.relayChosen ? chats.find((c) => c.requestId === user.relayRequestId) : undefined;
  return chosen ? { kind: "one", target: { ...chosen, several: true } } : { kind: "choose", chats };
}

export type ChooseResult = { kind: "chosen"; target: RelayTarget } | { kind: "not-yours" };

/** `telegramId` chooses to write to one of their open relay chats (a reply button, or the question "to whom?"). */
export async function chooseRelay(db: Queryable, telegramId: number, requestId: string): Promise<ChooseResult> {
  const chats = await openRelays(db, telegramId);
  const chat = chats.find((c) => c.requestId === requestId);
  if (!chat) return { kind: "not-yours" };
  await db.sql(`UPDATE "TelegramUser" SET "relayRequestId" = $2, "relayChosen" = true WHERE "telegramId" = $1`, [telegramId, chat.requestId]);
  return { kind: "chosen", target: { ...chat, several: chats.length > 1 } };
}

/**
 * A relay chat opens: both sides' messages may now go to each other. Someone who already has an open chat
 * is asked to whom with their next message, instead of writing to the newest one unawares.
 */
export async function openRelay(q: Queryable, requestId: string, telegramIds: bigint[]): Promise<void> {
  await q.sql(`UPDATE "TelegramUser" SET "relayRequestId" = $1, "relayChosen" = false WHERE "telegramId" = ANY($2::bigint[])`, [requestId, telegramIds.map(String)]);
}

/**
 * The job is over: nobody's messages go to its other side any more. Whoever wrote to it is pointed at their
 * remaining open chat (with several, they are asked to whom next time), so that the other chats go on.
 */
export async function endRelay(q: Queryable, requestId: string): Promise<void> {
  await q.sql(
    `UPDATE "TelegramUser" u SET "relayChosen" = false, "relayRequestId" = (
       SELECT r.id FROM "HelpRequest" r LEFT JOIN "Volunteer" v ON v.id = r."volunteerId"
       WHERE r.id <> $1 AND r.status = 'MATCHED' AND r."confirmedAt" IS NOT NULL AND (r."newcomerId" = u.id OR v."userId" = u.id)
       ORDER BY r."matchedAt" DESC, r.id LIMIT 1)
     WHERE u."relayRequestId" = $1`,
    [requestId],
  );
}

/** Whom a relayed message goes to, as the sender sees it: the volunteer's name for a newcomer, the request for a volunteer. */
export function recipientLabel(chat: RelayChat): Label {
  return chat.fromVolunteer ? t("summary.reference", { reference: chat.reference }) : { text: `${chat.volunteerName} (${chat.reference})` };
}

/**
 * Relays one message (only ids are recorded; the content stays in Telegram). Its reply button names the
 * request – and for the newcomer the volunteer – so that with two chats nobody wonders who wrote.
 */
export async function relay(db: Database, fromChatId: number, messageId: number, target: RelayTarget): Promise<void> {
  const reply = target.fromVolunteer
    ? t("relay.replyToName", { name: target.volunteerName, reference: target.reference })
    : t("relay.replyTo", { reference: target.reference });
  await tell(db, target.toChatId, {
    kind: "copy",
    fromChatId,
    messageId,
    locale: target.toLocale,
    keyboard: [[{ ...reply, action: { do: "write-to", requestId: target.requestId } }]],
    quotes: [String(fromChatId)],
  });
}
