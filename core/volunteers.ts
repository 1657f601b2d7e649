import type { Database, DbOrTx, Queryable } from "./db.js";
import type { CoreSettings } from "./settings.js";
import { localeOr, type Locale } from "./i18n.js";
import { t } from "./messages.js";
import { tell, tellSlack } from "./outbox.js";
import type { GermanLevel, Level, Role } from "./vocabulary.js";

/** What a volunteer tells about themselves in `/volunteer`. */
export type VolunteerRegistration = {
  firstName: string;
  roles: Role[];
  languages: { language: string; level: Level }[];
  germanLevel: GermanLevel;
  districts: string[];
  remoteOnly: boolean;
  weeklyCapacity: number;
  /** Only mentors are asked; WOMAN or MAN. */
  gender?: "WOMAN" | "MAN";
};

export type VolunteerProfile = VolunteerRegistration & {
  id: string;
  status: "PENDING" | "APPROVED" | "REJECTED";
  paused: boolean;
  locale: Locale;
  telegramId: bigint;
};

const profileSelect = {
  id: true,
  firstName: true,
  roles: true,
  germanLevel: true,
  districts: true,
  remoteOnly: true,
  weeklyCapacity: true,
  status: true,
  paused: true,
  languages: { select: { language: true, level: true } },
  user: { select: { telegramId: true, locale: true } },
} as const;

type ProfileRow = {
  id: string;
  firstName: string;
  roles: string[];
  germanLevel: string;
  districts: string[];
  remoteOnly: boolean;
  weeklyCapacity: number;
  status: "PENDING" | "APPROVED" | "REJECTED";
  paused: boolean;
  languages: { language: string; level: string }[];
  user: { telegramId: bigint; locale: string | null };
};

function toProfile(row: ProfileRow): VolunteerProfile {
  return {
    id: row.id,
    firstName: row.firstName,
    roles: row.roles as Role[],
    languages: row.languages.map((l) => ({ language: l.language, level: l.level as Level })),
    germanLevel: row.germanLevel as GermanLevel,
    districts: row.districts,
    remoteOnly: row.remoteOnly,
    weeklyCapacity: row.weeklyCapacity,
    status: row.status,
    paused: row.paused,
    locale: localeOr(row.user.locale),
    telegramId: row.user.telegramId,
  };
}

export async function volunteerOf(db: DbOrTx, telegramId: number): Promise<VolunteerProfile | undefined> {
  const row = await db.prisma.volunteer.findFirst({ where: { user: { telegramId } }, select: profileSelect });
  return row ? toProfile(row) : undefined;
}

export async function volunteerById(db: DbOrTx, id: string): Promise<VolunteerProfile | undefined> {
  const row = await db.prisma.volunteer.findUnique({ where: { id }, select: profileSelect });
  return row ? toProfile(row) : undefined;
}

export type RegistrationResult =
  | { kind: "registered"; volunteerId: string }
  | { kind: "updated"; volunteerId: string; status: VolunteerProfile["status"] }
  | { kind: "no-consent" };

/**
 * Registers (or updates) a volunteer. A new or previously rejected registration waits for a coordinator,
 * who gets it in Slack with Approve / Reject; no offer reaches a volunteer before approval.
 *
 * @example
 * await registerVolunteer(db, 4711, { firstName: "Yusuf", roles: ["INTERPRETER"], … }, { coordinatorChannel: "C0123" });
 */
