import { randomInt } from "node:crypto";
import type { Database, DbOrTx } from "./db.js";
import { closeOpenOffers, deadlineFor, newId, updateEscalation } from "./dispatch.js";
import { LOCALES } from "./i18n.js";
import { t, type Label } from "./messages.js";
import { tellCoordinators } from "./networks.js";
import { tell, type TelegramIntent, type WakeUp } from "./outbox.js";
import { endRelay } from "./relay.js";
import { lockRequest, partiesOf, requestsWhere, updateRequest, type RequestKind, type RequestStatus } from "./request-store.js";
import { summary } from "./request-summary.js";
import type { CoreSettings } from "./settings.js";

/** What the newcomer told the bot, checked by the dialogue. */
export type RequestDraft = {
  kind: "MEDIATION" | "LEISURE" | "MENTORING";
  language: string;
  purpose?: string;
  mode?: string;
  /** Undefined: as soon as possible. */
  appointmentAt?: Date;
  district?: string;
  place?: string;
  note?: string;
  /** Telegram message ids in the newcomer's chat (a photo of a letter, a voice note), relayed to the volunteer. */
  attachments?: { messageId: number; kind: "photo" | "voice" }[];
  interests?: string[];
  availability?: string[];
  topic?: string;
  genderPreference?: string;
};

export type CreateResult =
  | { kind: "created"; requestId: string; reference: string }
  | { kind: "exists"; requestId: string; reference: string }
  /** Too many of this kind open at once, or too many today: volunteers' time is not spent on duplicates. */
  | { kind: "limit"; which: "open" | "day"; max: number }
  /** The newcomer has not said where they live: the request would reach no town's volunteers. */
  | { kind: "no-town" }
  | { kind: "no-consent" };

/** Unambiguous characters: no 0/O, 1/I/L. */
const REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

export function newReference(): string {
  const pick = () => REFERENCE_ALPHABET.charAt(randomInt(REFERENCE_ALPHABET.length));
  return `${pick()}${pick()}${pick()}-${pick()}${pick()}${pick()}`;
}

/**
 * Stores a newcomer's request and starts the search; the newcomer is told it was received only once it
 * is committed (the message is part of the same transaction). Confirming twice (`idempotencyKey`)
 * creates one request. A newcomer has at most `limits.openPerKind` open requests of a kind and makes at
 * most `limits.perDay` a day; reaching a limit is said to them, and to the coordinators once a day.
 *
 * @example
 * await createRequest(db, 4711, { kind: "MEDIATION", language: "ar", purpose: "JOBCENTER", mode: "IN_PERSON" }, "4711:ab12", settings);
 */
