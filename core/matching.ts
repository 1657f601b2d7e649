import type { Queryable } from "./db.js";
import type { Request, RequestKind } from "./request-store.js";
import type { DispatchSettings } from "./settings.js";
import type { Level, Role } from "./vocabulary.js";

const ROLE_OF_KIND = { MEDIATION: "INTERPRETER", LEISURE: "LEISURE_BUDDY", MENTORING: "MENTOR" } as const satisfies Record<RequestKind, Role>;
const STRICT_LEVELS: Level[] = ["GOOD", "FLUENT", "NATIVE"];
const ANY_LEVEL: Level[] = ["BASIC", "GOOD", "FLUENT", "NATIVE"];

/**
 * How far the search reaches: "strict" for the first waves, "widened" after them (or when nobody fits),
 * "everyone" when a coordinator offers the request to all.
 */
export type Reach = "strict" | "widened" | "everyone";

/** Who may be offered a request, as plain criteria. */
export type Circle = {
  role: Role;
  /** The language and the levels that count; undefined: any language will do. */
  language?: { code: string; levels: Level[] };
  /** Mentoring: a woman or a man, as the newcomer asked. */
  gender?: string;
  /** In person: only volunteers who go to this district and not only by phone. */
  district?: string;
  /** Capacity left in the last seven days, and nothing offered within the quiet time. */
  quiet?: { sinceMs: number };
};

/**
 * The circle of volunteers for a request at a reach. Pure, so that the rules can be read and tested apart
 * from the query: the right role; the language at a good level (a basic one once widened) – everyone speaks
 * German, and for company in free time or a mentor the widened circle takes any language; the gender a
 * mentee asked for; in person, the district (until widened); capacity and quiet time (unless for everyone).
 *
 * @example
 * circleFor({ kind: "MEDIATION", language: "ar", mode: "IN_PERSON", district: "BECKUM", genderPreference: null }, "strict", settings);
 * // { role: "INTERPRETER", language: { code: "ar", levels: ["GOOD", "FLUENT", "NATIVE"] }, district: "BECKUM", quiet: { sinceMs: 1800000 } }
 */
export function circleFor(request: Pick<Request, "kind" | "language" | "mode" | "district" | "genderPreference">, reach: Reach, settings: Pick<DispatchSettings, "quietMs">): Circle {
  const strict = reach === "strict";
  const anyLanguage = request.language === "de" || (request.kind !== "MEDIATION" && !strict);
  const inPerson = request.mode === "IN_PERSON" || (request.mode === null && request.district !== null);
  return {
    role: ROLE_OF_KIND[request.kind],
    ...(anyLanguage ? {} : { language: { code: request.language, levels: strict ? STRICT_LEVELS : ANY_LEVEL } }),
    ...(request.kind === "MENTORING" && request.genderPreference ? { gender: request.genderPreference } : {}),
    ...(inPerson && strict && request.district ? { district: request.district } : {}),
    ...(reach === "everyone" ? {} : { quiet: { sinceMs: settings.quietMs } }),
  };
}

/** Least recently assigned first, then least recently offered (the order of `Volunteer_fairness_idx`). */
const FAIRNESS_ORDER = `ORDER BY v."lastAssignedAt" ASC NULLS FIRST, v."lastOfferedAt" ASC NULLS FIRST, v."createdAt", v.id`;

/** A volunteer who may get the offer, with what is needed to send it. */
export type Candidate = { id: string; telegramId: bigint; locale: string | null };

/**
 * Who a wave may offer to, and how many more of the circle it passed over because another request's wave
 * was offering to them at that moment.
 */
export type Candidates = { volunteers: Candidate[]; passedOver: number };

/**
 * Volunteers in the circle who have not been offered this request yet – or whose offer was taken by someone
 * else or withdrawn before the request opened again – (not the newcomer themselves), approved by the request's
 * town and not paused; least recently assigned first, so that offers do not always go to the same
 * fast few. With a quiet time the rows are locked and those another request's wave is offering to right now
 * are passed over: the waves neither wait for each other nor offer the same volunteer twice at once. With
 * `countPassedOver` they are counted, for a caller that looks again once the other wave's quiet time is over.
 */
export async function candidates(
  q: Queryable,
  request: Pick<Request, "id" | "newcomerId" | "networkId">,
  circle: Circle,
  limit: number,
  options: { countPassedOver?: boolean } = {},
): Promise<Candidates> {
  const where = (quiet: boolean) => `FROM "Volunteer" v
     JOIN "TelegramUser" u ON u.id = v."userId"
     WHERE NOT v.paused AND $1::text = ANY(v.roles)
       AND EXISTS (SELECT 1 FROM "VolunteerNetwork" vn WHERE vn."volunteerId" = v.id AND vn."networkId" = $10 AND vn.status = 'APPROVED')
       AND u.id IS DISTINCT FROM $2::text
       AND ($3::text IS NULL OR EXISTS (
         SELECT 1 FROM "VolunteerLanguage" l WHERE l."volunteerId" = v.id AND l.language = $3::text AND l.level = ANY($4::text[])))
       AND ($5::text IS NULL OR v.gender = $5::text)
       AND ($6::text IS NULL OR (NOT v."remoteOnly" AND $6::text = ANY(v.districts)))
       AND NOT EXISTS (SELECT 1 FROM "Offer" o WHERE o."requestId" = $7::text AND o."volunteerId" = v.id AND o.status IN ('OPEN', 'ACCEPTED', 'DECLINED'))
       AND ($8::float8 IS NULL OR (
         (SELECT count(*) FROM "HelpRequest" r WHERE r."volunteerId" = v.id AND r."matchedAt" > now() - interval '7 days') < v."weeklyCapacity"
         ${quiet ? `AND (v."lastOfferedAt" IS NULL OR v."lastOfferedAt" < now() - make_interval(secs => $8::float8))` : ""}))`;
  const parameters = [
    circle.role,
    request.newcomerId,
    circle.language?.code ?? null,
    circle.language?.levels ?? [],
    circle.gender ?? null,
    circle.district ?? null,
    request.id,
    circle.quiet ? circle.quiet.sinceMs / 1000 : null,
    limit,
    request.networkId,
  ];
  const rows = await q.sql<{ id: string; telegramId: string; locale: string | null }>(
    `SELECT v.id, u."telegramId"::text AS "telegramId", u.locale ${where(true)}
     ${FAIRNESS_ORDER}
     LIMIT $9${circle.quiet ? " FOR UPDATE OF v SKIP LOCKED" : ""}`,
    parameters,
  );
  const volunteers = rows.map((r) => ({ id: r.id, telegramId: BigInt(r.telegramId), locale: r.locale }));
  if (!circle.quiet || !options.countPassedOver || volunteers.length >= limit) return { volunteers, passedOver: 0 };
  // Fewer than asked for: were some of the circle held by another wave? (Without locks, the rows as committed;
  // in the same order as above, so that the same plan stops at the same place.) Those in their quiet time count
  // too: a wave that just committed has put them there – its transaction may even have begun after this one,
  // whose now() its offer time then is not before – and with a quiet time shorter than the wave interval their
  // quiet time is over before the next wave would be due anyway.
  const [all] = await q.sql<{ n: number }>(
    `SELECT count(*)::int AS n FROM (SELECT 1 ${where(false)} ${FAIRNESS_ORDER} LIMIT $9) c`,
    parameters,
  );
  return { volunteers, passedOver: Math.max(0, (all?.n ?? 0) - volunteers.length) };
}
