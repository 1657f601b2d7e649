import { randomBytes } from "node:crypto";
import { sql, sqlTransaction, type Db, type Queryable, transaction } from "./db.js";
import { isLocale, type Locale } from "./i18n.js";
import { t, type Label } from "./messages.js";
import { scheduleJob, tell, tellMany, tellSlack, type JobIntent } from "./outbox.js";
import type { Role } from "./vocabulary.js";

/** Times and sizes of the search for a volunteer; all configurable. */
export type DispatchSettings = {
  /** Volunteers offered a request at once. */
  waveSize: number;
  waveIntervalMs: number;
  /** Waves with the strict criteria before the circle widens (basic language level, any district, by phone). */
  strictWaves: number;
  /** When coordinators get an alert in Slack if nobody has accepted. */
  escalateAfterMs: number;
  /** Longest search for "as soon as possible". */
  searchTimeoutMs: number;
  /** The search for an appointment ends this long before it, so the newcomer can still look elsewhere. */
  stopBeforeAppointmentMs: number;
  /** Nobody gets another offer within this time after their last one. */
  quietMs: number;
  /** Reminders: the evening before (at this hour, network time) and this long before the appointment. */
  reminderEveningHour: number;
  reminderBeforeMs: number;
  coordinatorChannel: string;
  timeZone: string;
};

/** The queue that runs each request's state machine. */
export const DISPATCH_QUEUE = "dispatch";
/** Slack template of the "nobody has accepted yet" alert. */
export const ESCALATION_TEMPLATE = "request-escalation";

const ROLE_OF_KIND = { MEDIATION: "INTERPRETER", LEISURE: "LEISURE_BUDDY", MENTORING: "MENTOR" } as const satisfies Record<string, Role>;

export type RequestRow = {
  id: string;
  reference: string;
  kind: "MEDIATION" | "LEISURE" | "MENTORING";
  status: "SEARCHING" | "MATCHED" | "DONE" | "CANCELLED" | "UNMATCHED";
  locale: string;
  language: string;
  purpose: string | null;
  mode: string | null;
  appointmentAt: Date | null;
  district: string | null;
  wave: number;
  widened: boolean;
  escalatedAt: Date | null;
  nextWaveAt: Date | null;
  escalateAt: Date | null;
  deadlineAt: Date | null;
  matchedAt: Date | null;
  remindedEveningAt: Date | null;
  remindedHourAt: Date | null;
  escalationOutboxId: bigint | null;
  interests: string[];
  topic: string | null;
  genderPreference: string | null;
  newcomerId: string | null;
  volunteerId: string | null;
};

export const requestSelect = {
  id: true,
  reference: true,
  kind: true,
  status: true,
  locale: true,
  language: true,
  purpose: true,
  mode: true,
  appointmentAt: true,
  district: true,
  wave: true,
  widened: true,
  escalatedAt: true,
  nextWaveAt: true,
  escalateAt: true,
  deadlineAt: true,
  matchedAt: true,
  remindedEveningAt: true,
  remindedHourAt: true,
  escalationOutboxId: true,
  interests: true,
  topic: true,
  genderPreference: true,
  newcomerId: true,
  volunteerId: true,
} as const;

export const localeOr = (value: string | null | undefined): Locale => (isLocale(value) ? value : "de");

/** An id that fits in Telegram's 64-byte callback data with room to spare. */
export const newId = () => randomBytes(12).toString("base64url");

/**
 * The anonymised summary of a request that volunteers see in an offer: language, purpose, mode, time,
 * district – never a name, a note, a place or a photo.
 */
export function summary(
  request: Pick<RequestRow, "kind" | "language" | "purpose" | "mode" | "appointmentAt" | "district" | "reference"> & Partial<Pick<RequestRow, "interests" | "topic">>,
): Label[] {
  const when: Label = request.appointmentAt ? { dateTime: request.appointmentAt.toISOString() } : t("mediation.asap");
  const lines: Label[] = [
    t("summary.reference", { reference: request.reference }),
    t("summary.language", { language: { language: request.language } }),
  ];
  if (request.purpose) lines.push(t("summary.purpose", { purpose: t(`mediation.purpose.${request.purpose}`) }));
  if (request.mode) lines.push(t("summary.mode", { mode: t(`mediation.mode.${request.mode}`) }));
  if (request.topic) lines.push(t("summary.topic", { topic: t(`mentoring.topic.${request.topic}`) }));
  if (request.interests?.length) lines.push({ lines: [t("summary.interests"), ...request.interests.map((i) => t(`leisure.interest.${i}`))] });
  if (request.kind !== "MEDIATION") return lines;
  lines.push(t("summary.when", { when }));
  if (request.district) lines.push(t("summary.district", { district: { text: districtName(request.district) } }));
  return lines;
}

