import { randomBytes } from "node:crypto";
import type { Database, Queryable } from "./db.js";
import { localeOr } from "./i18n.js";
import { candidates, circleFor, type Candidate } from "./matching.js";
import { t } from "./messages.js";
import { networkName, tellCoordinators } from "./networks.js";
import { tell, tellMany, wakeRequest } from "./outbox.js";
import { remind, remindersAt } from "./reminders.js";
import { lockRequest, partiesOf, updateRequest, type Request, type RequestChange } from "./request-store.js";
import { summary } from "./request-summary.js";
import type { CoreSettings, DispatchSettings } from "./settings.js";
import { earliest } from "./time.js";

/** An id that fits in Telegram's 64-byte callback data with room to spare. */
export const newId = () => randomBytes(12).toString("base64url");

/** What one run of a request's state machine did. */
export type TickResult = {
  offered: number;
  escalated: boolean;
  gaveUp: boolean;
  reminded: ("evening" | "hour")[];
  nextTickAt: Date | null;
};

/**
 * Runs a request's state machine once, under a row lock, so that duplicate or overdue runs are harmless:
 * while searching, the next wave when due (widening after the strict waves), the coordinators' alert when
 * due, the honest answer at the deadline; once matched, the reminders. Asks to be woken for its next run.
 */
export async function tick(db: Database, requestId: string, settings: CoreSettings): Promise<TickResult> {
  // In SQL on the pool: every request runs this at least once, fifty a second at peaks.
  return db.sqlTransaction(async (tx) => {
    const result: TickResult = { offered: 0, escalated: false, gaveUp: false, reminded: [], nextTickAt: null };
    const request = await lockRequest(tx, requestId);
    if (!request) return result;
    const now = new Date();
    if (request.status === "SEARCHING") return search(tx, request, settings, now, result);
    if (request.status === "MATCHED" && request.appointmentAt) return remindBoth(tx, request, settings, now, result);
    await updateRequest(tx, request.id, { nextTickAt: null });
    return result;
  });
}

async function search(tx: Queryable, request: Request, settings: CoreSettings, now: Date, result: TickResult): Promise<TickResult> {
  if (request.deadlineAt && request.deadlineAt <= now) {
    await giveUp(tx, request, null);
    return { ...result, gaveUp: true };
  }
  const change: RequestChange = {};
  if (request.escalateAt && request.escalateAt <= now && !request.escalatedAt) {
    change.escalatedAt = now;
    change.escalationOutboxId = await tellCoordinators(tx, request.networkId, { kind: "post", template: "request-escalation", id: request.id });
    result.escalated = true;
  }
  if (request.nextWaveAt && request.nextWaveAt <= now) {
    let widened = request.widened || request.wave >= settings.dispatch.strictWaves;
    // Volunteers held by another request's wave this moment are worth waiting for only when their quiet time
    // from that wave is over before the next wave is due anyway.
    const counting = { countPassedOver: settings.dispatch.quietMs < settings.dispatch.waveIntervalMs };
    let found = await candidates(tx, request, circleFor(request, widened ? "widened" : "strict", settings.dispatch), settings.dispatch.waveSize, counting);
    // Widen only when nobody fits, not when those who fit are being offered another request this moment.
    if (found.volunteers.length === 0 && found.passedOver === 0 && !widened) {
      widened = true;
      found = await candidates(tx, request, circleFor(request, "widened", settings.dispatch), settings.dispatch.waveSize, counting);
    }
    result.offered = await sendOffers(tx, request, found.volunteers, request.wave + 1);
    if (result.offered > 0) change.wave = request.wave + 1;
    change.widened = widened;
    change.nextWaveAt = new Date(now.getTime() + nextWaveIn(found.passedOver, settings.dispatch));
  }
  const escalateAt = (change.escalatedAt ?? request.escalatedAt) ? null : request.escalateAt;
  const next = earliest(change.nextWaveAt ?? request.nextWaveAt, escalateAt, request.deadlineAt);
  await updateRequest(tx, request.id, { ...change, nextTickAt: next });
  if (next) await wakeRequest(tx, request, next);
  return { ...result, nextTickAt: next };
}

