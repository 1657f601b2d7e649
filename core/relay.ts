import type { Database, DbOrTx, Queryable } from "./db.js";
import { localeOr, type Locale } from "./i18n.js";
import { t } from "./messages.js";
import { tell } from "./outbox.js";

/**
 * The relay chat: after a match, newcomer and volunteer write to each other through the bot, as copies
 * without the sender, so that neither sees the other's name, username or phone number.
 */

/** Where a person's message goes: the other side of their open relay. */
export type RelayTarget = { requestId: string; reference: string; toChatId: bigint; toLocale: Locale; fromVolunteer: boolean };

/** The relay partner for a message `telegramId` sends outside any dialogue, if a matched job is open. */
export async function relayTarget(db: DbOrTx, telegramId: number): Promise<RelayTarget | undefined> {
  const user = await db.prisma.telegramUser.findUnique({ where: { telegramId }, select: { id: true, relayRequestId: true } });
  if (!user?.relayRequestId) return undefined;
  const request = await db.prisma.helpRequest.findUnique({
    where: { id: user.relayRequestId },
    select: {
      id: true,
      reference: true,
      status: true,
      newcomer: { select: { id: true, telegramId: true, locale: true } },
      volunteer: { select: { user: { select: { id: true, telegramId: true, locale: true } } } },
    },
  });
  if (!request || request.status !== "MATCHED" || !request.newcomer || !request.volunteer) return undefined;
  const fromVolunteer = request.volunteer.user.id === user.id;
  if (!fromVolunteer && request.newcomer.id !== user.id) return undefined;
  const to = fromVolunteer ? request.newcomer : request.volunteer.user;
  return { requestId: request.id, reference: request.reference, toChatId: to.telegramId, toLocale: localeOr(to.locale), fromVolunteer };
}

/** Points `telegramId`'s relay at a matched request they take part in (a volunteer with several jobs). */
export async function chooseRelay(db: DbOrTx, telegramId: number, requestId: string): Promise<"chosen" | "not-yours"> {
  const request = await db.prisma.helpRequest.findFirst({
    where: { id: requestId, status: "MATCHED", OR: [{ newcomer: { telegramId } }, { volunteer: { user: { telegramId } } }] },
    select: { id: true },
  });
  if (!request) return "not-yours";
  await db.prisma.telegramUser.update({ where: { telegramId }, data: { relayRequestId: request.id } });
  return "chosen";
}

/** The job is over: nobody's messages go to the other side any more. */
export async function endRelay(q: Queryable, requestId: string): Promise<void> {
  await q.sql(`UPDATE "TelegramUser" SET "relayRequestId" = NULL WHERE "relayRequestId" = $1`, [requestId]);
}

/** Relays one message (only ids are recorded; the content stays in Telegram). */
export async function relay(db: Database, fromChatId: number, messageId: number, target: RelayTarget): Promise<void> {
  await tell(db, target.toChatId, {
    kind: "copy",
    fromChatId,
    messageId,
    locale: target.toLocale,
    // A volunteer with several jobs sees which newcomer wrote, and can answer that one.
    ...(target.fromVolunteer ? {} : { keyboard: [[{ ...t("relay.replyTo", { reference: target.reference }), action: { do: "write-to", requestId: target.requestId } }]] }),
  });
}