function districtName(code: string): string {
  return code.charAt(0) + code.slice(1).toLowerCase();
}

/** Schedules the request's next tick (the queue job id makes a second schedule for the same time harmless). */
export async function scheduleTick(tx: Queryable, requestId: string, at: Date): Promise<void> {
  await sql(tx, `UPDATE "HelpRequest" SET "nextTickAt" = $2 WHERE id = $1`, [requestId, at]);
  await scheduleJob(tx, tickIntent(requestId, at));
}

/** The queue job that runs a request's state machine at `at`. */
export function tickIntent(requestId: string, at: Date): JobIntent {
  return { kind: "add", queue: DISPATCH_QUEUE, name: "tick", jobId: tickJobId(requestId, at), data: { requestId }, at: at.toISOString() };
}

export const tickJobId = (requestId: string, at: Date) => `tick-${requestId}-${at.getTime()}`;

type Candidate = { id: string; telegramId: bigint; locale: string | null };

type Circle = { widened: boolean; everyone: boolean };

/**
 * Volunteers for the next wave: approved, not paused, the right role and language, capacity left in the
 * last seven days, not yet offered this request, not offered anything within the quiet time; in person
 * only those who go to the district. Least recently assigned first.
 * The widened circle also takes a basic language level and volunteers elsewhere or by phone;
 * "everyone" (a coordinator's decision) ignores capacity and quiet time too.
 */
async function candidates(tx: Queryable, request: RequestRow, circle: Circle, settings: DispatchSettings, limit: number): Promise<Candidate[]> {
  const role = ROLE_OF_KIND[request.kind];
  const levels = circle.widened || circle.everyone ? ["BASIC", "GOOD", "FLUENT", "NATIVE"] : ["GOOD", "FLUENT", "NATIVE"];
  // Everyone speaks German; for company in free time or a mentor, the widened circle takes any language.
  const anyLanguage = request.language === "de" || (request.kind !== "MEDIATION" && (circle.widened || circle.everyone));
  const gender = request.kind === "MENTORING" ? request.genderPreference : null;
  const inPerson = request.mode === "IN_PERSON" || (request.mode === null && request.district !== null);
  const placeMatters = inPerson && !circle.widened && !circle.everyone;
  const rows = await sql<{ id: string; telegramId: string; locale: string | null }>(
    tx,
    `SELECT v.id, u."telegramId"::text AS "telegramId", u.locale
     FROM "Volunteer" v
     JOIN "TelegramUser" u ON u.id = v."userId"
     WHERE v.status = 'APPROVED' AND NOT v.paused AND $1::text = ANY(v.roles)
       AND u.id IS DISTINCT FROM $2::text
       AND ($3::boolean OR EXISTS (
         SELECT 1 FROM "VolunteerLanguage" l
         WHERE l."volunteerId" = v.id AND l.language = $4::text AND l.level = ANY($5::text[])))
       AND ($6::text IS NULL OR v.gender = $6::text)
       AND NOT EXISTS (SELECT 1 FROM "Offer" o WHERE o."requestId" = $7::text AND o."volunteerId" = v.id)
       AND ($8::boolean OR (
         SELECT count(*) FROM "HelpRequest" r
         WHERE r."volunteerId" = v.id AND r."matchedAt" > now() - interval '7 days') < v."weeklyCapacity")
       AND ($8::boolean OR v."lastOfferedAt" IS NULL
         OR v."lastOfferedAt" < now() - make_interval(secs => $9::float8))
       AND (NOT $10::boolean OR (NOT v."remoteOnly" AND $11::text = ANY(v.districts)))
     ORDER BY v."lastAssignedAt" ASC NULLS FIRST, v."lastOfferedAt" ASC NULLS FIRST, v."createdAt", v.id
     LIMIT $12`,
    [role, request.newcomerId, anyLanguage, request.language, levels, gender, request.id, circle.everyone, settings.quietMs / 1000, placeMatters, request.district, limit],
  );
  return rows.map((r) => ({ id: r.id, telegramId: BigInt(r.telegramId), locale: r.locale }));
}

