import { floodKey } from "./arrivals.js";
import type { Database, DbOrTx, Queryable } from "./db.js";
import { localeOr } from "./i18n.js";
import { truncate } from "./long-text.js";
import { t } from "./messages.js";
import { tellCoordinators } from "./networks.js";
import { tell, updateSlackPost } from "./outbox.js";
import { newReference } from "./requests.js";

export type ReportInput = { text: string; place?: string; anonymous: boolean };

/**
 * Stores a discrimination report and delivers it only to the coordinators' channel. An anonymous report
 * keeps no link to the person (no Telegram id), not even by time: their flood counter (a row with their
 * Telegram id and a time seconds after the report) goes, and the dialogue's messages leave no outbox row
 * (the report dialogue forgets them once sent). With contact, coordinators can answer through the bot.
 */
export async function reportDiscrimination(db: Database, telegramId: number, input: ReportInput): Promise<{ kind: "reported"; reference: string } | { kind: "no-town" }> {
  return db.transaction(async (tx) => {
    const user = await tx.prisma.telegramUser.findUnique({ where: { telegramId }, select: { id: true, locale: true, networkId: true } });
    if (!user?.networkId) return { kind: "no-town" };
    const report = await tx.prisma.discriminationReport.create({
      data: {
        networkId: user.networkId,
        reference: newReference(),
        text: input.text,
        place: input.place ?? null,
        contactUserId: input.anonymous ? null : (user?.id ?? null),
        locale: localeOr(user?.locale),
      },
      select: { id: true, reference: true },
    });
    const cardOutboxId = await tellCoordinators(tx, user.networkId, { kind: "post", template: "discrimination-report", id: report.id });
    await tx.prisma.discriminationReport.update({ where: { id: report.id }, data: { cardOutboxId } });
    if (input.anonymous) await tx.prisma.rateLimitHit.deleteMany({ where: { key: floodKey(telegramId) } });
    return { kind: "reported", reference: report.reference };
  });
}

/**
 * Erases reports' texts, places and contact links – those older than a date (retention), or those of a
 * person who erases their data – and shows their cards in the coordinators' channel as erased.
 */
export async function eraseReports(q: Queryable, which: { olderThan: Date } | { contactUserId: string }): Promise<number> {
  const erased = await q.sql<{ id: string; cardOutboxId: string | null }>(
    `UPDATE "DiscriminationReport" SET text = NULL, place = NULL, "contactUserId" = NULL, "anonymisedAt" = now()
     WHERE "anonymisedAt" IS NULL AND ${"olderThan" in which ? `"createdAt" < $1` : `"contactUserId" = $1`}
     RETURNING id, "cardOutboxId"::text AS "cardOutboxId"`,
    ["olderThan" in which ? which.olderThan : which.contactUserId],
  );
  for (const report of erased) {
    if (report.cardOutboxId === null) continue;
    await updateSlackPost(q, report.cardOutboxId, { kind: "update", template: "discrimination-report", id: report.id });
  }
  return erased.length;
}

export type ReportView = {
  id: string;
  reference: string;
  text: string | null;
  place: string | null;
  withContact: boolean;
  locale: string;
  createdAt: Date;
  handledBy: string | null;
  /** The text was erased (retention, or the reporter erased their data). */
  erased: boolean;
};

/** A report as its network's coordinators see it; undefined for another network's. */
export async function reportView(db: DbOrTx, networkId: string, id: string): Promise<ReportView | undefined> {
  const report = await db.prisma.discriminationReport.findFirst({ where: { id, networkId } });
  if (!report) return undefined;
  return {
    id: report.id,
    reference: report.reference,
    text: report.text,
    place: report.place,
    withContact: report.contactUserId !== null,
    locale: report.locale,
    createdAt: report.createdAt,
    handledBy: report.handledBy,
    erased: report.anonymisedAt !== null,
  };
}

/** A coordinator answers a report whose author asked to be contacted; the answer goes through the bot. */
export async function answerReport(db: Database, networkId: string, id: string, answer: string, coordinator: string): Promise<{ kind: "sent" | "anonymous" | "not-found" }> {
  return db.transaction(async (tx) => {
    const report = await tx.prisma.discriminationReport.findFirst({ where: { id, networkId }, select: { reference: true, contactUser: { select: { telegramId: true, locale: true } } } });
    if (!report) return { kind: "not-found" };
    if (!report.contactUser) return { kind: "anonymous" };
    await tell(tx, report.contactUser.telegramId, {
      kind: "send",
      locale: localeOr(report.contactUser.locale),
      parts: [t("report.answer", { reference: report.reference }), { text: truncate(answer, 2000) }],
    });
    await tx.prisma.discriminationReport.update({ where: { id }, data: { handledBy: coordinator, handledAt: new Date() } });
    return { kind: "sent" };
  });
}
