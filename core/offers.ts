import { type Db, type Tx, transaction } from "./db.js";
import {
  closeOpenOffers,
  localeOr,
  partiesOf,
  reminderTimes,
  requestSelect,
  scheduleTick,
  summary,
  updateEscalation,
  type DispatchSettings,
} from "./dispatch.js";
import { t, type Label } from "./messages.js";
import { tell, tellSlack } from "./outbox.js";

/** Slack template of a mentoring match that waits for a coordinator. */
export const MENTORING_TEMPLATE = "mentoring-confirmation";

export type AcceptResult =
  | { kind: "won"; reference: string }
  | { kind: "already-yours" }
  | { kind: "taken" }
  | { kind: "withdrawn" }
  | { kind: "declined" }
  /** A forged button, or someone else's offer: nothing changes. */
  | { kind: "not-yours" };

type Attachment = { messageId: number; kind: "photo" | "voice" };

/**
 * A volunteer accepts an offer. The first accept wins, atomically: the request moves from SEARCHING to
 * MATCHED in one conditional update, so of any number of simultaneous accepts exactly one succeeds.
 * Every other open offer of the request is edited to "already taken – thank you"; the winner gets the
 * details (place, note, photo), the newcomer the volunteer's first name, and both a relay chat.
 *
 * @example
 * const result = await acceptOffer(db, "Yc2…", 4711, settings); // { kind: "won", reference: "K7M-4Q2" }
 */
export async function acceptOffer(db: Db, offerId: string, telegramId: number, settings: DispatchSettings): Promise<AcceptResult> {
  return transaction(db, async (tx) => {
    const offer = await tx.offer.findUnique({
      where: { id: offerId },
      select: { id: true, status: true, outboxId: true, requestId: true, volunteer: { select: { id: true, firstName: true, user: { select: { telegramId: true, locale: true, id: true } } } } },
    });
    if (!offer || offer.volunteer.user.telegramId !== BigInt(telegramId)) return { kind: "not-yours" };
    if (offer.status === "ACCEPTED") return { kind: "already-yours" };
    if (offer.status === "TAKEN") return { kind: "taken" };
    if (offer.status === "WITHDRAWN") return { kind: "withdrawn" };
    if (offer.status === "DECLINED") return { kind: "declined" };

    const now = new Date();
    const won = await tx.helpRequest.updateMany({
      where: { id: offer.requestId, status: "SEARCHING" },
      data: { status: "MATCHED", volunteerId: offer.volunteer.id, matchedAt: now, nextWaveAt: null },
    });
    if (won.count === 0) {
      const current = await tx.helpRequest.findUnique({ where: { id: offer.requestId }, select: { status: true } });
      const lost = current?.status === "MATCHED" || current?.status === "DONE" ? "TAKEN" : "WITHDRAWN";
      await tx.offer.update({ where: { id: offer.id }, data: { status: lost, answeredAt: now } });
      return { kind: lost === "TAKEN" ? "taken" : "withdrawn" };
    }

    await tx.offer.update({ where: { id: offer.id }, data: { status: "ACCEPTED", answeredAt: now } });
    await closeOpenOffers(tx, offer.requestId, "TAKEN", "offer.taken", offer.id);
    await tx.volunteer.update({ where: { id: offer.volunteer.id }, data: { lastAssignedAt: now } });
    const request = await tx.helpRequest.findUniqueOrThrow({ where: { id: offer.requestId }, select: requestSelect });
    const volunteerLocale = localeOr(offer.volunteer.user.locale);

    if (request.kind === "MENTORING") {
      // A long-term relation: a coordinator confirms the match before contact details flow.
      if (offer.outboxId !== null) {
        await tell(tx, telegramId, { kind: "editSent", outboxId: String(offer.outboxId), locale: volunteerLocale, parts: [t("offer.awaitingConfirmation", { reference: request.reference })] });
      }
      const parties = await partiesOf(tx, request);
      if (parties.newcomer) {
        await tell(tx, parties.newcomer.telegramId, { kind: "send", locale: parties.newcomer.locale, parts: [t("request.matchPending", { reference: request.reference })] });
      }
      const confirmationOutboxId = await tellSlack(tx, settings.coordinatorChannel, { kind: "post", template: MENTORING_TEMPLATE, id: request.id });
      await tx.helpRequest.update({ where: { id: request.id }, data: { confirmationOutboxId, nextTickAt: null } });
      await updateEscalation(tx, request, settings);
      return { kind: "won", reference: request.reference };
    }

    await tx.helpRequest.update({ where: { id: request.id }, data: { confirmedAt: now } });
    if (offer.outboxId !== null) {
      await tell(tx, telegramId, { kind: "editSent", outboxId: String(offer.outboxId), locale: volunteerLocale, parts: [t("offer.accepted", { reference: request.reference })] });
    }
    await introduce(tx, request.id, t("offer.won", { reference: request.reference }));
    const reminders = reminderTimes({ appointmentAt: request.appointmentAt, matchedAt: now }, settings);
    const next = [reminders.evening, reminders.hour].filter((d): d is Date => d !== null).sort((a, b) => a.getTime() - b.getTime())[0];
    if (next) await scheduleTick(tx, request.id, next);
    else await tx.helpRequest.update({ where: { id: request.id }, data: { nextTickAt: null } });
    await updateEscalation(tx, request, settings);
    return { kind: "won", reference: request.reference };
  });
}