/** Sends offers to `volunteers` in one transaction: offer rows and their messages commit together. */
async function sendOffers(tx: Queryable, request: RequestRow, volunteers: Candidate[], wave: number): Promise<number> {
  if (volunteers.length === 0) return 0;
  const offerIds = volunteers.map(() => newId());
  const outboxIds = await tellMany(
    tx,
    volunteers.map((volunteer, i) => ({
      recipient: volunteer.telegramId,
      intent: {
        kind: "send",
        locale: localeOr(volunteer.locale),
        parts: [t(`offer.new.${request.kind}`), ...summary(request)],
        keyboard: [[{ ...t("offer.accept"), data: `offer:accept:${offerIds[i]}` }, { ...t("offer.decline"), data: `offer:decline:${offerIds[i]}` }]],
      },
    })),
  );
  // The offers, and the volunteers' last offer time (fairness, quiet time), in one statement.
  await sql(
    tx,
    `WITH offers AS (
       INSERT INTO "Offer" (id, "requestId", "volunteerId", wave, "outboxId")
       SELECT o.id, $2, o."volunteerId", $3, o."outboxId" FROM unnest($1::text[], $4::text[], $5::bigint[]) AS o(id, "volunteerId", "outboxId")
     )
     UPDATE "Volunteer" SET "lastOfferedAt" = now() WHERE id = ANY($4::text[])`,
    [offerIds, request.id, wave, volunteers.map((v) => v.id), outboxIds.map(String)],
  );
  return volunteers.length;
}

const REQUEST_COLUMNS = `id, reference, kind::text AS kind, status::text AS status, locale, language, purpose, mode, "appointmentAt", district,
  wave, widened, "escalatedAt", "nextWaveAt", "escalateAt", "deadlineAt", "matchedAt", "remindedEveningAt", "remindedHourAt",
  "escalationOutboxId"::text AS "escalationOutboxId", interests, topic, "genderPreference", "newcomerId", "volunteerId"`;

/** Reads a request and locks it until the transaction ends: its state machine runs once at a time. */
async function lockRequest(tx: Queryable, requestId: string): Promise<RequestRow | undefined> {
  const [row] = await sql<Omit<RequestRow, "escalationOutboxId"> & { escalationOutboxId: string | null }>(
    tx,
    `SELECT ${REQUEST_COLUMNS} FROM "HelpRequest" WHERE id = $1 FOR UPDATE`,
    [requestId],
  );
  return row ? { ...row, escalationOutboxId: row.escalationOutboxId === null ? null : BigInt(row.escalationOutboxId) } : undefined;
}

/** Writes the given fields of a request (only these). */
async function updateRequest(tx: Queryable, id: string, fields: Record<string, unknown>): Promise<void> {
  const names = Object.keys(fields);
  if (names.length === 0) return;
  const assignments = names.map((name, i) => `"${name}" = $${i + 2}`).join(", ");
  await sql(tx, `UPDATE "HelpRequest" SET ${assignments} WHERE id = $1`, [id, ...names.map((name) => fields[name])]);
}

/** What one run of a request's state machine did. */
export type TickResult = {
  offered: number;
  escalated: boolean;
  gaveUp: boolean;
  reminded: ("evening" | "hour")[];
  nextTickAt: Date | null;
};

/**
 * Runs a request's state machine once, under a row lock, so that duplicate or overdue runs are
 * harmless: while searching, the next wave when due (widening after the strict waves), the coordinators'
 * alert when due, the honest answer at the deadline; once matched, the reminders. Schedules its own next run.
 */
