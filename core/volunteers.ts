import { Prisma } from "../generated/prisma/client.js";
import type { Database, DbOrTx, Queryable } from "./db.js";
import { localeOr, type Locale } from "./i18n.js";
import { tellSlack } from "./outbox.js";
import type { CoreSettings } from "./settings.js";
import type { GermanLevel, Level, Role } from "./vocabulary.js";

/** What a coordinator vets: who the volunteer says they are and what they can do. */
export type Vetted = {
  firstName: string;
  roles: Role[];
  languages: { language: string; level: Level }[];
  /** Only mentors are asked; WOMAN or MAN. */
  gender?: "WOMAN" | "MAN";
};

/** What a volunteer tells about themselves in `/volunteer`. */
export type VolunteerRegistration = Vetted & {
  germanLevel: GermanLevel;
  districts: string[];
  remoteOnly: boolean;
  weeklyCapacity: number;
};

export type VolunteerStatus = "PENDING" | "APPROVED" | "REJECTED" | "SUSPENDED";

/** A volunteer as approved (what matching uses), with a change they asked for that waits for a coordinator. */
export type VolunteerProfile = VolunteerRegistration & {
  id: string;
  status: VolunteerStatus;
  paused: boolean;
  locale: Locale;
  telegramId: bigint;
  decidedBy: string | null;
  requestedChange: Vetted | null;
};

const profileSelect = {
  id: true,
  firstName: true,
  roles: true,
  gender: true,
  germanLevel: true,
  districts: true,
  remoteOnly: true,
  weeklyCapacity: true,
  status: true,
  paused: true,
  decidedBy: true,
  requestedChange: true,
  languages: { select: { language: true, level: true }, orderBy: { language: "asc" } },
  user: { select: { telegramId: true, locale: true } },
} as const satisfies Prisma.VolunteerSelect;

type ProfileRow = Prisma.VolunteerGetPayload<{ select: typeof profileSelect }>;

