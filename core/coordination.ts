import type { Database } from "./db.js";
import { giveUp, sendOffers } from "./dispatch.js";
import { truncate } from "./long-text.js";
import { candidates, circleFor } from "./matching.js";
import { lockRequest, readRequest, updateRequest, type Request } from "./request-store.js";
import type { CoreSettings } from "./settings.js";

/** What coordinators do with a request nobody has taken: in the Slack alert. */

export type OfferToAllResult = { kind: "offered"; count: number } | { kind: "not-searching"; status: string };

/**
 * A coordinator's "offer to all": every approved volunteer with the role and language who has not had it
 * yet gets the offer now, regardless of district, capacity and quiet time.
 */
export async function offerToAll(db: Database, networkId: string, requestId: string, settings: CoreSettings): Promise<OfferToAllResult> {
  return db.transaction(async (tx) => {
    const request = await lockRequest(tx, requestId);
    if (!request || request.networkId !== networkId) return { kind: "not-searching", status: "MISSING" };
    if (request.status !== "SEARCHING") return { kind: "not-searching", status: request.status };
    const { volunteers } = await candidates(tx, request, circleFor(request, "everyone", settings.dispatch), 10_000);
    const count = await sendOffers(tx, request, volunteers, request.wave + 1);
    await updateRequest(tx, request.id, { wave: request.wave + (count > 0 ? 1 : 0), widened: true });
    return { kind: "offered", count };
  });
}

/** A coordinator closes a search that cannot succeed, with an internal note. */
export async function closeUnmatched(db: Database, networkId: string, requestId: string, note: string): Promise<{ kind: "closed" | "not-searching" }> {
  return db.transaction(async (tx) => {
    const request = await lockRequest(tx, requestId);
    if (!request || request.networkId !== networkId || request.status !== "SEARCHING") return { kind: "not-searching" };
    await giveUp(tx, request, truncate(note, 500));
    return { kind: "closed" };
  });
}

/** What coordinators see about a request in Slack: anonymised, with the state of the search. */
export type RequestOverview = Pick<Request, "id" | "reference" | "kind" | "status" | "language" | "purpose" | "mode" | "appointmentAt" | "district" | "districtName" | "wave" | "widened"> & {
  createdAt: Date;
  offers: { open: number; declined: number; total: number };
  closingNote: string | null;
};

/** A request of a network as its coordinators see it; undefined for another network's. */
export async function requestOverview(db: Database, networkId: string, id: string): Promise<RequestOverview | undefined> {
  const request = await readRequest(db, id);
  if (!request || request.networkId !== networkId) return undefined;
  const [row] = await db.sql<{ createdAt: Date; closingNote: string | null; open: number; declined: number; total: number }>(
    `SELECT r."createdAt", r."closingNote",
       count(o.id) FILTER (WHERE o.status = 'OPEN')::int AS open,
       count(o.id) FILTER (WHERE o.status = 'DECLINED')::int AS declined,
       count(o.id)::int AS total
     FROM "HelpRequest" r LEFT JOIN "Offer" o ON o."requestId" = r.id WHERE r.id = $1 GROUP BY r.id`,
    [id],
  );
  const { reference, kind, status, language, purpose, mode, appointmentAt, district, districtName, wave, widened } = request;
  return {
    id,
    reference,
    kind,
    status,
    language,
    purpose,
    mode,
    appointmentAt,
    district,
    districtName,
    wave,
    widened,
    createdAt: row?.createdAt ?? new Date(),
    closingNote: row?.closingNote ?? null,
    offers: { open: row?.open ?? 0, declined: row?.declined ?? 0, total: row?.total ?? 0 },
  };
}
