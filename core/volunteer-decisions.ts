import { Prisma } from "../generated/prisma/client.js";
import type { Database, Tx } from "./db.js";
import { closeOpenOffers, updateEscalation } from "./dispatch.js";
import { localeOr } from "./i18n.js";
import { t } from "./messages.js";
import { tell, tellSlack, wakeRequest } from "./outbox.js";
import { endRelay } from "./relay.js";
import { partiesOf, requestsWhere, updateRequest } from "./request-store.js";
import type { CoreSettings } from "./settings.js";
import type { Vetted, VolunteerStatus } from "./volunteers.js";

/** What coordinators decide about volunteers: admission, changes to what they vetted, suspension. */

export type Decision = "APPROVED" | "REJECTED";
export type DecisionResult =
  | { kind: "decided"; status: VolunteerStatus; firstName: string }
  | { kind: "already-decided"; status: VolunteerStatus; by: string | null }
  | { kind: "not-found" };

async function volunteerFor(tx: Tx, volunteerId: string) {
  return tx.prisma.volunteer.findUnique({
    where: { id: volunteerId },
    select: { id: true, firstName: true, status: true, decidedBy: true, requestedChange: true, changeOutboxId: true, user: { select: { telegramId: true, locale: true } } },
  });
}

/**
 * A coordinator approves or rejects a pending volunteer; the first decision counts, and the volunteer is
 * told the outcome in their language.
 */
export async function decideVolunteer(db: Database, volunteerId: string, decision: Decision, coordinator: string): Promise<DecisionResult> {
  return db.transaction(async (tx) => {
    const changed = await tx.prisma.volunteer.updateMany({ where: { id: volunteerId, status: "PENDING" }, data: { status: decision, decidedBy: coordinator, decidedAt: new Date() } });
    const volunteer = await volunteerFor(tx, volunteerId);
    if (!volunteer) return { kind: "not-found" };
    if (changed.count === 0) return { kind: "already-decided", status: volunteer.status, by: volunteer.decidedBy };
    const locale = localeOr(volunteer.user.locale);
    await tell(tx, volunteer.user.telegramId, { kind: "send", locale, parts: [t(decision === "APPROVED" ? "volunteer.approved" : "volunteer.rejected", { name: volunteer.firstName })] });
    if (decision === "APPROVED") await tell(tx, volunteer.user.telegramId, { kind: "commands", set: "volunteer", locale });
    return { kind: "decided", status: decision, firstName: volunteer.firstName };
  });
}

export type ChangeDecisionResult = { kind: "applied" | "declined"; firstName: string } | { kind: "nothing-pending" } | { kind: "not-found" };

/**
 * A coordinator decides on a change an approved volunteer asked for (first name, roles, languages and
 * levels, gender): agreed, it becomes the profile matching uses; declined, the approved profile stays.
 */
export async function decideChange(db: Database, volunteerId: string, agree: boolean, coordinator: string, settings: Pick<CoreSettings, "coordinatorChannel">): Promise<ChangeDecisionResult> {
  return db.transaction(async (tx) => {
    await tx.sql(`SELECT id FROM "Volunteer" WHERE id = $1 FOR UPDATE`, [volunteerId]);
    const volunteer = await volunteerFor(tx, volunteerId);
    if (!volunteer) return { kind: "not-found" };
    const change = volunteer.requestedChange as Vetted | null;
    if (!change) return { kind: "nothing-pending" };
    const decided = { requestedChange: Prisma.DbNull, decidedBy: coordinator, decidedAt: new Date() };
    if (agree) {
      await tx.prisma.volunteer.update({ where: { id: volunteerId }, data: { ...decided, firstName: change.firstName, roles: change.roles, gender: change.gender ?? null } });
      await tx.prisma.volunteerLanguage.deleteMany({ where: { volunteerId } });
      await tx.prisma.volunteerLanguage.createMany({ data: change.languages.map((l) => ({ volunteerId, ...l })) });
    } else {
      await tx.prisma.volunteer.update({ where: { id: volunteerId }, data: decided });
    }
    const name = agree ? change.firstName : volunteer.firstName;
    await tell(tx, volunteer.user.telegramId, { kind: "send", locale: localeOr(volunteer.user.locale), parts: [t(agree ? "volunteer.changeApplied" : "volunteer.changeDeclined", { name })] });
    if (volunteer.changeOutboxId !== null) {
      await tellSlack(tx, settings.coordinatorChannel, { kind: "update", template: "volunteer-changes", id: volunteerId, outboxId: String(volunteer.changeOutboxId) });
    }
    return { kind: agree ? "applied" : "declined", firstName: name };
  });
}