export async function registerVolunteer(
  db: Database,
  telegramId: number,
  registration: VolunteerRegistration,
  settings: Pick<CoreSettings, "coordinatorChannel">,
): Promise<RegistrationResult> {
  return db.transaction(async (tx) => {
    const user = await tx.prisma.telegramUser.findUnique({ where: { telegramId }, select: { id: true, consentAt: true, volunteer: { select: { id: true, status: true } } } });
    if (!user?.consentAt) return { kind: "no-consent" };
    const fields = {
      firstName: registration.firstName,
      roles: registration.roles,
      germanLevel: registration.germanLevel,
      districts: registration.districts,
      remoteOnly: registration.remoteOnly,
      weeklyCapacity: registration.weeklyCapacity,
      gender: registration.gender ?? null,
      conductAcceptedAt: new Date(),
    };
    const existing = user.volunteer;
    const volunteer = existing
      ? await tx.prisma.volunteer.update({
          where: { id: existing.id },
          data: { ...fields, ...(existing.status === "REJECTED" ? { status: "PENDING", decidedAt: null, decidedBy: null } : {}) },
          select: { id: true, status: true },
        })
      : await tx.prisma.volunteer.create({ data: { ...fields, userId: user.id }, select: { id: true, status: true } });
    await tx.prisma.volunteerLanguage.deleteMany({ where: { volunteerId: volunteer.id } });
    await tx.prisma.volunteerLanguage.createMany({ data: registration.languages.map((l) => ({ volunteerId: volunteer.id, ...l })) });
    if (volunteer.status === "PENDING") {
      await rememberCard(tx, volunteer.id, await tellSlack(tx, settings.coordinatorChannel, { kind: "post", template: "volunteer-registration", id: volunteer.id }));
    }
    return existing ? { kind: "updated", volunteerId: volunteer.id, status: volunteer.status } : { kind: "registered", volunteerId: volunteer.id };
  });
}

export type Decision = "APPROVED" | "REJECTED";
export type DecisionResult =
  | { kind: "decided"; status: Decision; firstName: string }
  | { kind: "already-decided"; status: VolunteerProfile["status"]; by: string | null }
  | { kind: "not-found" };

/**
 * A coordinator approves or rejects a pending volunteer; the first decision counts, and the volunteer is
 * told the outcome in their language.
 */
export async function decideVolunteer(db: Database, volunteerId: string, decision: Decision, coordinator: string): Promise<DecisionResult> {
  return db.transaction(async (tx) => {
    const changed = await tx.prisma.volunteer.updateMany({
      where: { id: volunteerId, status: "PENDING" },
      data: { status: decision, decidedBy: coordinator, decidedAt: new Date() },
    });
    const volunteer = await tx.prisma.volunteer.findUnique({
      where: { id: volunteerId },
      select: { firstName: true, status: true, decidedBy: true, user: { select: { telegramId: true, locale: true } } },
    });
    if (!volunteer) return { kind: "not-found" };
    if (changed.count === 0) return { kind: "already-decided", status: volunteer.status, by: volunteer.decidedBy };
    const locale = localeOr(volunteer.user.locale);
    await tell(tx, volunteer.user.telegramId, {
      kind: "send",
      locale,
      parts: [t(decision === "APPROVED" ? "volunteer.approved" : "volunteer.rejected", { name: volunteer.firstName })],
    });
    if (decision === "APPROVED") await tell(tx, volunteer.user.telegramId, { kind: "commands", set: "volunteer", locale });
    return { kind: "decided", status: decision, firstName: volunteer.firstName };
  });
}

/** `/pause` and `/resume`: a paused volunteer gets no offers. */
export async function setPaused(db: DbOrTx, telegramId: number, paused: boolean): Promise<"done" | "not-volunteer"> {
  const { count } = await db.prisma.volunteer.updateMany({ where: { user: { telegramId } }, data: { paused } });
  return count === 0 ? "not-volunteer" : "done";
}

/** Remembers a card about the volunteer in the coordinators' channel, to show it as erased when they erase their data. */
export async function rememberCard(q: Queryable, volunteerId: string, outboxId: bigint): Promise<void> {
  await q.sql(`UPDATE "Volunteer" SET "cardOutboxIds" = array_append("cardOutboxIds", $2::bigint) WHERE id = $1`, [volunteerId, String(outboxId)]);
}