export async function tick(db: Db, requestId: string, settings: DispatchSettings): Promise<TickResult> {
  // In SQL on the shared pool (core/db.ts): every request runs this at least once, fifty a second at peaks.
  return sqlTransaction(db, async (tx) => {
    const result: TickResult = { offered: 0, escalated: false, gaveUp: false, reminded: [], nextTickAt: null };
    const request = await lockRequest(tx, requestId);
    if (!request) return result;
    const now = new Date();

    if (request.status === "SEARCHING") {
      if (request.deadlineAt && request.deadlineAt <= now) {
        await giveUp(tx, request, settings, null);
        result.gaveUp = true;
        return result;
      }
      const update: { escalatedAt?: Date; escalationOutboxId?: string; wave?: number; widened?: boolean; nextWaveAt?: Date } = {};
      if (request.escalateAt && request.escalateAt <= now && !request.escalatedAt) {
        update.escalatedAt = now;
        update.escalationOutboxId = String(await tellSlack(tx, settings.coordinatorChannel, { kind: "post", template: ESCALATION_TEMPLATE, id: request.id }));
        result.escalated = true;
      }
      if (request.nextWaveAt && request.nextWaveAt <= now) {
        let widened = request.widened || request.wave >= settings.strictWaves;
        let volunteers = await candidates(tx, request, { widened, everyone: false }, settings, settings.waveSize);
        if (volunteers.length === 0 && !widened) {
          widened = true;
          volunteers = await candidates(tx, request, { widened, everyone: false }, settings, settings.waveSize);
        }
        result.offered = await sendOffers(tx, request, volunteers, request.wave + 1);
        if (result.offered > 0) update.wave = request.wave + 1;
        update.widened = widened;
        update.nextWaveAt = new Date(now.getTime() + settings.waveIntervalMs);
      }
      const escalateAt = (update.escalatedAt ?? request.escalatedAt) ? null : request.escalateAt;
      const next = earliest(update.nextWaveAt ?? request.nextWaveAt, escalateAt, request.deadlineAt);
      await updateRequest(tx, request.id, next ? { ...update, nextTickAt: next } : update);
      if (next) await scheduleJob(tx, tickIntent(request.id, next));
      result.nextTickAt = next;
      return result;
    }

    if (request.status === "MATCHED" && request.appointmentAt) {
      const due = reminderTimes(request, settings);
      const parties = await partiesOf(tx, request);
      for (const which of ["evening", "hour"] as const) {
        const at = due[which];
        const sent = which === "evening" ? request.remindedEveningAt : request.remindedHourAt;
        if (!at || sent || at > now || request.appointmentAt <= now) continue;
        await remind(tx, request, parties, which);
        await updateRequest(tx, request.id, which === "evening" ? { remindedEveningAt: now } : { remindedHourAt: now });
        result.reminded.push(which);
      }
      const upcoming = (["evening", "hour"] as const).flatMap((which) => {
        const at = due[which];
        const done = (which === "evening" ? request.remindedEveningAt : request.remindedHourAt) !== null || result.reminded.includes(which);
        return at && !done && at > now ? [at] : [];
      });
      const next = earliest(...upcoming);
      if (next) await scheduleTick(tx, request.id, next);
      else await updateRequest(tx, request.id, { nextTickAt: null });
      result.nextTickAt = next;
      return result;
    }

    await updateRequest(tx, request.id, { nextTickAt: null });
    return result;
  });
}

function earliest(...dates: (Date | null | undefined)[]): Date | null {
  const present = dates.filter((d): d is Date => d instanceof Date);
  return present.length === 0 ? null : new Date(Math.min(...present.map((d) => d.getTime())));
}

/**
 * When to remind: the evening before (at the configured hour, network time) and shortly before. A reminder
 * whose time had passed when the match was made is skipped – nobody needs "tomorrow" an hour before.
 */
export function reminderTimes(
  request: Pick<RequestRow, "appointmentAt" | "matchedAt">,
  settings: Pick<DispatchSettings, "reminderEveningHour" | "reminderBeforeMs" | "timeZone">,
): { evening: Date | null; hour: Date | null } {
  if (!request.appointmentAt) return { evening: null, hour: null };
  const appointment = request.appointmentAt;
  const matchedAt = request.matchedAt ?? new Date(0);
  const evening = eveningBefore(appointment, settings.reminderEveningHour, settings.timeZone);
  const hour = new Date(appointment.getTime() - settings.reminderBeforeMs);
  return {
    evening: evening > matchedAt && evening < hour ? evening : null,
    hour: hour > matchedAt ? hour : null,
  };
}

/** `hour`:00 on the day before `date`, in `timeZone`. */
export function eveningBefore(date: Date, hour: number, timeZone: string): Date {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).formatToParts(date).map((p) => [p.type, p.value]),
  );
  const dayBefore = new Date(Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day) - 1, hour, 0));
  return shiftToZone(dayBefore, timeZone);
}

