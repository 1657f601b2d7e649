import type { Database, Tx } from "./db.js";
import { closeOpenOffers, updateEscalation } from "./dispatch.js";
import { localeOr } from "./i18n.js";
import { t, type Label } from "./messages.js";
import { tell, tellSlack, wakeRequest } from "./outbox.js";
import { openRelay } from "./relay.js";
import { remindersAt } from "./reminders.js";
import { partiesOf, readRequest, requestDetails, updateRequest } from "./request-store.js";
import { summary } from "./request-summary.js";
import type { CoreSettings } from "./settings.js";

export type AcceptResult =
  | { kind: "won"; reference: string }
  | { kind: "already-yours" }
  | { kind: "taken" }
  | { kind: "withdrawn" }
  | { kind: "declined" }
  /** A forged button, or someone else's offer: nothing changes. */
  | { kind: "not-yours" };

/** An offer as the volunteer it was made to may answer it. */
async function offerOf(tx: Tx, offerId: string, telegramId: number) {
  const offer = await tx.prisma.offer.findUnique({
    where: { id: offerId },
    select: { id: true, status: true, outboxId: true, requestId: true, volunteer: { select: { id: true, user: { select: { telegramId: true, locale: true } } } } },
  });
  return offer && offer.volunteer.user.telegramId === BigInt(telegramId) ? offer : undefined;
}

/**
 * A volunteer accepts an offer. The first accept wins, atomically: the request moves from SEARCHING to
 * MATCHED in one conditional update, so of any number of simultaneous accepts exactly one succeeds.
 * Every other open offer of the request is edited to "already taken – thank you"; the winner gets the
 * details (place, note, photo), the newcomer the volunteer's first name, and both a relay chat. A mentoring
 * match waits for a coordinator's confirmation instead.
 *
 * @example
 * const result = await acceptOffer(db, "Yc2…", 4711, settings); // { kind: "won", reference: "K7M-4Q2" }
 */
export async function acceptOffer(db: Database, offerId: string, telegramId: number, settings: CoreSettings): Promise<AcceptResult> {
  return db.transaction(async (tx) => {
    const offer = await offerOf(tx, offerId, telegramId);
    if (!offer) return { kind: "not-yours" };
    if (offer.status === "ACCEPTED") return { kind: "already-yours" };
    if (offer.status === "TAKEN") return { kind: "taken" };
    if (offer.status === "WITHDRAWN") return { kind: "withdrawn" };
    if (offer.status === "DECLINED") return { kind: "declined" };

    const now = new Date();
    const won = await tx.prisma.helpRequest.updateMany({
      where: { id: offer.requestId, status: "SEARCHING" },
      data: { status: "MATCHED", volunteerId: offer.volunteer.id, matchedAt: now, nextWaveAt: null },
    });
    if (won.count === 0) {
      const current = await readRequest(tx, offer.requestId);
      // A double tap arriving at once (two replicas): the first tap matched this very volunteer.
      if (current?.volunteerId === offer.volunteer.id) return { kind: "already-yours" };
      const lost = current?.status === "MATCHED" || current?.status === "DONE" ? "TAKEN" : "WITHDRAWN";
      await tx.prisma.offer.update({ where: { id: offer.id }, data: { status: lost, answeredAt: now } });
      return { kind: lost === "TAKEN" ? "taken" : "withdrawn" };
    }

    await tx.prisma.offer.update({ where: { id: offer.id }, data: { status: "ACCEPTED", answeredAt: now } });
    await closeOpenOffers(tx, { requestId: offer.requestId, except: offer.id }, "TAKEN", "offer.taken");
    await tx.prisma.volunteer.update({ where: { id: offer.volunteer.id }, data: { lastAssignedAt: now } });
    const request = await readRequest(tx, offer.requestId);
    if (!request) throw new Error("a matched request vanished inside its transaction");
    const volunteerLocale = localeOr(offer.volunteer.user.locale);
    const editOffer = async (key: string) => {
      if (offer.outboxId === null) return;
      await tell(tx, telegramId, { kind: "editSent", outboxId: String(offer.outboxId), locale: volunteerLocale, parts: [t(key, { reference: request.reference })] });
    };

    if (request.kind === "MENTORING") {
      // A long-term relation: a coordinator confirms the match before contact details flow.
      await editOffer("offer.awaitingConfirmation");
      const parties = await partiesOf(tx, request);
      if (parties.newcomer) {
        await tell(tx, parties.newcomer.telegramId, { kind: "send", locale: parties.newcomer.locale, parts: [t("request.matchPending", { reference: request.reference })] });
      }
      const confirmationOutboxId = await tellSlack(tx, settings.coordinatorChannel, { kind: "post", template: "mentoring-confirmation", id: request.id });
      await updateRequest(tx, request.id, { confirmationOutboxId, nextTickAt: null });
      await updateEscalation(tx, request, settings);
      return { kind: "won", reference: request.reference };
    }

    await editOffer("offer.accepted");
    await introduce(tx, request.id, t("offer.won", { reference: request.reference }));
    const { next } = remindersAt({ ...request, matchedAt: now }, settings.reminders, settings.timeZone, now);
    await updateRequest(tx, request.id, { confirmedAt: now, nextTickAt: next });
    if (next) await wakeRequest(tx, request.id, next);
    await updateEscalation(tx, request, settings);
    return { kind: "won", reference: request.reference };
  });
}

