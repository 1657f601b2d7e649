import type { Database, Queryable } from "./db.js";
import { giveUp, updateEscalation } from "./dispatch.js";
import { t } from "./messages.js";
import { tell, tellSlack, wakeRequest } from "./outbox.js";
import { endRelay } from "./relay.js";
import { lockRequest, partiesOf, requestsWhere, updateRequest, type Request } from "./request-store.js";
import type { ClosingSettings, CoreSettings } from "./settings.js";

/**
 * Matched jobs that end without `/done`: closed by time when nobody reports them done (so that a place, a
 * note or a photo does not stay forever and the relay does not stay open), and sent back to the search
 * when their volunteer leaves.
 */

/** Why a matched job is due to close by time, if it is. */
export type Staleness = "after-appointment" | "asap" | "review" | "unconfirmed";

/**
 * The rule a matched request falls under at `now`: an appointment long past, an "as soon as possible" job
 * matched long ago, a mentorship at its review date, or a mentoring match no coordinator decided on.
 */
export function staleness(request: Pick<Request, "status" | "kind" | "appointmentAt" | "matchedAt" | "confirmedAt">, settings: ClosingSettings, now: Date): Staleness | undefined {
  if (request.status !== "MATCHED") return undefined;
  const before = (at: Date | null, ms: number) => at !== null && at.getTime() + ms <= now.getTime();
  if (request.kind === "MENTORING") {
    if (request.confirmedAt !== null) return before(request.confirmedAt, settings.mentoringReviewMs) ? "review" : undefined;
    return before(request.matchedAt, settings.asapAfterMatchMs) ? "unconfirmed" : undefined;
  }
  if (request.appointmentAt !== null) return before(request.appointmentAt, settings.afterAppointmentMs) ? "after-appointment" : undefined;
  return before(request.matchedAt, settings.asapAfterMatchMs) ? "asap" : undefined;
}

export type ClosedByTime = Record<Staleness, number>;

/**
 * Closes the matched jobs that are due (see {@link staleness}), each under its row lock: both sides are
 * told politely, the relay closes, and the request reaches the normal retention schedule. A mentoring
 * match no coordinator decided on ends as "nobody found", with where else to turn. Runs with retention.
 */
export async function closeStaleJobs(db: Database, settings: CoreSettings, now = new Date()): Promise<ClosedByTime> {
  const { afterAppointmentMs, asapAfterMatchMs, mentoringReviewMs } = settings.closing;
  const at = (ms: number) => new Date(now.getTime() - ms);
  const due = await requestsWhere(
    db,
    `status = 'MATCHED' AND (
       (kind <> 'MENTORING' AND "appointmentAt" < $1) OR
       (kind <> 'MENTORING' AND "appointmentAt" IS NULL AND "matchedAt" < $2) OR
       (kind = 'MENTORING' AND "confirmedAt" < $3) OR
       (kind = 'MENTORING' AND "confirmedAt" IS NULL AND "matchedAt" < $2))`,
    [at(afterAppointmentMs), at(asapAfterMatchMs), at(mentoringReviewMs)],
    500,
    `"matchedAt"`,
  );
  const closed: ClosedByTime = { "after-appointment": 0, asap: 0, review: 0, unconfirmed: 0 };
  for (const { id } of due) {
    const why = await db.transaction(async (tx) => {
      const request = await lockRequest(tx, id);
      const rule = request ? staleness(request, settings.closing, now) : undefined;
      if (!request || !rule) return undefined;
      await (rule === "unconfirmed" ? expireConfirmation(tx, request, settings) : closeByTime(tx, request, rule));
      return rule;
    });
    if (why) closed[why]++;
  }
  return closed;
}

async function closeByTime(q: Queryable, request: Request, rule: Exclude<Staleness, "unconfirmed">): Promise<void> {
  await updateRequest(q, request.id, { status: "DONE", closedAt: new Date(), nextTickAt: null });
  const parties = await partiesOf(q, request);
  const key = rule === "review" ? "request.reviewed" : "request.closedByTime";
  if (parties.newcomer) {
    await tell(q, parties.newcomer.telegramId, {
      kind: "send",
      locale: parties.newcomer.locale,
      parts: [t(`${key}.newcomer`, { reference: request.reference, name: parties.volunteer?.firstName ?? "" })],
      keyboard: [[{ ...t("menu.back"), action: { do: "open", screen: "menu" } }]],
      ...(parties.volunteer ? { quotes: [String(parties.volunteer.telegramId)] } : {}),
    });
  }
  if (parties.volunteer) {
    await tell(q, parties.volunteer.telegramId, { kind: "send", locale: parties.volunteer.locale, parts: [t(`${key}.volunteer`, { reference: request.reference })] });
  }
  await endRelay(q, request.id);
}

/** Nobody confirmed a mentoring match in time: the newcomer hears it honestly, the mentor is thanked. */
async function expireConfirmation(q: Queryable, request: Request, settings: CoreSettings): Promise<void> {
  const parties = await partiesOf(q, request);
  await giveUp(q, request, settings, null);
  if (parties.volunteer) {
    await tell(q, parties.volunteer.telegramId, { kind: "send", locale: parties.volunteer.locale, parts: [t("offer.confirmationExpired", { reference: request.reference })] });
  }
  await updateConfirmationCard(q, request, settings);
}

/**
 * A volunteer leaves (erases their data): each job they hold goes back to the search, and its newcomer is
 * told. Past its deadline the search ends at once with the honest answer.
 */
export async function returnJobsOf(db: Database, telegramId: number, settings: CoreSettings): Promise<number> {
  const jobs = await requestsWhere(
    db,
    `status = 'MATCHED' AND "volunteerId" = (SELECT v.id FROM "Volunteer" v JOIN "TelegramUser" u ON u.id = v."userId" WHERE u."telegramId" = $1)`,
    [telegramId],
    1000,
  );
  for (const { id } of jobs) {
    await db.transaction(async (tx) => {
      const request = await lockRequest(tx, id);
      if (request?.status !== "MATCHED") return;
      const parties = await partiesOf(tx, request);
      const now = new Date();
      await updateRequest(tx, request.id, {
        status: "SEARCHING",
        volunteerId: null,
        matchedAt: null,
        confirmedAt: null,
        remindedEveningAt: null,
        remindedHourAt: null,
        nextWaveAt: now,
        nextTickAt: now,
      });
      await endRelay(tx, request.id);
      if (parties.newcomer) {
        await tell(tx, parties.newcomer.telegramId, { kind: "send", locale: parties.newcomer.locale, parts: [t("request.searchingAgain", { reference: request.reference })] });
      }
      await wakeRequest(tx, request.id, now);
      await updateEscalation(tx, request, settings);
      await updateConfirmationCard(tx, request, settings);
    });
  }
  return jobs.length;
}

async function updateConfirmationCard(q: Queryable, request: Pick<Request, "id" | "confirmationOutboxId">, settings: Pick<CoreSettings, "coordinatorChannel">): Promise<void> {
  if (request.confirmationOutboxId === null) return;
  await tellSlack(q, settings.coordinatorChannel, { kind: "update", template: "mentoring-confirmation", id: request.id, outboxId: String(request.confirmationOutboxId) });
}
