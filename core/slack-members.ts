import type { DbOrTx } from "./db.js";
import type { Locale } from "./i18n.js";

const DAY = 86_400_000;

/** The language a Slack member reads: English when their Slack locale is English, else German. */
export function localeFromSlack(slackLocale: string | undefined): Locale {
  return slackLocale?.toLowerCase().startsWith("en") ? "en" : "de";
}

/** A remembered language, if it was looked up within a day. */
export async function knownLocale(db: DbOrTx, slackUserId: string): Promise<Locale | undefined> {
  const row = await db.slackMember.findUnique({ where: { id: slackUserId } });
  if (!row || row.updatedAt.getTime() < Date.now() - DAY) return undefined;
  return row.locale === "en" ? "en" : "de";
}

export async function rememberLocale(db: DbOrTx, slackUserId: string, locale: Locale): Promise<void> {
  await db.slackMember.upsert({ where: { id: slackUserId }, create: { id: slackUserId, locale }, update: { locale } });
}

/** Whether this Slack request is the first delivery of its key (Slack retries otherwise repeat work). */
export async function firstSlackDelivery(db: DbOrTx, key: string): Promise<boolean> {
  const inserted = await db.$executeRaw`INSERT INTO "ProcessedSlackRequest" (key) VALUES (${key}) ON CONFLICT DO NOTHING`;
  return inserted === 1;
}

export async function pruneSlackDeliveries(db: DbOrTx, olderThan: Date): Promise<number> {
  const { count } = await db.processedSlackRequest.deleteMany({ where: { createdAt: { lt: olderThan } } });
  return count;
}
