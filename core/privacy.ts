import type { Database, DbOrTx } from "./db.js";
import { floodKey } from "./arrivals.js";
import { cancelRequest, requestsOf } from "./requests.js";
import type { CoreSettings } from "./settings.js";
import { localeOr, type Locale } from "./i18n.js";
import { Prisma } from "../generated/prisma/client.js";
import { overallStatus } from "./volunteers.js";

/** Everything stored about a person, as /mydata shows it. */
export type MyData = {
  locale: Locale;
  /** The town they said they live in. */
  town: string | null;
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
  volunteer?: { firstName: string; status: string; towns: { name: string; status: string }[]; roles: string[]; languages: string[]; districts: string[]; remoteOnly: boolean; weeklyCapacity: number; paused: boolean; jobs: number; hours: number };
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
      network: { select: { name: true } },
      requests: { orderBy: { createdAt: "desc" } },
      reports: { select: { reference: true, createdAt: true } },
      volunteer: {
        include: {
          languages: true,
          assignments: { select: { hoursSpent: true, status: true } },
          networks: { select: { status: true, network: { select: { name: true } } }, orderBy: { network: { name: "asc" } } },
        },
      },
    },
  });
  if (!user) return undefined;
  const session = await db.prisma.botSession.findUnique({ where: { key: String(telegramId) }, select: { value: true } });
  const volunteer = user.volunteer;
  return {
    locale: localeOr(user.locale),
    town: user.network?.name ?? null,
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
            status: overallStatus(volunteer.networks),
            towns: volunteer.networks.map((n) => ({ name: n.network.name, status: n.status })),
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
 * waiting for them, their contact on reports – and strips their requests down to anonymous counts.
 * Open requests are cancelled first (offers withdrawn, a matched volunteer told) by the caller.
 */
export async function eraseMyData(db: Database, telegramId: number, settings: CoreSettings): Promise<{ erased: boolean }> {
  // Open requests end properly first: offers are withdrawn, a matched volunteer is told.
  for (const request of await requestsOf(db, telegramId)) {
    if (request.status === "SEARCHING" || request.status === "MATCHED") await cancelRequest(db, request.id, telegramId, settings);
  }
  return db.transaction(async (tx) => {
    const user = await tx.prisma.telegramUser.findUnique({ where: { telegramId }, select: { id: true } });
    if (!user) return { erased: false };
    const now = new Date();
    await tx.prisma.helpRequest.updateMany({
      where: { newcomerId: user.id },
      data: { newcomerId: null, place: null, note: null, attachments: Prisma.DbNull, anonymisedAt: now },
    });
    // Idempotency keys contain the Telegram id: replace them by the request's own id.
    await tx.prisma.$executeRaw`UPDATE "HelpRequest" SET "idempotencyKey" = 'erased:' || id WHERE "idempotencyKey" LIKE ${`${telegramId}:%`}`;
    await tx.prisma.discriminationReport.updateMany({ where: { contactUserId: user.id }, data: { contactUserId: null } });
    await tx.prisma.outbox.deleteMany({ where: { recipient: String(telegramId) } });
    await tx.prisma.$executeRaw`DELETE FROM "Outbox" WHERE channel = 'TELEGRAM' AND payload->>'fromChatId' = ${String(telegramId)}`;
    await tx.prisma.botSession.deleteMany({ where: { key: String(telegramId) } });
    await tx.prisma.rateLimitHit.deleteMany({ where: { key: floodKey(telegramId) } });
    // The volunteer profile, its languages and offers go with the account (cascade); assignments keep their hours.
    await tx.prisma.telegramUser.delete({ where: { id: user.id } });
    return { erased: true };
  });
}

/**
 * Retention: personal fields of requests closed more than `days` ago, and the texts of reports older than
 * that, are erased; the anonymous counts stay for the figures.
 */
export async function anonymiseClosed(db: DbOrTx, olderThan: Date): Promise<{ requests: number; reports: number }> {
  const requests = await db.prisma.helpRequest.updateMany({
    where: { status: { in: ["DONE", "CANCELLED", "UNMATCHED"] }, closedAt: { lt: olderThan }, anonymisedAt: null },
    data: { newcomerId: null, place: null, note: null, attachments: Prisma.DbNull, closingNote: null, anonymisedAt: new Date() },
  });
  const reports = await db.prisma.discriminationReport.updateMany({
    where: { createdAt: { lt: olderThan }, anonymisedAt: null },
    data: { text: null, place: null, contactUserId: null, anonymisedAt: new Date() },
  });
  return { requests: requests.count, reports: reports.count };
}