/**
 * Introduces the matched volunteer and newcomer: the volunteer gets the details (place, note, photo or voice
 * note), the newcomer the volunteer's first name, and both the relay chat.
 */
export async function introduce(tx: Tx, requestId: string, opening: Label): Promise<void> {
  const request = await readRequest(tx, requestId);
  if (!request?.volunteerId) return;
  const parties = await partiesOf(tx, request);
  const volunteer = parties.volunteer;
  if (!volunteer) return;
  const details = await requestDetails(tx, requestId);
  const parts: Label[] = [opening, ...summary(request).slice(1)];
  if (details.place) parts.push(t("summary.place", { place: details.place }));
  if (details.note) parts.push(t("summary.note", { note: details.note }));
  parts.push(t("relay.explainVolunteer"));
  const newcomer = parties.newcomer ? [String(parties.newcomer.telegramId)] : [];
  await tell(tx, volunteer.telegramId, { kind: "send", locale: volunteer.locale, parts, quotes: newcomer });
  if (parties.newcomer) {
    // The photo of a letter or a voice note goes to the volunteer as a copy, without the sender.
    for (const attachment of details.attachments) {
      await tell(tx, volunteer.telegramId, { kind: "copy", fromChatId: Number(parties.newcomer.telegramId), messageId: attachment.messageId, locale: volunteer.locale, quotes: newcomer });
    }
    await tell(tx, parties.newcomer.telegramId, {
      kind: "send",
      locale: parties.newcomer.locale,
      parts: [t(`request.matched.${request.kind}`, { name: volunteer.firstName, reference: request.reference }), t("relay.explainNewcomer", { name: volunteer.firstName })],
      quotes: [String(volunteer.telegramId)],
    });
  }
  // Both sides' messages now go to each other.
  await openRelay(tx, requestId, [volunteer.telegramId, ...(parties.newcomer ? [parties.newcomer.telegramId] : [])]);
}

export type DeclineResult = { kind: "declined" } | { kind: "not-open" } | { kind: "not-yours" };

/**
 * A volunteer declines. When nobody of the current wave is left to answer, the next wave goes out now
 * instead of at its scheduled time.
 */
export async function declineOffer(db: Database, offerId: string, telegramId: number): Promise<DeclineResult> {
  return db.transaction(async (tx) => {
    const offer = await offerOf(tx, offerId, telegramId);
    if (!offer) return { kind: "not-yours" };
    if (offer.status !== "OPEN") return { kind: "not-open" };
    await tx.prisma.offer.update({ where: { id: offer.id }, data: { status: "DECLINED", answeredAt: new Date() } });
    const request = await readRequest(tx, offer.requestId);
    if (offer.outboxId !== null && request) {
      await tell(tx, telegramId, {
        kind: "editSent",
        outboxId: String(offer.outboxId),
        locale: localeOr(offer.volunteer.user.locale),
        parts: [t("offer.declinedThanks", { reference: request.reference })],
      });
    }
    const stillOpen = await tx.prisma.offer.count({ where: { requestId: offer.requestId, status: "OPEN" } });
    if (stillOpen === 0 && request?.status === "SEARCHING") {
      const now = new Date();
      await updateRequest(tx, offer.requestId, { nextWaveAt: now, nextTickAt: now });
      await wakeRequest(tx, offer.requestId, now);
    }
    return { kind: "declined" };
  });
}