export async function createRequest(db: Database, telegramId: number, draft: RequestDraft, idempotencyKey: string, settings: CoreSettings): Promise<CreateResult> {
  for (let attempt = 0; ; attempt++) {
    const now = new Date();
    const deadlineAt = deadlineFor(now, draft.appointmentAt, settings.dispatch);
    const escalateAt = new Date(Math.min(now.getTime() + settings.dispatch.escalateAfterMs, deadlineAt.getTime()));
    const request = { id: newId(), reference: newReference() };
    const received: TelegramIntent = {
      kind: "send",
      locale: "de", // replaced by the newcomer's language in the statement
      parts: [t(`request.received.${draft.kind}`, { reference: request.reference })],
      keyboard: [[{ ...t("request.myRequests"), action: { do: "open", screen: "my-requests" } }], [{ ...t("menu.back"), action: { do: "open", screen: "menu" } }]],
    };
    // Its network is the newcomer's town, which the statement finds.
    const firstTick: WakeUp = { wake: "request", id: request.id, at: now.toISOString(), network: "" };
    let row:
      | {
          existingId: string | null;
          existingReference: string | null;
          consented: boolean;
          newcomerId: string | null;
          networkId: string | null;
          open: number;
          today: number;
          createdId: string | null;
          receivedId: string | null;
        }
      | undefined;
    try {
      // One statement (atomic by itself, no transaction round trips): at peaks dozens of newcomers confirm
      // within a second. It stores the request with its "received" message and its first tick, unless
      // this confirmation was seen before or the person has not agreed to the privacy notice.
      [row] = await db.sql(
        `WITH newcomer AS (
           SELECT id, "networkId", CASE WHEN locale = ANY($20::text[]) THEN locale ELSE 'de' END AS locale
           FROM "TelegramUser" WHERE "telegramId" = $21 AND "consentAt" IS NOT NULL
         ), existing AS (
           SELECT id, reference FROM "HelpRequest" WHERE "idempotencyKey" = $3
         ), counts AS (
           SELECT count(*) FILTER (WHERE r.status IN ('SEARCHING', 'MATCHED') AND r.kind = $4::"RequestKind")::int AS open,
             count(*) FILTER (WHERE r."createdAt" > now() - interval '1 day')::int AS today
           FROM "HelpRequest" r JOIN newcomer n ON r."newcomerId" = n.id
         ), request AS (
           INSERT INTO "HelpRequest" (id, "networkId", reference, "idempotencyKey", kind, "newcomerId", locale, language, purpose, mode, "appointmentAt", district,
             place, note, attachments, interests, availability, topic, "genderPreference", "nextWaveAt", "escalateAt", "deadlineAt", "nextTickAt")
           SELECT $1, n."networkId", $2, $3, $4::"RequestKind", n.id, n.locale, $5, $6, $7, $8, $9, $10, $11, $12::jsonb, $13::text[], $14::text[], $15, $16, $17, $18, $19, $17
           FROM newcomer n, counts c WHERE n."networkId" IS NOT NULL AND NOT EXISTS (SELECT 1 FROM existing) AND c.open < $24 AND c.today < $25
           ON CONFLICT ("idempotencyKey") DO NOTHING
           RETURNING id, locale, "networkId"
         ), received AS (
           INSERT INTO "Outbox" (channel, recipient, payload)
           SELECT 'TELEGRAM', $22, jsonb_set($23::jsonb, '{locale}', to_jsonb(r.locale)) FROM request r
           RETURNING id
         )
         SELECT (SELECT id FROM existing) AS "existingId", (SELECT reference FROM existing) AS "existingReference",
           EXISTS (SELECT 1 FROM newcomer) AS consented, (SELECT id FROM newcomer) AS "newcomerId", (SELECT "networkId" FROM newcomer) AS "networkId",
           (SELECT open FROM counts) AS open, (SELECT today FROM counts) AS today, (SELECT id FROM request) AS "createdId",
           (SELECT id::text FROM received) AS "receivedId"`,
        [
          request.id,
          request.reference,
          idempotencyKey,
          draft.kind,
          draft.language,
          draft.purpose ?? null,
          draft.mode ?? null,
          draft.appointmentAt ?? null,
          draft.district ?? null,
          draft.place ?? null,
          draft.note ?? null,
          draft.attachments?.length ? JSON.stringify(draft.attachments) : null,
          draft.interests ?? [],
          draft.availability ?? [],
          draft.topic ?? null,
          draft.genderPreference ?? null,
          now,
          escalateAt,
          deadlineAt,
          [...LOCALES],
          telegramId,
          String(telegramId),
          JSON.stringify(received),
          settings.limits.openPerKind,
          settings.limits.perDay,
        ],
      );
    } catch (error) {
      // A reference already taken (rare): draw another.
      if (!isUniqueViolation(error) || attempt >= 3) throw error;
      continue;
    }
    if (row?.existingId && row.existingReference) return { kind: "exists", requestId: row.existingId, reference: row.existingReference };
    if (!row?.consented) return { kind: "no-consent" };
    if (!row.networkId) return { kind: "no-town" };
    if (row.createdId && row.receivedId) {
      // The first tick needs no row: the request's nextTickAt is the record the sweep goes by.
      await db.told([
        { id: BigInt(row.receivedId), channel: "TELEGRAM" },
        { channel: "JOB", wakeUp: { ...firstTick, network: row.networkId } },
      ]);
      return { kind: "created", requestId: row.createdId, reference: request.reference };
    }
    if (row.newcomerId && (row.open >= settings.limits.openPerKind || row.today >= settings.limits.perDay)) {
      await noteLimitOnce(db, row.newcomerId, row.networkId);
      return row.open >= settings.limits.openPerKind ? { kind: "limit", which: "open", max: settings.limits.openPerKind } : { kind: "limit", which: "day", max: settings.limits.perDay };
    }
    // The same confirmation committed by a parallel update in the meantime: the next round finds it.
    if (attempt >= 3) throw new Error("request neither created nor found");
  }
}

/** Coordinators hear once a day that a newcomer keeps asking beyond the limit (someone may need a call). */
async function noteLimitOnce(db: Database, newcomerId: string, networkId: string): Promise<void> {
  const first = await db.sql(
    `INSERT INTO "RateLimitHit" (key, count, "expiresAt") VALUES ($1, 1, now() + interval '1 day') ON CONFLICT (key) DO NOTHING RETURNING key`,
    [`limit-note:${newcomerId}`],
  );
  if (first.length > 0) await tellCoordinators(db, networkId, { kind: "post", template: "request-limit", id: newcomerId });
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "23505";
}

export type RequestListItem = {
  id: string;
  reference: string;
  kind: RequestKind;
  status: RequestStatus;
  language: string;
  purpose: string | null;
  appointmentAt: Date | null;
  volunteerName: string | null;
  createdAt: Date;
};

/** A newcomer's requests: the open ones and the last few closed ones. */
export async function requestsOf(db: DbOrTx, telegramId: number): Promise<RequestListItem[]> {
  const rows = await db.prisma.helpRequest.findMany({
    where: { newcomer: { telegramId } },
    orderBy: { createdAt: "desc" },
    take: 8,
    select: { id: true, reference: true, kind: true, status: true, language: true, purpose: true, appointmentAt: true, createdAt: true, volunteer: { select: { firstName: true } } },
  });
  return rows.map(({ volunteer, ...row }) => ({ ...row, volunteerName: volunteer?.firstName ?? null }));
}