/** Reads a UTC wall-clock time as wall-clock time in `timeZone`. */
export function shiftToZone(wallClockUtc: Date, timeZone: string): Date {
  const asZone = new Date(wallClockUtc.toLocaleString("en-US", { timeZone }));
  const asUtc = new Date(wallClockUtc.toLocaleString("en-US", { timeZone: "UTC" }));
  return new Date(wallClockUtc.getTime() - (asZone.getTime() - asUtc.getTime()));
}

type Parties = { newcomer?: { telegramId: bigint; locale: Locale }; volunteer?: { telegramId: bigint; locale: Locale; firstName: string } };

export async function partiesOf(tx: Queryable, request: Pick<RequestRow, "newcomerId" | "volunteerId" | "locale">): Promise<Parties> {
  const [row] = await sql<{ newcomerTelegramId: string | null; volunteerTelegramId: string | null; volunteerLocale: string | null; firstName: string | null }>(
    tx,
    `SELECT n."telegramId"::text AS "newcomerTelegramId", vu."telegramId"::text AS "volunteerTelegramId", vu.locale AS "volunteerLocale", v."firstName"
     FROM (SELECT 1) AS one
     LEFT JOIN "TelegramUser" n ON n.id = $1::text
     LEFT JOIN "Volunteer" v ON v.id = $2::text
     LEFT JOIN "TelegramUser" vu ON vu.id = v."userId"`,
    [request.newcomerId, request.volunteerId],
  );
  return {
    ...(row?.newcomerTelegramId ? { newcomer: { telegramId: BigInt(row.newcomerTelegramId), locale: localeOr(request.locale) } } : {}),
    ...(row?.volunteerTelegramId
      ? { volunteer: { telegramId: BigInt(row.volunteerTelegramId), locale: localeOr(row.volunteerLocale), firstName: row.firstName ?? "" } }
      : {}),
  };
}

async function remind(tx: Queryable, request: RequestRow, parties: Parties, which: "evening" | "hour"): Promise<void> {
  const when: Label = { dateTime: (request.appointmentAt ?? new Date()).toISOString() };
  if (parties.newcomer) {
    await tell(tx, parties.newcomer.telegramId, {
      kind: "send",
      locale: parties.newcomer.locale,
      parts: [t(`reminder.${which}.newcomer`, { when, name: parties.volunteer?.firstName ?? "", reference: request.reference })],
    });
  }
  if (parties.volunteer) {
    await tell(tx, parties.volunteer.telegramId, {
      kind: "send",
      locale: parties.volunteer.locale,
      parts: [t(`reminder.${which}.volunteer`, { when, reference: request.reference }), ...summary(request).slice(1)],
    });
  }
}

/** Edits every open offer of a request to `key` and closes it with `status`. */
export async function closeOpenOffers(tx: Queryable, requestId: string, status: "TAKEN" | "WITHDRAWN", key: string, except?: string): Promise<number> {
  const closed = await sql<{ outboxId: string | null; reference: string; telegramId: string; locale: string | null }>(
    tx,
    `UPDATE "Offer" o SET status = $2::"OfferStatus", "answeredAt" = now()
     FROM "HelpRequest" r, "Volunteer" v, "TelegramUser" u
     WHERE o."requestId" = $1 AND o.status = 'OPEN' AND o.id IS DISTINCT FROM $3::text
       AND r.id = o."requestId" AND v.id = o."volunteerId" AND u.id = v."userId"
     RETURNING o."outboxId"::text AS "outboxId", r.reference, u."telegramId"::text AS "telegramId", u.locale`,
    [requestId, status, except ?? null],
  );
  for (const offer of closed) {
    if (offer.outboxId === null) continue;
    await tell(tx, BigInt(offer.telegramId), {
      kind: "editSent",
      outboxId: offer.outboxId,
      locale: localeOr(offer.locale),
      parts: [t(key, { reference: offer.reference })],
    });
  }
  return closed.length;
}

/**
 * Nobody was found in time (or a coordinator closed the search): the newcomer hears it honestly, with
 * where else to turn, and open offers are withdrawn.
 */