/**
 * Introduces the matched volunteer and newcomer: the volunteer gets the details (place, note, photo or voice
 * note), the newcomer the volunteer's first name, and both the relay chat.
 */
export async function introduce(tx: Tx, requestId: string, opening: Label): Promise<void> {
  const request = await tx.helpRequest.findUniqueOrThrow({ where: { id: requestId }, select: { ...requestSelect, place: true, note: true, attachments: true } });
  const volunteer = request.volunteerId
    ? await tx.volunteer.findUnique({ where: { id: request.volunteerId }, select: { firstName: true, user: { select: { id: true, telegramId: true, locale: true } } } })
    : null;
  if (!volunteer) return;
  const locale = localeOr(volunteer.user.locale);
  const details: Label[] = [opening, ...summary(request).slice(1)];
  if (request.place) details.push(t("summary.place", { place: request.place }));
  if (request.note) details.push(t("summary.note", { note: request.note }));
  details.push(t("relay.explainVolunteer"));
  await tell(tx, volunteer.user.telegramId, { kind: "send", locale, parts: details });
  const parties = await partiesOf(tx, request);
  if (parties.newcomer) {
    // The photo of a letter or a voice note goes to the volunteer as a copy, without the sender.
    for (const attachment of (request.attachments as Attachment[] | null) ?? []) {
      await tell(tx, volunteer.user.telegramId, { kind: "copy", fromChatId: Number(parties.newcomer.telegramId), messageId: attachment.messageId, locale });
    }
    await tell(tx, parties.newcomer.telegramId, {
      kind: "send",
      locale: parties.newcomer.locale,
      parts: [t(`request.matched.${request.kind}`, { name: volunteer.firstName, reference: request.reference }), t("relay.explainNewcomer", { name: volunteer.firstName })],
    });
    await tx.telegramUser.updateMany({ where: { telegramId: parties.newcomer.telegramId }, data: { relayRequestId: request.id } });
  }
  await tx.telegramUser.update({ where: { id: volunteer.user.id }, data: { relayRequestId: request.id } });
}

export type DeclineResult = { kind: "declined" } | { kind: "not-open" } | { kind: "not-yours" };

/**
 * A volunteer declines. When nobody of the current wave is left to answer, the next wave goes out now
 * instead of at its scheduled time.
 */
export async function declineOffer(db: Db, offerId: string, telegramId: number): Promise<DeclineResult> {
  return transaction(db, async (tx) => {
    const offer = await tx.offer.findUnique({
      where: { id: offerId },
      select: { id: true, status: true, outboxId: true, requestId: true, request: { select: { reference: true, status: true } }, volunteer: { select: { user: { select: { telegramId: true, locale: true } } } } },
    });
    if (!offer || offer.volunteer.user.telegramId !== BigInt(telegramId)) return { kind: "not-yours" };
    if (offer.status !== "OPEN") return { kind: "not-open" };
    await tx.offer.update({ where: { id: offer.id }, data: { status: "DECLINED", answeredAt: new Date() } });
    if (offer.outboxId !== null) {
      await tell(tx, telegramId, {
        kind: "editSent",
        outboxId: String(offer.outboxId),
        locale: localeOr(offer.volunteer.user.locale),
        parts: [t("offer.declinedThanks", { reference: offer.request.reference })],
      });
    }
    const stillOpen = await tx.offer.count({ where: { requestId: offer.requestId, status: "OPEN" } });
    if (stillOpen === 0 && offer.request.status === "SEARCHING") {
      const now = new Date();
      await tx.helpRequest.update({ where: { id: offer.requestId }, data: { nextWaveAt: now } });
      await scheduleTick(tx, offer.requestId, now);
    }
    return { kind: "declined" };
  });
}
