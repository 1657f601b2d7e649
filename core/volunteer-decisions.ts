import { Prisma } from "../generated/prisma/client.js";
import type { Database, Tx } from "./db.js";
import { closeOpenOffers, updateEscalation } from "./dispatch.js";
import { localeOr } from "./i18n.js";
import { t, type Label } from "./messages.js";
import { networkName, tellCoordinators, townName } from "./networks.js";
import { tell, wakeRequest } from "./outbox.js";
import { endRelay } from "./relay.js";
import { partiesOf, requestsWhere, updateRequest } from "./request-store.js";
import type { Vetted, VolunteerStatus } from "./volunteers.js";

/** What a town's coordinators decide about volunteers: admission, changes to what they vetted, suspension. */

export type Decision = "APPROVED" | "REJECTED";
export type DecisionResult =
  | { kind: "decided"; status: VolunteerStatus; firstName: string }
  | { kind: "already-decided"; status: VolunteerStatus; by: string | null }
  | { kind: "not-found" };

/** The volunteer and their standing in one town; undefined unless they serve (or asked to serve) it. */
async function membershipOf(tx: Tx, networkId: string, volunteerId: string) {
  return tx.prisma.volunteerNetwork.findUnique({
    where: { volunteerId_networkId: { volunteerId, networkId } },
    select: {
      status: true,
      decidedBy: true,
      volunteer: { select: { id: true, firstName: true, requestedChange: true, user: { select: { telegramId: true, locale: true } } } },
    },
  });
}

/** "Approved" for a one-town deployment; "approved for Ahlen" where there are several. */
async function decisionText(tx: Tx, networkId: string, key: string, name: string): Promise<Label> {
  const town = await townName(tx, networkId);
  return town ? t(`${key}In`, { name, town: { text: town } }) : t(key, { name, town: { text: await networkName(tx, networkId) } });
}

/** Whether the volunteer is approved in any town (their command menu shows the volunteer's commands). */
async function approvedAnywhere(tx: Tx, volunteerId: string): Promise<boolean> {
  return (await tx.prisma.volunteerNetwork.count({ where: { volunteerId, status: "APPROVED" } })) > 0;
}

/**
 * A town's coordinator approves or rejects a volunteer pending there; the first decision counts, and the
 * volunteer is told the outcome in their language.
 */
export async function decideVolunteer(db: Database, networkId: string, volunteerId: string, decision: Decision, coordinator: string): Promise<DecisionResult> {
  return db.transaction(async (tx) => {
    const changed = await tx.prisma.volunteerNetwork.updateMany({ where: { volunteerId, networkId, status: "PENDING" }, data: { status: decision, decidedBy: coordinator, decidedAt: new Date() } });
    const membership = await membershipOf(tx, networkId, volunteerId);
    if (!membership) return { kind: "not-found" };
    if (changed.count === 0) return { kind: "already-decided", status: membership.status, by: membership.decidedBy };
    const { volunteer } = membership;
    const locale = localeOr(volunteer.user.locale);
    await tell(tx, volunteer.user.telegramId, { kind: "send", locale, parts: [await decisionText(tx, networkId, decision === "APPROVED" ? "volunteer.approved" : "volunteer.rejected", volunteer.firstName)] });
    if (decision === "APPROVED") await tell(tx, volunteer.user.telegramId, { kind: "commands", set: "volunteer", locale });
    return { kind: "decided", status: decision, firstName: volunteer.firstName };
  });
}

export type ChangeDecisionResult = { kind: "applied" | "declined"; firstName: string } | { kind: "nothing-pending" } | { kind: "not-found" };

/**
 * A coordinator of a town that approved the volunteer decides on a change they asked for (first name, roles,
 * languages and levels, gender): agreed, it becomes the profile matching uses in every town; declined, the
 * approved profile stays. The first decision counts; every town's card shows it.
 */