export type SuspensionResult = { kind: "suspended"; reopened: number } | { kind: "reactivated" } | { kind: "not-possible"; status: VolunteerStatus } | { kind: "not-found" };

/**
 * A coordinator suspends an approved volunteer: their open offers are withdrawn, each matched request is
 * searched for again (its newcomer is told politely, the relay closes), and the volunteer is told.
 */
export async function suspendVolunteer(db: Database, volunteerId: string, coordinator: string, settings: CoreSettings): Promise<SuspensionResult> {
  return db.transaction(async (tx) => {
    const { count } = await tx.prisma.volunteer.updateMany({ where: { id: volunteerId, status: "APPROVED" }, data: { status: "SUSPENDED", decidedBy: coordinator, decidedAt: new Date() } });
    const volunteer = await volunteerFor(tx, volunteerId);
    if (!volunteer) return { kind: "not-found" };
    if (count === 0) return { kind: "not-possible", status: volunteer.status };
    await closeOpenOffers(tx, { volunteerId }, "WITHDRAWN", "offer.withdrawn");
    const matched = await requestsWhere(tx, `status = 'MATCHED' AND "volunteerId" = $1`, [volunteerId], 100);
    const now = new Date();
    for (const request of matched) {
      const parties = await partiesOf(tx, request);
      await tx.prisma.offer.updateMany({ where: { requestId: request.id, volunteerId, status: "ACCEPTED" }, data: { status: "WITHDRAWN" } });
      await updateRequest(tx, request.id, { status: "SEARCHING", volunteerId: null, matchedAt: null, confirmedAt: null, remindedEveningAt: null, remindedHourAt: null, nextWaveAt: now, nextTickAt: now });
      await endRelay(tx, request.id);
      await wakeRequest(tx, request.id, now);
      if (parties.newcomer) {
        await tell(tx, parties.newcomer.telegramId, { kind: "send", locale: parties.newcomer.locale, parts: [t("request.searchingAgain", { reference: request.reference })] });
      }
      await updateEscalation(tx, request, settings);
    }
    const locale = localeOr(volunteer.user.locale);
    await tell(tx, volunteer.user.telegramId, { kind: "send", locale, parts: [t("volunteer.suspended", { name: volunteer.firstName })] });
    await tell(tx, volunteer.user.telegramId, { kind: "commands", set: "default", locale });
    return { kind: "suspended", reopened: matched.length };
  });
}

/** A coordinator lets a suspended volunteer help again. */
export async function reactivateVolunteer(db: Database, volunteerId: string, coordinator: string): Promise<SuspensionResult> {
  return db.transaction(async (tx) => {
    const { count } = await tx.prisma.volunteer.updateMany({ where: { id: volunteerId, status: "SUSPENDED" }, data: { status: "APPROVED", decidedBy: coordinator, decidedAt: new Date() } });
    const volunteer = await volunteerFor(tx, volunteerId);
    if (!volunteer) return { kind: "not-found" };
    if (count === 0) return { kind: "not-possible", status: volunteer.status };
    const locale = localeOr(volunteer.user.locale);
    await tell(tx, volunteer.user.telegramId, { kind: "send", locale, parts: [t("volunteer.reactivated", { name: volunteer.firstName })] });
    await tell(tx, volunteer.user.telegramId, { kind: "commands", set: "volunteer", locale });
    return { kind: "reactivated" };
  });
}
