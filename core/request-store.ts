import type { DbOrTx, Queryable } from "./db.js";
import { localeOr, type Locale } from "./i18n.js";

export type RequestKind = "MEDIATION" | "LEISURE" | "MENTORING";
export type RequestStatus = "SEARCHING" | "MATCHED" | "DONE" | "CANCELLED" | "UNMATCHED";

/** A newcomer's request as core works with it: what was asked, and the state of the search. */
export type Request = {
  id: string;
  /** The town (network) it was asked in: its volunteers, districts and coordinators. */
  networkId: string;
  /** The town's name when the deployment serves several towns (volunteers may serve more than one), else null. */
  townName: string | null;
  reference: string;
  kind: RequestKind;
  status: RequestStatus;
  /** The newcomer's language when the request was made (messages use the current one, see {@link partiesOf}). */
  locale: string;
  language: string;
  purpose: string | null;
  mode: string | null;
  appointmentAt: Date | null;
  district: string | null;
  /** The district's name in its town. */
  districtName: string | null;
  interests: string[];
  topic: string | null;
  genderPreference: string | null;
  newcomerId: string | null;
  volunteerId: string | null;
  wave: number;
  widened: boolean;
  escalatedAt: Date | null;
  escalationOutboxId: bigint | null;
  nextWaveAt: Date | null;
  escalateAt: Date | null;
  deadlineAt: Date | null;
  nextTickAt: Date | null;
  matchedAt: Date | null;
  confirmedAt: Date | null;
  confirmationOutboxId: bigint | null;
  remindedEveningAt: Date | null;
  remindedHourAt: Date | null;
  closedAt: Date | null;
};

/** What the newcomer told only for the matched volunteer: shown to nobody else, erased on schedule. */
export type RequestDetails = { place: string | null; note: string | null; attachments: Attachment[] };
export type Attachment = { messageId: number; kind: "photo" | "voice" };

/** The fields that change as a request moves on. */
export type RequestChange = Partial<
  Pick<
    Request,
    | "status"
    | "volunteerId"
    | "wave"
    | "widened"
    | "escalatedAt"
    | "escalationOutboxId"
    | "nextWaveAt"
    | "nextTickAt"
    | "matchedAt"
    | "confirmedAt"
    | "confirmationOutboxId"
    | "remindedEveningAt"
    | "remindedHourAt"
    | "closedAt"
  > & { closingNote: string | null; hoursSpent: number }
>;

const CHANGEABLE: ReadonlySet<string> = new Set<keyof RequestChange>([
  "status",
  "volunteerId",
  "wave",
  "widened",
  "escalatedAt",
  "escalationOutboxId",
  "nextWaveAt",
  "nextTickAt",
  "matchedAt",
  "confirmedAt",
  "confirmationOutboxId",
  "remindedEveningAt",
  "remindedHourAt",
  "closedAt",
  "closingNote",
  "hoursSpent",
]);

/** The one column list of a request, for every read (int8 and enums as text, as node-postgres returns them). */
const COLUMNS = `id, "networkId",
  (SELECT n.name FROM "Network" n WHERE n.id = "HelpRequest"."networkId" AND (SELECT count(*) FROM "Network" WHERE kind = 'TOWN') > 1) AS "townName",
  (SELECT d->>'name' FROM "Network" n, jsonb_array_elements(n.districts) d WHERE n.id = "HelpRequest"."networkId" AND d->>'code' = "HelpRequest".district) AS "districtName",
  reference, kind::text AS kind, status::text AS status, locale, language, purpose, mode, "appointmentAt", district,
  interests, topic, "genderPreference", "newcomerId", "volunteerId", wave, widened, "escalatedAt", "escalationOutboxId"::text AS "escalationOutboxId",
  "nextWaveAt", "escalateAt", "deadlineAt", "nextTickAt", "matchedAt", "confirmedAt", "confirmationOutboxId"::text AS "confirmationOutboxId",
  "remindedEveningAt", "remindedHourAt", "closedAt"`;

type Row = Omit<Request, "escalationOutboxId" | "confirmationOutboxId"> & { escalationOutboxId: string | null; confirmationOutboxId: string | null };

const bigintOrNull = (value: string | null) => (value === null ? null : BigInt(value));
const toRequest = (row: Row): Request => ({
  ...row,
  escalationOutboxId: bigintOrNull(row.escalationOutboxId),
  confirmationOutboxId: bigintOrNull(row.confirmationOutboxId),
});