function toProfile(row: ProfileRow): VolunteerProfile {
  return {
    id: row.id,
    firstName: row.firstName,
    roles: row.roles as Role[],
    languages: row.languages.map((l) => ({ language: l.language, level: l.level as Level })),
    ...(row.gender === "WOMAN" || row.gender === "MAN" ? { gender: row.gender } : {}),
    germanLevel: row.germanLevel as GermanLevel,
    districts: row.districts,
    remoteOnly: row.remoteOnly,
    weeklyCapacity: row.weeklyCapacity,
    status: row.status,
    paused: row.paused,
    locale: localeOr(row.user.locale),
    telegramId: row.user.telegramId,
    decidedBy: row.decidedBy,
    requestedChange: (row.requestedChange as Vetted | null) ?? null,
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

/**
 * Approved and suspended volunteers, for the coordinators' overview (pending ones come as cards). The
 * suspended come first: they wait for a coordinator, and many approved ones must not push them past `limit`.
 */
export async function vettedVolunteers(db: DbOrTx, limit: number): Promise<VolunteerProfile[]> {
  const rows = await db.prisma.volunteer.findMany({
    where: { status: { in: ["APPROVED", "SUSPENDED"] } },
    // The enum's order is PENDING, APPROVED, REJECTED, SUSPENDED.
    orderBy: [{ status: "desc" }, { firstName: "asc" }],
    take: limit,
    select: profileSelect,
  });
  return rows.map(toProfile);
}

export type RegistrationResult =
  | { kind: "registered"; volunteerId: string }
  | { kind: "updated"; volunteerId: string; status: VolunteerStatus }
  /** An approved volunteer changed what a coordinator vets: it applies once a coordinator agrees. */
  | { kind: "change-pending"; volunteerId: string }
  | { kind: "no-consent" };

/** Same first name, roles, languages with levels and gender. */
export function sameVetted(a: Vetted, b: Vetted): boolean {
  const languages = (v: Vetted) => JSON.stringify([...v.languages].sort((x, y) => x.language.localeCompare(y.language)));
  return a.firstName === b.firstName && [...a.roles].sort().join() === [...b.roles].sort().join() && languages(a) === languages(b) && (a.gender ?? null) === (b.gender ?? null);
}

/**
 * Registers a volunteer, or takes what they change. A new (or previously rejected) registration waits for a
 * coordinator, who gets it in Slack with Approve / Reject; no offer reaches a volunteer before approval. Once
 * approved, what a coordinator vets – first name, roles, languages and levels, gender – is not changed by
 * the volunteer: the change waits as a "changes" card, and matching keeps using what was approved. Where
 * they go and how often (districts, by phone only, jobs a week, German) applies at once.
 *
 * @example
 * await registerVolunteer(db, 4711, { firstName: "Yusuf", roles: ["INTERPRETER"], … }, settings);
 */
export async function registerVolunteer(db: Database, telegramId: number, registration: VolunteerRegistration, settings: Pick<CoreSettings, "coordinatorChannel">): Promise<RegistrationResult> {
  return db.transaction(async (tx) => {
    const user = await tx.prisma.telegramUser.findUnique({ where: { telegramId }, select: { id: true, consentAt: true, volunteer: { select: profileSelect } } });
    if (!user?.consentAt) return { kind: "no-consent" };
    const { firstName, roles, languages, gender } = registration;
    const vetted: Vetted = { firstName, roles, languages, ...(gender ? { gender } : {}) };
    const practical = {
      germanLevel: registration.germanLevel,
      districts: registration.districts,
      remoteOnly: registration.remoteOnly,
      weeklyCapacity: registration.weeklyCapacity,
      conductAcceptedAt: new Date(),
    };
    const existing = user.volunteer ? toProfile(user.volunteer) : undefined;

    if (existing && (existing.status === "APPROVED" || existing.status === "SUSPENDED")) {
      const unchanged = sameVetted(existing, vetted);
      const volunteer = await tx.prisma.volunteer.update({
        where: { id: existing.id },
        data: { ...practical, requestedChange: unchanged ? Prisma.DbNull : (vetted as Prisma.InputJsonObject) },
        select: { id: true, changeOutboxId: true },
      });
      if (unchanged) {
        // A change asked for earlier is withdrawn: its card says so.
        if (existing.requestedChange && volunteer.changeOutboxId !== null) {
          await tellSlack(tx, settings.coordinatorChannel, { kind: "update", template: "volunteer-changes", id: volunteer.id, outboxId: String(volunteer.changeOutboxId) });
        }
        return { kind: "updated", volunteerId: volunteer.id, status: existing.status };
      }
      // An undecided card shows the latest wish; a decided one stays as it was decided, and a new one is posted.
      if (volunteer.changeOutboxId !== null && existing.requestedChange) {
        await tellSlack(tx, settings.coordinatorChannel, { kind: "update", template: "volunteer-changes", id: volunteer.id, outboxId: String(volunteer.changeOutboxId) });
      } else {
        const changeOutboxId = await tellSlack(tx, settings.coordinatorChannel, { kind: "post", template: "volunteer-changes", id: volunteer.id });
        await tx.prisma.volunteer.update({ where: { id: volunteer.id }, data: { changeOutboxId } });
        await rememberCard(tx, volunteer.id, changeOutboxId);
      }
      return { kind: "change-pending", volunteerId: volunteer.id };
    }

    const fields = { ...practical, firstName, roles, gender: gender ?? null, requestedChange: Prisma.DbNull };
    const volunteer = existing
      ? await tx.prisma.volunteer.update({ where: { id: existing.id }, data: { ...fields, status: "PENDING", decidedAt: null, decidedBy: null }, select: { id: true } })
      : await tx.prisma.volunteer.create({ data: { ...fields, userId: user.id }, select: { id: true } });
    await tx.prisma.volunteerLanguage.deleteMany({ where: { volunteerId: volunteer.id } });
    await tx.prisma.volunteerLanguage.createMany({ data: languages.map((l) => ({ volunteerId: volunteer.id, ...l })) });
    await rememberCard(tx, volunteer.id, await tellSlack(tx, settings.coordinatorChannel, { kind: "post", template: "volunteer-registration", id: volunteer.id }));
    return existing ? { kind: "updated", volunteerId: volunteer.id, status: "PENDING" } : { kind: "registered", volunteerId: volunteer.id };
  });
}

/** `/pause` and `/resume`: a paused volunteer gets no offers. */
export async function setPaused(db: DbOrTx, telegramId: number, paused: boolean): Promise<"done" | "not-volunteer"> {
  const { count } = await db.prisma.volunteer.updateMany({ where: { user: { telegramId }, status: { in: ["APPROVED", "PENDING"] } }, data: { paused } });
  return count === 0 ? "not-volunteer" : "done";
}

/** Remembers a card about the volunteer in the coordinators' channel, to show it as erased when they erase their data. */
export async function rememberCard(q: Queryable, volunteerId: string, outboxId: bigint): Promise<void> {
  await q.sql(`UPDATE "Volunteer" SET "cardOutboxIds" = array_append("cardOutboxIds", $2::bigint) WHERE id = $1`, [volunteerId, String(outboxId)]);
}
