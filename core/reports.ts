import { type Db, type DbOrTx, transaction } from "./db.js";
import { localeOr } from "./dispatch.js";
import { t } from "./messages.js";
import { tell, tellSlack } from "./outbox.js";
import { newReference } from "./requests.js";

/** Slack template of a discrimination report. */
export const REPORT_TEMPLATE = "discrimination-report";

export type ReportInput = { text: string; place?: string; anonymous: boolean };

/**
 * Stores a discrimination report and delivers it only to the coordinators' channel. An anonymous report
 * keeps no link to the person (no Telegram id); with contact, coordinators can answer through the bot.
 */
export async function reportDiscrimination(db: Db, telegramId: number, input: ReportInput, settings: { coordinatorChannel: string }): Promise<{ reference: string }> {
  return transaction(db, async (tx) => {
    const user = await tx.telegramUser.findUnique({ where: { telegramId }, select: { id: true, locale: true } });
    const report = await tx.discriminationReport.create({
      data: {
        reference: newReference(),
        text: input.text,
        place: input.place ?? null,
        contactUserId: input.anonymous ? null : (user?.id ?? null),
        locale: localeOr(user?.locale),
      },
      select: { id: true, reference: true },
    });
    await tellSlack(tx, settings.coordinatorChannel, { kind: "post", template: REPORT_TEMPLATE, id: report.id });
    return { reference: report.reference };
  });
}

export type ReportView = { id: string; reference: string; text: string | null; place: string | null; withContact: boolean; locale: string; createdAt: Date; handledBy: string | null };

export async function reportView(db: DbOrTx, id: string): Promise<ReportView | undefined> {
  const report = await db.discriminationReport.findUnique({ where: { id } });
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
  };
}

/** A coordinator answers a report whose author asked to be contacted; the answer goes through the bot. */
export async function answerReport(db: Db, id: string, answer: string, coordinator: string): Promise<"sent" | "anonymous" | "not-found"> {
  return transaction(db, async (tx) => {
    const report = await tx.discriminationReport.findUnique({ where: { id }, select: { reference: true, contactUser: { select: { telegramId: true, locale: true } } } });
    if (!report) return "not-found";
    if (!report.contactUser) return "anonymous";
    await tell(tx, report.contactUser.telegramId, {
      kind: "send",
      locale: localeOr(report.contactUser.locale),
      parts: [t("report.answer", { reference: report.reference }), { text: answer.slice(0, 2000) }],
    });
    await tx.discriminationReport.update({ where: { id }, data: { handledBy: coordinator, handledAt: new Date() } });
    return "sent";
  });
}