/**
 * When the next wave is due: after the wave interval, or – when volunteers who fit were passed over because
 * another request's wave held them – as soon as their quiet time from that offer can be over (a second later
 * with no quiet time), so that two requests confirmed at the same moment both reach them.
 */
export function nextWaveIn(passedOver: number, settings: Pick<DispatchSettings, "waveIntervalMs" | "quietMs">): number {
  if (passedOver === 0) return settings.waveIntervalMs;
  return Math.min(settings.waveIntervalMs, settings.quietMs + 1000);
}

async function remindBoth(tx: Queryable, request: Request, settings: CoreSettings, now: Date, result: TickResult): Promise<TickResult> {
  const { due, skipped, next } = remindersAt(request, settings.reminders, settings.timeZone, now);
  if (due.length > 0) {
    const parties = await partiesOf(tx, request);
    for (const which of due) await remind(tx, request, parties, which);
  }
  await updateRequest(tx, request.id, {
    ...(due.includes("evening") || skipped.includes("evening") ? { remindedEveningAt: now } : {}),
    ...(due.includes("hour") ? { remindedHourAt: now } : {}),
    nextTickAt: next,
  });
  if (next) await wakeRequest(tx, request, next);
  return { ...result, reminded: due, nextTickAt: next };
}

/** Sends offers to `volunteers`: offer rows and their messages commit together. */
export async function sendOffers(tx: Queryable, request: Request, volunteers: Candidate[], wave: number): Promise<number> {
  if (volunteers.length === 0) return 0;
  const offerIds = volunteers.map(() => newId());
  const messages = volunteers.map((volunteer, i) => {
    const offerId = offerIds[i] ?? "";
    return {
      recipient: volunteer.telegramId,
      intent: {
        kind: "send" as const,
        locale: localeOr(volunteer.locale),
        parts: [t(`offer.new.${request.kind}`), ...summary(request)],
        keyboard: [[{ ...t("offer.accept"), action: { do: "accept-offer" as const, offerId } }, { ...t("offer.decline"), action: { do: "decline-offer" as const, offerId } }]],
      },
    };
  });
  // The messages, the offers that name them, and the volunteers' last offer time (fairness, quiet time): one statement.
  await tellMany(tx, messages, {
    ctes: `offers AS (
       INSERT INTO "Offer" (id, "requestId", "volunteerId", wave, "outboxId")
       SELECT o.id, $6, o."volunteerId", $7, input.id FROM unnest($5::text[], $8::text[]) WITH ORDINALITY AS o(id, "volunteerId", n) JOIN input USING (n)
       -- A request that opened again (its volunteer left): the earlier, taken or withdrawn offer is made anew.
       ON CONFLICT ("requestId", "volunteerId") DO UPDATE SET id = EXCLUDED.id, wave = EXCLUDED.wave, "outboxId" = EXCLUDED."outboxId",
         status = 'OPEN', "createdAt" = now(), "answeredAt" = NULL
     ), offered AS (
       UPDATE "Volunteer" SET "lastOfferedAt" = now() WHERE id = ANY($8::text[])
     )`,
    values: [offerIds, request.id, wave, volunteers.map((v) => v.id)],
  });
  return volunteers.length;
}

/**
 * Closes the open offers of a request (but one, the accepted) or of a volunteer (suspended, in a town) with `status`,
 * and edits each offer's message to `key`.
 */
