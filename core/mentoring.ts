import { type Db, transaction, type Tx } from "./db.js";
import { localeOr, partiesOf, requestSelect, scheduleTick, type DispatchSettings } from "./dispatch.js";
import { t } from "./messages.js";
import { introduce, MENTORING_TEMPLATE } from "./offers.js";
import { tell, tellSlack } from "./outbox.js";

export type ConfirmResult = { kind: "confirmed" | "rejected" } | { kind: "already-decided" } | { kind: "not-found" };

/**
 * A coordinator confirms a mentoring match: only now are the two introduced and the relay opened.
 */
export async function confirmMentoring(db: Db, requestId: string, settings: Pick<DispatchSettings, "coordinatorChannel">): Promise<ConfirmResult> {
  return transaction(db, async (tx) => {
    const request = await tx.helpRequest.findUnique({ where: { id: requestId }, select: { ...requestSelect, confirmationOutboxId: true } });
    if (!request || request.kind !== "MENTORING") return { kind: "not-found" };
    const { count } = await tx.helpRequest.updateMany({ where: { id: requestId, status: "MATCHED", confirmedAt: null }, data: { confirmedAt: new Date() } });
    if (count === 0) return { kind: "already-decided" };
    await introduce(tx, requestId, t("offer.confirmed", { reference: request.reference }));
    await updateConfirmation(tx, request, settings);
    return { kind: "confirmed" };
  });
}

/**
 * A coordinator does not confirm: the volunteer is told kindly, the newcomer hears that the search goes
 * on, and the next wave goes out now.
 */
export async function rejectMentoring(db: Db, requestId: string, settings: Pick<DispatchSettings, "coordinatorChannel">): Promise<ConfirmResult> {
  return transaction(db, async (tx) => {
    const request = await tx.helpRequest.findUnique({ where: { id: requestId }, select: { ...requestSelect, confirmationOutboxId: true } });
    if (!request || request.kind !== "MENTORING") return { kind: "not-found" };
    const parties = await partiesOf(tx, request);
    const now = new Date();
    const { count } = await tx.helpRequest.updateMany({
      where: { id: requestId, status: "MATCHED", confirmedAt: null },
      data: { status: "SEARCHING", volunteerId: null, matchedAt: null, nextWaveAt: now },
    });
    if (count === 0) return { kind: "already-decided" };
    await tx.offer.updateMany({ where: { requestId, status: "ACCEPTED" }, data: { status: "DECLINED" } });
    if (parties.volunteer) {
      await tell(tx, parties.volunteer.telegramId, { kind: "send", locale: parties.volunteer.locale, parts: [t("offer.notConfirmed", { reference: request.reference })] });
    }
    if (parties.newcomer) {
      await tell(tx, parties.newcomer.telegramId, { kind: "send", locale: localeOr(request.locale), parts: [t("request.stillSearching", { reference: request.reference })] });
    }
    await scheduleTick(tx, requestId, now);
    await updateConfirmation(tx, request, settings);
    return { kind: "rejected" };
  });
}

async function updateConfirmation(
  tx: Tx,
  request: { id: string; confirmationOutboxId: bigint | null },
  settings: Pick<DispatchSettings, "coordinatorChannel">,
): Promise<void> {
  if (request.confirmationOutboxId === null) return;
  await tellSlack(tx, settings.coordinatorChannel, { kind: "update", template: MENTORING_TEMPLATE, id: request.id, outboxId: String(request.confirmationOutboxId) });
}