export async function giveUp(tx: Queryable, request: RequestRow, settings: DispatchSettings, closingNote: string | null): Promise<void> {
  await sql(tx, `UPDATE "HelpRequest" SET status = 'UNMATCHED', "closedAt" = now(), "nextTickAt" = NULL, "closingNote" = $2 WHERE id = $1`, [request.id, closingNote]);
  await closeOpenOffers(tx, request.id, "WITHDRAWN", "offer.withdrawn");
  const parties = await partiesOf(tx, request);
  if (parties.newcomer) {
    await tell(tx, parties.newcomer.telegramId, {
      kind: "send",
      locale: parties.newcomer.locale,
      parts: [t(`request.unmatched.${request.kind}`, { reference: request.reference }), t("request.alternatives")],
      keyboard: [[{ ...t("menu.contacts"), data: "menu:contacts" }], [{ ...t("menu.back"), data: "menu:home" }]],
    });
  }
  await updateEscalation(tx, request, settings);
}

/** Brings the coordinators' alert about a request (if there is one) up to date. */
export async function updateEscalation(tx: Queryable, request: Pick<RequestRow, "id" | "escalationOutboxId">, settings: Pick<DispatchSettings, "coordinatorChannel">): Promise<void> {
  if (request.escalationOutboxId === null) return;
  await tellSlack(tx, settings.coordinatorChannel, {
    kind: "update",
    template: ESCALATION_TEMPLATE,
    id: request.id,
    outboxId: String(request.escalationOutboxId),
  });
}

/**
 * A coordinator's "offer to all": every approved volunteer with the role and language who has not had it
 * yet gets the offer now, regardless of district, capacity and quiet time.
 */
export async function offerToAll(db: Db, requestId: string, settings: DispatchSettings): Promise<{ kind: "offered"; count: number } | { kind: "not-searching"; status: string }> {
  return transaction(db, async (tx) => {
    const request = await lockRequest(tx, requestId);
    if (!request) return { kind: "not-searching", status: "MISSING" };
    if (request.status !== "SEARCHING") return { kind: "not-searching", status: request.status };
    const volunteers = await candidates(tx, request, { widened: true, everyone: true }, settings, 10_000);
    const count = await sendOffers(tx, request, volunteers, request.wave + 1);
    await updateRequest(tx, request.id, { wave: request.wave + (count > 0 ? 1 : 0), widened: true });
    return { kind: "offered", count };
  });
}

/** A coordinator closes a search that cannot succeed, with an internal note. */
export async function closeUnmatched(db: Db, requestId: string, note: string, settings: DispatchSettings): Promise<"closed" | "not-searching"> {
  return transaction(db, async (tx) => {
    const request = await lockRequest(tx, requestId);
    if (!request || request.status !== "SEARCHING") return "not-searching";
    await giveUp(tx, request, settings, note.slice(0, 500));
    return "closed";
  });
}

/** Requests whose next tick is overdue: their queue job was lost (a Redis restart) or never queued. */
export async function overdueTicks(db: Db, graceMs: number): Promise<{ id: string; nextTickAt: Date }[]> {
  const rows = await db.helpRequest.findMany({
    where: { status: { in: ["SEARCHING", "MATCHED"] }, nextTickAt: { lt: new Date(Date.now() - graceMs) } },
    select: { id: true, nextTickAt: true },
    orderBy: { nextTickAt: "asc" },
    take: 1000,
  });
  return rows.flatMap((r) => (r.nextTickAt ? [{ id: r.id, nextTickAt: r.nextTickAt }] : []));
}

/** What coordinators see about a request in Slack: anonymised, with the state of the search. */
export type RequestOverview = {
  id: string;
  reference: string;
  kind: RequestRow["kind"];
  status: RequestRow["status"];
  language: string;
  purpose: string | null;
  mode: string | null;
  appointmentAt: Date | null;
  district: string | null;
  wave: number;
  widened: boolean;
  createdAt: Date;
  offers: { open: number; declined: number; total: number };
  closingNote: string | null;
};

export async function requestOverview(db: Db, id: string): Promise<RequestOverview | undefined> {
  const request = await db.helpRequest.findUnique({
    where: { id },
    select: {
      id: true,
      reference: true,
      kind: true,
      status: true,
      language: true,
      purpose: true,
      mode: true,
      appointmentAt: true,
      district: true,
      wave: true,
      widened: true,
      createdAt: true,
      closingNote: true,
      offers: { select: { status: true } },
    },
  });
  if (!request) return undefined;
  const { offers, ...rest } = request;
  return {
    ...rest,
    offers: {
      open: offers.filter((o) => o.status === "OPEN").length,
      declined: offers.filter((o) => o.status === "DECLINED").length,
      total: offers.length,
    },
  };
}