/** Reads a request. */
export async function readRequest(q: Queryable, id: string): Promise<Request | undefined> {
  const [row] = await q.sql<Row>(`SELECT ${COLUMNS} FROM "HelpRequest" WHERE id = $1`, [id]);
  return row ? toRequest(row) : undefined;
}

/** Reads a request and locks it until the transaction ends: a request changes in one place at a time. */
export async function lockRequest(q: Queryable, id: string): Promise<Request | undefined> {
  const [row] = await q.sql<Row>(`SELECT ${COLUMNS} FROM "HelpRequest" WHERE id = $1 FOR UPDATE`, [id]);
  return row ? toRequest(row) : undefined;
}

/** Requests matching a condition on the table's columns (`$1…` for `values`), newest first unless ordered otherwise. */
export async function requestsWhere(q: Queryable, condition: string, values: unknown[], limit: number, order = `"createdAt" DESC`): Promise<Request[]> {
  const rows = await q.sql<Row>(`SELECT ${COLUMNS} FROM "HelpRequest" WHERE ${condition} ORDER BY ${order} LIMIT ${Math.floor(limit)}`, values);
  return rows.map(toRequest);
}

/** The place, note and attachments: only for the matched volunteer and the newcomer's own view. */
export async function requestDetails(q: Queryable, id: string): Promise<RequestDetails> {
  const [row] = await q.sql<{ place: string | null; note: string | null; attachments: Attachment[] | null }>(
    `SELECT place, note, attachments FROM "HelpRequest" WHERE id = $1`,
    [id],
  );
  return { place: row?.place ?? null, note: row?.note ?? null, attachments: row?.attachments ?? [] };
}

/** Writes the given fields of a request (only these). */
export async function updateRequest(q: Queryable, id: string, change: RequestChange): Promise<void> {
  const entries = Object.entries(change).filter(([name]) => CHANGEABLE.has(name));
  if (entries.length === 0) return;
  const assignments = entries.map(([name], i) => `"${name}" = $${i + 2}${name === "status" ? `::"RequestStatus"` : ""}`).join(", ");
  await q.sql(`UPDATE "HelpRequest" SET ${assignments} WHERE id = $1`, [id, ...entries.map(([, value]) => (typeof value === "bigint" ? String(value) : value))]);
}

/** The two sides of a request, each with the language they use now. */
export type Parties = {
  newcomer?: { telegramId: bigint; locale: Locale };
  volunteer?: { telegramId: bigint; locale: Locale; firstName: string };
};

export async function partiesOf(q: Queryable, request: Pick<Request, "newcomerId" | "volunteerId" | "locale">): Promise<Parties> {
  const [row] = await q.sql<{ newcomerTelegramId: string | null; newcomerLocale: string | null; volunteerTelegramId: string | null; volunteerLocale: string | null; firstName: string | null }>(
    `SELECT n."telegramId"::text AS "newcomerTelegramId", n.locale AS "newcomerLocale",
       vu."telegramId"::text AS "volunteerTelegramId", vu.locale AS "volunteerLocale", v."firstName"
     FROM (SELECT 1) AS one
     LEFT JOIN "TelegramUser" n ON n.id = $1::text
     LEFT JOIN "Volunteer" v ON v.id = $2::text
     LEFT JOIN "TelegramUser" vu ON vu.id = v."userId"`,
    [request.newcomerId, request.volunteerId],
  );
  return {
    ...(row?.newcomerTelegramId
      ? { newcomer: { telegramId: BigInt(row.newcomerTelegramId), locale: localeOr(row.newcomerLocale ?? request.locale) } }
      : {}),
    ...(row?.volunteerTelegramId
      ? { volunteer: { telegramId: BigInt(row.volunteerTelegramId), locale: localeOr(row.volunteerLocale), firstName: row.firstName ?? "" } }
      : {}),
  };
}

/**
 * Whether a request was stored under this idempotency key: whether a dialogue's "send" was carried out
 * (its old buttons say so rather than offering to begin again).
 *
 * @example
 * await requestSentWith(db, "4711:ab12"); // true once the dialogue ab12 of 4711 sent its request
 */
export async function requestSentWith(db: DbOrTx, idempotencyKey: string): Promise<boolean> {
  return (await db.prisma.helpRequest.count({ where: { idempotencyKey } })) > 0;
}
