import type { DbOrTx } from "./db.js";
import type { Locale } from "./i18n.js";

const DAY = 86_400_000;

/** The language a Slack member reads: English when their Slack locale is English, else German. */
export function localeFromSlack(slackLocale: string | undefined): Locale {
  return slackLocale?.toLowerCase().startsWith("en") ? "en" : "de";
}

/** What a Slack request needs first: whether it is new, and the member's language if it is known. */
export type SlackArrival = { first: boolean; locale: Locale | undefined };

/**
 * One round trip for every Slack request: records its key (Slack retries what it thinks was not
 * acknowledged; a retry is recognised) and reads the member's language, if looked up within a day.
 */
export async function arriveFromSlack(db: DbOrTx, key: string | undefined, slackUserId: string | undefined): Promise<SlackArrival> {
  const [row] = await db.sql<{ first: boolean; locale: string | null }>(`WITH first AS (
       INSERT INTO "ProcessedSlackRequest" (key) SELECT $1::text WHERE $1::text IS NOT NULL ON CONFLICT DO NOTHING RETURNING 1
     )
     SELECT $1::text IS NULL OR EXISTS (SELECT 1 FROM first) AS first,
       (SELECT locale FROM "SlackMember" WHERE id = $2::text AND "updatedAt" > now() - make_interval(secs => $3)) AS locale`,
    [key ?? null, slackUserId ?? null, DAY / 1000],
  );
  const locale = row?.locale === null || row?.locale === undefined ? undefined : row.locale === "en" ? "en" : "de";
  return { first: row?.first ?? true, locale };
}

/**
 * Remembers a member's language for a day. In SQL: after a burst of votes from members not seen that day it
 * runs once for each of them, beside the clicks still being acknowledged (Prisma's upsert cost some 1 ms of
 * CPU each there, about a sixth of the product's CPU in the vote benchmark).
 */
export async function rememberLocale(db: DbOrTx, slackUserId: string, locale: Locale): Promise<void> {
  await db.sql(
    `INSERT INTO "SlackMember" (id, locale, "updatedAt") VALUES ($1, $2, now())
     ON CONFLICT (id) DO UPDATE SET locale = EXCLUDED.locale, "updatedAt" = EXCLUDED."updatedAt"`,
    [slackUserId, locale],
  );
}

export async function pruneSlackDeliveries(db: DbOrTx, olderThan: Date): Promise<number> {
  const { count } = await db.prisma.processedSlackRequest.deleteMany({ where: { createdAt: { lt: olderThan } } });
  return count;
}
