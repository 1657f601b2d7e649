import type { Database, DbOrTx, Tx } from "./db.js";
import { floodKey } from "./arrivals.js";
import { returnJobsOf } from "./closing.js";
import { tellSlack } from "./outbox.js";
import { eraseReports } from "./reports.js";
import { cancelRequest } from "./requests.js";
import type { CoreSettings } from "./settings.js";
import { localeOr, type Locale } from "./i18n.js";
import { Prisma } from "../generated/prisma/client.js";

/** Everything stored about a person, as /mydata shows it. */
export type MyData = {
  locale: Locale;
  consentAt: Date | null;
  createdAt: Date;
  requests: {
    reference: string;
    kind: string;
    status: string;
    language: string;
    purpose: string | null;
    mode: string | null;
    appointmentAt: Date | null;
    district: string | null;
    place: string | null;
    note: string | null;
    attachments: number;
    interests: string[];
    topic: string | null;
    createdAt: Date;
  }[];
  volunteer?: { firstName: string; status: string; roles: string[]; languages: string[]; districts: string[]; remoteOnly: boolean; weeklyCapacity: number; paused: boolean; jobs: number; hours: number };
  reportsWithContact: { reference: string; createdAt: Date }[];
  /** A dialogue left half-way (its answers are stored until it ends). */
  openDialogue: boolean;
};

export async function myData(db: DbOrTx, telegramId: number): Promise<MyData | undefined> {
  const user = await db.prisma.telegramUser.findUnique({
    where: { telegramId },
    select: {
      locale: true,
      consentAt: true,
      createdAt: true,
      requests: { orderBy: { createdAt: "desc" } },
      reports: { select: { reference: true, createdAt: true } },
      volunteer: { include: { languages: true, assignments: { select: { hoursSpent: true, status: true } } } },
    },
  });
  if (!user) return undefined;
  const session = await db.prisma.botSession.findUnique({ where: { key: String(telegramId) }, select: { value: true } });
  const volunteer = user.volunteer;
  return {
    locale: localeOr(user.locale),
    consentAt: user.consentAt,
    createdAt: user.createdAt,
    requests: user.requests.map((r) => ({
      reference: r.reference,
      kind: r.kind,
      status: r.status,
      language: r.language,
      purpose: r.purpose,
      mode: r.mode,
      appointmentAt: r.appointmentAt,
      district: r.district,
      place: r.place,
      note: r.note,
      attachments: Array.isArray(r.attachments) ? r.attachments.length : 0,
      interests: r.interests,
      topic: r.topic,
      createdAt: r.createdAt,
    })),
    ...(volunteer
      ? {
          volunteer: {
            firstName: volunteer.firstName,
            status: volunteer.status,
            roles: volunteer.roles,
            languages: volunteer.languages.map((l) => `${l.language} (${l.level})`),
            districts: volunteer.districts,
            remoteOnly: volunteer.remoteOnly,
            weeklyCapacity: volunteer.weeklyCapacity,
            paused: volunteer.paused,
            jobs: volunteer.assignments.length,
            hours: volunteer.assignments.reduce((sum, a) => sum + Number(a.hoursSpent ?? 0), 0),
          },
        }
      : {}),
    reportsWithContact: user.reports,
    openDialogue: Boolean((session?.value as { dialogue?: unknown } | null)?.dialogue),
  };
}

/**
 * /deletemydata: erases everything about a person – their account, volunteer profile, dialogue, the messages
 * waiting for them and those to others that quote them, their contact on reports and the texts of those
 * reports – and strips their requests down to anonymous counts. Their open requests are cancelled first
 * (offers withdrawn, a matched volunteer told), jobs they hold as a volunteer go back to the search, and
 * their cards in the coordinators' Slack channel are shown as erased.
 */
export async function eraseMyData(db: Database, telegramId: number, settings: CoreSettings): Promise<{ erased: boolean }> {
  const open = await db.prisma.helpRequest.findMany({ where: { newcomer: { telegramId }, status: { in: ["SEARCHING", "MATCHED"] } }, select: { id: true } });
  for (const request of open) await cancelRequest(db, request.id, telegramId, settings);
  await returnJobsOf(db, telegramId, settings);
  return db.transaction(async (tx) => {
    const user = await tx.prisma.telegramUser.findUnique({ where: { telegramId }, select: { id: true, volunteer: { select: { id: true, cardOutboxIds: true } } } });
    if (!user) return { erased: false };
    const now = new Date();
    await tx.prisma.helpRequest.updateMany({
      where: { newcomerId: user.id },
      data: { newcomerId: null, place: null, note: null, attachments: Prisma.DbNull, closingNote: null, anonymisedAt: now },
    });
    // Idempotency keys contain the Telegram id: replace them by the request's own id.
    await tx.prisma.$executeRaw`UPDATE "HelpRequest" SET "idempotencyKey" = 'erased:' || id WHERE "idempotencyKey" LIKE ${`${telegramId}:%`}`;
    await eraseReports(tx, { contactUserId: user.id }, settings);
    if (user.volunteer) await eraseVolunteerCards(tx, user.volunteer, settings);
    await tx.prisma.outbox.deleteMany({ where: { recipient: String(telegramId) } });
    // Unsent messages to others that carry this person's words, place, note, name or files.
    await tx.sql(
      `DELETE FROM "Outbox" WHERE channel = 'TELEGRAM' AND (payload->'quotes' @> jsonb_build_array($1::text) OR payload->>'fromChatId' = $1)`,
      [String(telegramId)],
    );
    await tx.prisma.botSession.deleteMany({ where: { key: String(telegramId) } });
    await tx.prisma.rateLimitHit.deleteMany({ where: { key: floodKey(telegramId) } });
    // The volunteer profile, its languages and offers go with the account (cascade); assignments keep their hours.
    await tx.prisma.telegramUser.delete({ where: { id: user.id } });
    return { erased: true };
  });
}

/**
 * A volunteer's cards in the coordinators' channel (their registration, changes they asked for) are shown as
 * erased: the cards' renderer finds no volunteer any more. Cards not yet posted are not posted at all.
 */
async function eraseVolunteerCards(tx: Tx, volunteer: { id: string; cardOutboxIds: bigint[] }, settings: Pick<CoreSettings, "coordinatorChannel">): Promise<void> {
  await tx.sql(
    `DELETE FROM "Outbox" WHERE channel = 'SLACK' AND status = 'PENDING' AND payload->>'template' IN ('volunteer-registration', 'volunteer-changes') AND payload->>'id' = $1`,
    [volunteer.id],
  );
  for (const outboxId of volunteer.cardOutboxIds) {
    await tellSlack(tx, settings.coordinatorChannel, { kind: "update", template: "volunteer-registration", id: volunteer.id, outboxId: String(outboxId) });
  }
}

/**
 * Retention: personal fields of requests closed more than `days` ago, and the texts of reports older than
 * that, are erased (their cards in Slack show it); the anonymous counts stay for the figures.
 */
export async function anonymiseClosed(db: Database, olderThan: Date, settings: Pick<CoreSettings, "coordinatorChannel">): Promise<{ requests: number; reports: number }> {
  const requests = await db.prisma.helpRequest.updateMany({
    where: { status: { in: ["DONE", "CANCELLED", "UNMATCHED"] }, closedAt: { lt: olderThan }, anonymisedAt: null },
    data: { newcomerId: null, place: null, note: null, attachments: Prisma.DbNull, closingNote: null, anonymisedAt: new Date() },
  });
  const reports = await db.transaction((tx) => eraseReports(tx, { olderThan }, settings));
  return { requests: requests.count, reports };
}