export async function decideChange(db: Database, networkId: string, volunteerId: string, agree: boolean, coordinator: string): Promise<ChangeDecisionResult> {
  return db.transaction(async (tx) => {
    await tx.sql(`SELECT id FROM "Volunteer" WHERE id = $1 FOR UPDATE`, [volunteerId]);
    const membership = await membershipOf(tx, networkId, volunteerId);
    if (!membership || (membership.status !== "APPROVED" && membership.status !== "SUSPENDED")) return { kind: "not-found" };
    const { volunteer } = membership;
    const change = volunteer.requestedChange as Vetted | null;
    if (!change) return { kind: "nothing-pending" };
    const decided = { requestedChange: Prisma.DbNull, changeDecidedBy: coordinator, changeDecidedAt: new Date() };
    if (agree) {
      await tx.prisma.volunteer.update({ where: { id: volunteerId }, data: { ...decided, firstName: change.firstName, roles: change.roles, gender: change.gender ?? null } });
      await tx.prisma.volunteerLanguage.deleteMany({ where: { volunteerId } });
      await tx.prisma.volunteerLanguage.createMany({ data: change.languages.map((l) => ({ volunteerId, ...l })) });
    } else {
      await tx.prisma.volunteer.update({ where: { id: volunteerId }, data: decided });
    }
    const name = agree ? change.firstName : volunteer.firstName;
    await tell(tx, volunteer.user.telegramId, { kind: "send", locale: localeOr(volunteer.user.locale), parts: [t(agree ? "volunteer.changeApplied" : "volunteer.changeDeclined", { name })] });
    const cards = await tx.prisma.volunteerNetwork.findMany({ where: { volunteerId, changeOutboxId: { not: null } }, select: { networkId: true, changeOutboxId: true } });
    for (const card of cards) {
      await tellCoordinators(tx, card.networkId, { kind: "update", template: "volunteer-changes", id: volunteerId, outboxId: String(card.changeOutboxId) });
    }
    return { kind: agree ? "applied" : "declined", firstName: name };
  });
}

export type SuspensionResult = { kind: "suspended"; reopened: number } | { kind: "reactivated" } | { kind: "not-possible"; status: VolunteerStatus } | { kind: "not-found" };

/**
 * A town's coordinator suspends a volunteer approved there: their open offers of the town's requests are
 * withdrawn, each matched request of the town is searched for again (its newcomer is told politely, the
 * relay closes), and the volunteer is told. Other towns that approved them decide for themselves.
 */
export async function suspendVolunteer(db: Database, networkId: string, volunteerId: string, coordinator: string): Promise<SuspensionResult> {
  return db.transaction(async (tx) => {
    const { count } = await tx.prisma.volunteerNetwork.updateMany({ where: { volunteerId, networkId, status: "APPROVED" }, data: { status: "SUSPENDED", decidedBy: coordinator, decidedAt: new Date() } });
    const membership = await membershipOf(tx, networkId, volunteerId);
    if (!membership) return { kind: "not-found" };
    if (count === 0) return { kind: "not-possible", status: membership.status };
    await closeOpenOffers(tx, { volunteerId, networkId }, "WITHDRAWN", "offer.withdrawn");
    const matched = await requestsWhere(tx, `status = 'MATCHED' AND "volunteerId" = $1 AND "networkId" = $2`, [volunteerId, networkId], 100);
    const now = new Date();
    for (const request of matched) {
      const parties = await partiesOf(tx, request);
      await tx.prisma.offer.updateMany({ where: { requestId: request.id, volunteerId, status: "ACCEPTED" }, data: { status: "WITHDRAWN" } });
      await updateRequest(tx, request.id, { status: "SEARCHING", volunteerId: null, matchedAt: null, confirmedAt: null, remindedEveningAt: null, remindedHourAt: null, nextWaveAt: now, nextTickAt: now });
      await endRelay(tx, request.id);
      await wakeRequest(tx, request, now);
      if (parties.newcomer) {
        await tell(tx, parties.newcomer.telegramId, { kind: "send", locale: parties.newcomer.locale, parts: [t("request.searchingAgain", { reference: request.reference })] });
      }
      await updateEscalation(tx, request);
    }
    const { volunteer } = membership;
    const locale = localeOr(volunteer.user.locale);
    await tell(tx, volunteer.user.telegramId, { kind: "send", locale, parts: [await decisionText(tx, networkId, "volunteer.suspended", volunteer.firstName)] });
    if (!(await approvedAnywhere(tx, volunteerId))) await tell(tx, volunteer.user.telegramId, { kind: "commands", set: "default", locale });
    return { kind: "suspended", reopened: matched.length };
  });
}

/** A town's coordinator lets a volunteer they suspended help again. */
export async function reactivateVolunteer(db: Database, networkId: string, volunteerId: string, coordinator: string): Promise<SuspensionResult> {
  return db.transaction(async (tx) => {
    const { count } = await tx.prisma.volunteerNetwork.updateMany({ where: { volunteerId, networkId, status: "SUSPENDED" }, data: { status: "APPROVED", decidedBy: coordinator, decidedAt: new Date() } });
    const membership = await membershipOf(tx, networkId, volunteerId);
    if (!membership) return { kind: "not-found" };
    if (count === 0) return { kind: "not-possible", status: membership.status };
    const { volunteer } = membership;
    const locale = localeOr(volunteer.user.locale);
    await tell(tx, volunteer.user.telegramId, { kind: "send", locale, parts: [await decisionText(tx, networkId, "volunteer.reactivated", volunteer.firstName)] });
    await tell(tx, volunteer.user.telegramId, { kind: "commands", set: "volunteer", locale });
    return { kind: "reactivated" };
  });
}
