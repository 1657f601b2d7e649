import { floodKey } from "./arrivals.js";
import type { Database, DbOrTx, Queryable } from "./db.js";
import { localeOr } from "./i18n.js";
import { truncate } from "./long-text.js";
import { t } from "./messages.js";
import { tell, tellSlack } from "./outbox.js";
import { newReference } from "./requests.js";

export type ReportInput = { text: string; place?: string; anonymous: boolean };

/**
 * Stores a discrimination report and delivers it only to the coordinators' channel. An anonymous report
 * keeps no link to the person (no Telegram id), not even by time: their flood counter (a row with their
 * Telegram id and a time seconds after the report) goes, and the dialogue's messages leave no outbox row
 * (the report dialogue forgets them once sent). With contact, coordinators can answer through the bot.
 */
export async function reportDiscrimination(db: Database, telegramId: number, input: ReportInput, settings: { coordinatorChannel: string }): Promise<{ reference: string }> {
  return db.transaction(async (tx) => {
    const user = await tx.prisma.telegramUser.findUnique({ where: { telegramId }, select: { id: true, locale: true } });
    const report = await tx.prisma.discriminationReport.create({
      data: {
        reference: newReference(),
        text: input.text,
        place: input.place ?? null,
        contactUserId: input.anonymous ? null : (user?.id ?? null),
        locale: localeOr(user?.locale),
      },
      select: { id: true, reference: true },
    });
    const cardOutboxId = await tellSlack(tx, settings.coordinatorChannel, { kind: "post", template: "discrimination-report", id: report.id });
    await tx.prisma.discriminationReport.update({ where: { id: report.id }, data: { cardOutboxId } });
    if (input.anonymous) await tx.prisma.rateLimitHit.deleteMany({ where: { key: floodKey(telegramId) } });
    return { reference: report.reference };
  });
}

/**
 * Erases reports' texts, places and contact links – those older than a date (retention), or those of a
 * person who erases their data – and shows their cards in the coordinators' channel as erased.
 */
export async function eraseReports(q: Queryable, which: { olderThan: Date } | { contactUserId: string }, settings: { coordinatorChannel: string }): Promise<number> {
  const erased = await q.sql<{ id: string; cardOutboxId: string | null }>(
    `UPDATE "DiscriminationReport" SET text = NULL, place = NULL, "contactUserId" = NULL, "anonymisedAt" = now()
     WHERE "anonymisedAt" IS NULL AND ${"olderThan" in which ? `"createdAt" < $1` : `"contactUserId" = $1`}
     RETURNING id, "cardOutboxId"::text AS "cardOutboxId"`,
    ["olderThan" in which ? which.olderThan : which.contactUserId],
  );
  for (const report of erased) {
    if (report.cardOutboxId === null) continue;
    await tellSlack(q, settings.coordinatorChannel, { kind: "update", template: "discrimination-report", id: report.id, outboxId: report.cardOutboxId });
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

export async function reportView(db: DbOrTx, id: string): Promise<ReportView | undefined> {
  const report = await db.prisma.discriminationReport.findUnique({ where: { id } });
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
export async function answerReport(db: Database, id: string, answer: string, coordinator: string): Promise<{ kind: "sent" | "anonymous" | "not-found" }> {
  return db.transaction(async (tx) => {
    const report = await tx.prisma.discriminationReport.findUnique({ where: { id }, select: { reference: true, contactUser: { select: { telegramId: true, locale: true } } } });
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