export async function closeOpenOffers(q: Queryable, of: { requestId: string; except?: string } | { volunteerId: string; networkId?: string }, status: "TAKEN" | "WITHDRAWN", key: string): Promise<number> {
  const closed = await q.sql<{ outboxId: string | null; reference: string; telegramId: string; locale: string | null }>(
    `UPDATE "Offer" o SET status = $2::"OfferStatus", "answeredAt" = now()
     FROM "HelpRequest" r, "Volunteer" v, "TelegramUser" u
     WHERE o.status = 'OPEN' AND ($1::text IS NULL OR o."requestId" = $1) AND ($4::text IS NULL OR o."volunteerId" = $4)
       AND o.id IS DISTINCT FROM $3::text
       AND r.id = o."requestId" AND v.id = o."volunteerId" AND u.id = v."userId" AND ($5::text IS NULL OR r."networkId" = $5)
     RETURNING o."outboxId"::text AS "outboxId", r.reference, u."telegramId"::text AS "telegramId", u.locale`,
    ["requestId" in of ? of.requestId : null, status, "requestId" in of ? (of.except ?? null) : null, "volunteerId" in of ? of.volunteerId : null, "networkId" in of ? (of.networkId ?? null) : null],
  );
  for (const offer of closed) {
    if (offer.outboxId === null) continue;
    await tell(q, BigInt(offer.telegramId), { kind: "editSent", outboxId: offer.outboxId, locale: localeOr(offer.locale), parts: [t(key, { reference: offer.reference })] });
  }
  return closed.length;
}

/**
 * Nobody was found in time (or a coordinator closed the search): the newcomer hears it honestly, with
 * where else to turn, and open offers are withdrawn.
 */
export async function giveUp(q: Queryable, request: Request, closingNote: string | null): Promise<void> {
  await updateRequest(q, request.id, { status: "UNMATCHED", closedAt: new Date(), nextTickAt: null, closingNote });
  await closeOpenOffers(q, { requestId: request.id }, "WITHDRAWN", "offer.withdrawn");
  const parties = await partiesOf(q, request);
  if (parties.newcomer) {
    await tell(q, parties.newcomer.telegramId, {
      kind: "send",
      locale: parties.newcomer.locale,
      parts: [t(`request.unmatched.${request.kind}`, { reference: request.reference }), t("request.alternatives", { town: { text: await networkName(q, request.networkId) } })],
      keyboard: [[{ ...t("menu.contacts"), action: { do: "open", screen: "contacts" } }], [{ ...t("menu.back"), action: { do: "open", screen: "menu" } }]],
    });
  }
  await updateEscalation(q, request);
}

/** Brings the coordinators' alert about a request (if there is one) up to date. */
export async function updateEscalation(q: Queryable, request: Pick<Request, "id" | "networkId" | "escalationOutboxId">): Promise<void> {
  if (request.escalationOutboxId === null) return;
  await tellCoordinators(q, request.networkId, { kind: "update", template: "request-escalation", id: request.id, outboxId: String(request.escalationOutboxId) });
}

/** Requests whose next tick is overdue: their queue job was lost (a Redis restart) or never queued. */
export async function overdueTicks(db: Queryable, graceMs: number): Promise<{ id: string; networkId: string; nextTickAt: Date }[]> {
  return db.sql<{ id: string; networkId: string; nextTickAt: Date }>(
    `SELECT id, "networkId", "nextTickAt" FROM "HelpRequest"
     WHERE status IN ('SEARCHING', 'MATCHED') AND "nextTickAt" < now() - make_interval(secs => $1)
     ORDER BY "nextTickAt" LIMIT 1000`,
    [graceMs / 1000],
  );
}

/** The search ends at the timeout, or shortly before the appointment, whichever comes first. */
export function deadlineFor(now: Date, appointmentAt: Date | undefined, settings: DispatchSettings): Date {
  const timeout = now.getTime() + settings.searchTimeoutMs;
  if (!appointmentAt) return new Date(timeout);
  const beforeAppointment = appointmentAt.getTime() - settings.stopBeforeAppointmentMs;
  // An appointment very soon: keep searching up to the appointment itself rather than not at all.
  const latest = beforeAppointment > now.getTime() + settings.waveIntervalMs ? beforeAppointment : appointmentAt.getTime();
  return new Date(Math.max(Math.min(timeout, latest), now.getTime() + 1000));
}