export type CancelResult = { kind: "cancelled"; reference: string; hadVolunteer: boolean } | { kind: "not-open"; status: string } | { kind: "not-found" };

/**
 * The newcomer cancels: offers still out are withdrawn (their messages say so), a volunteer who already
 * accepted is told, the relay closes, reminders stop.
 */
export async function cancelRequest(db: Database, requestId: string, telegramId: number): Promise<CancelResult> {
  return db.transaction(async (tx) => {
    const request = await lockRequest(tx, requestId);
    const parties = request ? await partiesOf(tx, request) : {};
    if (!request || parties.newcomer?.telegramId !== BigInt(telegramId)) return { kind: "not-found" };
    if (request.status !== "SEARCHING" && request.status !== "MATCHED") return { kind: "not-open", status: request.status };
    await updateRequest(tx, request.id, { status: "CANCELLED", closedAt: new Date(), nextTickAt: null });
    await closeOpenOffers(tx, { requestId: request.id }, "WITHDRAWN", "offer.withdrawn");
    if (parties.volunteer) {
      await tell(tx, parties.volunteer.telegramId, { kind: "send", locale: parties.volunteer.locale, parts: [t("request.cancelledForVolunteer", { reference: request.reference })] });
    }
    await tell(tx, parties.newcomer.telegramId, {
      kind: "send",
      locale: parties.newcomer.locale,
      parts: [t("request.cancelled", { reference: request.reference })],
      keyboard: [[{ ...t("menu.back"), action: { do: "open", screen: "menu" } }]],
    });
    await endRelay(tx, request.id);
    await updateEscalation(tx, request);
    return { kind: "cancelled", reference: request.reference, hadVolunteer: parties.volunteer !== undefined };
  });
}

export type CompleteResult = { kind: "done"; reference: string } | { kind: "not-yours" } | { kind: "not-open"; status: string } | { kind: "not-confirmed" };

/**
 * `/done`: the volunteer reports the job done and the hours it took (funders ask for volunteer hours). A
 * mentoring match no coordinator has confirmed yet is not the mentor's to close.
 */
export async function completeRequest(db: Database, requestId: string, telegramId: number, hours: number): Promise<CompleteResult> {
  return db.transaction(async (tx) => {
    const request = await lockRequest(tx, requestId);
    const parties = request ? await partiesOf(tx, request) : {};
    if (!request || parties.volunteer?.telegramId !== BigInt(telegramId)) return { kind: "not-yours" };
    if (request.status !== "MATCHED") return { kind: "not-open", status: request.status };
    if (request.confirmedAt === null) return { kind: "not-confirmed" };
    await updateRequest(tx, requestId, { status: "DONE", closedAt: new Date(), nextTickAt: null, hoursSpent: hours });
    if (parties.newcomer) {
      await tell(tx, parties.newcomer.telegramId, {
        kind: "send",
        locale: parties.newcomer.locale,
        parts: [t("request.done", { reference: request.reference, name: parties.volunteer.firstName })],
        keyboard: [[{ ...t("menu.back"), action: { do: "open", screen: "menu" } }]],
        quotes: [String(parties.volunteer.telegramId)],
      });
    }
    await endRelay(tx, request.id);
    return { kind: "done", reference: request.reference };
  });
}

export type JobListItem = {
  id: string;
  reference: string;
  summary: Label[];
  status: RequestStatus;
  /** A mentoring match waiting for the coordinators: no chat and no `/done` before they confirm. */
  awaitingConfirmation: boolean;
};

/** `/myjobs`: a volunteer's matched jobs, newest first. */
export async function jobsOf(db: DbOrTx, telegramId: number): Promise<JobListItem[]> {
  const jobs = await requestsWhere(
    db,
    `status IN ('MATCHED', 'DONE') AND "volunteerId" = (SELECT v.id FROM "Volunteer" v JOIN "TelegramUser" u ON u.id = v."userId" WHERE u."telegramId" = $1)`,
    [telegramId],
    10,
    `"matchedAt" DESC`,
  );
  return jobs.map((r) => ({ id: r.id, reference: r.reference, summary: summary(r), status: r.status, awaitingConfirmation: r.status === "MATCHED" && r.confirmedAt === null }));
}

/** A newcomer's open requests, for the coordinators' note when someone keeps asking beyond the limit. */
export async function openRequestsOfNewcomer(db: DbOrTx, networkId: string, newcomerId: string): Promise<{ reference: string; kind: RequestKind; status: RequestStatus }[]> {
  return (await requestsWhere(db, `"newcomerId" = $1 AND "networkId" = $2 AND status IN ('SEARCHING', 'MATCHED')`, [newcomerId, networkId], 20)).map(({ reference, kind, status }) => ({ reference, kind, status }));
}
