import type { Database, Queryable } from "./db.js";
import { t } from "./messages.js";
import { introduce } from "./offers.js";
import { tellCoordinators } from "./networks.js";
import { tell, wakeRequest } from "./outbox.js";
import { lockRequest, partiesOf, updateRequest, type Request } from "./request-store.js";

export type ConfirmResult = { kind: "confirmed" | "rejected" } | { kind: "already-decided" } | { kind: "not-found" };

/** A coordinator confirms a mentoring match: only now are the two introduced and the relay opened. */
export async function confirmMentoring(db: Database, networkId: string, requestId: string): Promise<ConfirmResult> {
  return db.transaction(async (tx) => {
    const request = await lockRequest(tx, requestId);
    if (!request || request.kind !== "MENTORING" || request.networkId !== networkId) return { kind: "not-found" };
    if (request.status !== "MATCHED" || request.confirmedAt !== null) return { kind: "already-decided" };
    await updateRequest(tx, requestId, { confirmedAt: new Date() });
    await introduce(tx, requestId, t("offer.confirmed", { reference: request.reference }));
    await updateConfirmation(tx, request);
    return { kind: "confirmed" };
  });
}

/**
 * A coordinator does not confirm: the volunteer is told kindly, the newcomer hears that the search goes
 * on, and the next wave goes out now.
 */
export async function rejectMentoring(db: Database, networkId: string, requestId: string): Promise<ConfirmResult> {
  return db.transaction(async (tx) => {
    const request = await lockRequest(tx, requestId);
    if (!request || request.kind !== "MENTORING" || request.networkId !== networkId) return { kind: "not-found" };
    if (request.status !== "MATCHED" || request.confirmedAt !== null) return { kind: "already-decided" };
    const parties = await partiesOf(tx, request);
    const now = new Date();
    await updateRequest(tx, requestId, { status: "SEARCHING", volunteerId: null, matchedAt: null, nextWaveAt: now, nextTickAt: now });
    await tx.prisma.offer.updateMany({ where: { requestId, status: "ACCEPTED" }, data: { status: "DECLINED" } });
    if (parties.volunteer) {
      await tell(tx, parties.volunteer.telegramId, { kind: "send", locale: parties.volunteer.locale, parts: [t("offer.notConfirmed", { reference: request.reference })] });
    }
    if (parties.newcomer) {
      await tell(tx, parties.newcomer.telegramId, { kind: "send", locale: parties.newcomer.locale, parts: [t("request.stillSearching", { reference: request.reference })] });
    }
    await wakeRequest(tx, request, now);
    await updateConfirmation(tx, request);
    return { kind: "rejected" };
  });
}

async function updateConfirmation(q: Queryable, request: Pick<Request, "id" | "networkId" | "confirmationOutboxId">): Promise<void> {
  if (request.confirmationOutboxId === null) return;
  await tellCoordinators(q, request.networkId, { kind: "update", template: "mentoring-confirmation", id: request.id, outboxId: String(request.confirmationOutboxId) });
}

/** What the coordinators' card of a mentoring match shows besides the request: topic, who offered, whether confirmed. */
export async function mentoringOverview(db: Queryable, networkId: string, requestId: string): Promise<{ topic: string | null; confirmedAt: Date | null; volunteerName: string | null } | undefined> {
  const [row] = await db.sql<{ topic: string | null; confirmedAt: Date | null; volunteerName: string | null }>(
    `SELECT r.topic, r."confirmedAt", v."firstName" AS "volunteerName" FROM "HelpRequest" r LEFT JOIN "Volunteer" v ON v.id = r."volunteerId" WHERE r.id = $1 AND r."networkId" = $2`,
    [requestId, networkId],
  );
  return row;
}
