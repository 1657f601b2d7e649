import { Prisma } from "../generated/prisma/client.js";
import type { Database, DbOrTx, Queryable } from "./db.js";
import { localeOr, type Locale } from "./i18n.js";
import { tellCoordinators, type District } from "./networks.js";
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

/** A town a volunteer serves, and what its coordinators decided. */
export type ServedNetwork = { id: string; name: string; status: VolunteerStatus; decidedBy: string | null };

/**
 * A volunteer as approved (what matching uses), with a change they asked for that waits for a coordinator.
 * `status` and `decidedBy` are one town's decision when read for its coordinators (and `networks` that town
 * only), else the best of all (approved somewhere, else suspended, pending, rejected).
 */
export type VolunteerProfile = VolunteerRegistration & {
  id: string;
  status: VolunteerStatus;
  paused: boolean;
  locale: Locale;
  telegramId: bigint;
  decidedBy: string | null;
  requestedChange: Vetted | null;
  /** Who last decided on a change the volunteer asked for (any town that approved them may). */
  changeDecidedBy: string | null;
  networks: ServedNetwork[];
  /** The names of the districts they go to, from their towns. */
  districtNames: string[];
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
  paused: true,
  requestedChange: true,
  changeDecidedBy: true,
  languages: { select: { language: true, level: true }, orderBy: { language: "asc" } },
  networks: { select: { status: true, decidedBy: true, network: { select: { id: true, name: true, districts: true } } }, orderBy: { network: { name: "asc" } } },
  user: { select: { telegramId: true, locale: true } },
} as const satisfies Prisma.VolunteerSelect;

type ProfileRow = Prisma.VolunteerGetPayload<{ select: typeof profileSelect }>;

const STATUS_ORDER: VolunteerStatus[] = ["APPROVED", "SUSPENDED", "PENDING", "REJECTED"];

/** The decision that says most about a volunteer: approved anywhere, else suspended, pending, rejected. */
export function overallStatus(networks: Pick<ServedNetwork, "status">[]): VolunteerStatus {
  return STATUS_ORDER.find((status) => networks.some((n) => n.status === status)) ?? "PENDING";
}

function toProfile(row: ProfileRow, networkId?: string): VolunteerProfile {
  const networks = row.networks.map((n) => ({ id: n.network.id, name: n.network.name, status: n.status, decidedBy: n.decidedBy }));
  const here = networkId ? networks.find((n) => n.id === networkId) : networks.find((n) => n.status === overallStatus(networks));
  // Read for one town, only its districts are named (where else they help is the other towns' business).
  const names = new Map(row.networks.filter((n) => !networkId || n.network.id === networkId).flatMap((n) => (n.network.districts as District[]).map((d) => [d.code, d.name] as const)));
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
    status: here?.status ?? "PENDING",
    paused: row.paused,
    locale: localeOr(row.user.locale),
    telegramId: row.user.telegramId,
    decidedBy: here?.decidedBy ?? null,
    requestedChange: (row.requestedChange as Vetted | null) ?? null,
    changeDecidedBy: row.changeDecidedBy,
    // A town's coordinators see their own decision; what another town decided (and who) is that town's.
    networks: networkId ? networks.filter((n) => n.id === networkId) : networks,
    districtNames: row.districts.flatMap((code) => (names.has(code) ? [names.get(code) ?? code] : networkId ? [] : [code])),
  };
}

export async function volunteerOf(db: DbOrTx, telegramId: number): Promise<VolunteerProfile | undefined> {
  const row = await db.prisma.volunteer.findFirst({ where: { user: { telegramId } }, select: profileSelect });
  return row ? toProfile(row) : undefined;
}

/** A volunteer as one town's coordinators see them: undefined unless they serve (or asked to serve) that town. */
export async function volunteerIn(db: DbOrTx, networkId: string, id: string): Promise<VolunteerProfile | undefined> {
  const row = await db.prisma.volunteer.findFirst({ where: { id, networks: { some: { networkId } } }, select: profileSelect });
  return row ? toProfile(row, networkId) : undefined;
}

/**
 * A town's approved and suspended volunteers, for its coordinators' overview (pending ones come as cards).
 * The suspended come first: they wait for a coordinator, and many approved ones must not push them past `limit`.
 */
export async function vettedVolunteers(db: DbOrTx, networkId: string, limit: number): Promise<VolunteerProfile[]> {
  const inTown = async (status: "SUSPENDED" | "APPROVED", take: number) =>
    take <= 0 ? [] : db.prisma.volunteer.findMany({ where: { networks: { some: { networkId, status } } }, orderBy: { firstName: "asc" }, take, select: profileSelect });
  const suspended = await inTown("SUSPENDED", limit);
  const approved = await inTown("APPROVED", limit - suspended.length);
  return [...suspended, ...approved].map((row) => toProfile(row, networkId));
}

export type RegistrationResult =
  | { kind: "registered"; volunteerId: string }
  | { kind: "updated"; volunteerId: string; status: VolunteerStatus }
  /** An approved volunteer changed what a coordinator vets: it applies once a coordinator agrees. */
  | { kind: "change-pending"; volunteerId: string }
  /** No town chosen, or one that is not a town. */
  | { kind: "no-town" }
  | { kind: "no-consent" };

/** Same first name, roles, languages with levels and gender. */
export function sameVetted(a: Vetted, b: Vetted): boolean {
  const languages = (v: Vetted) => JSON.stringify([...v.languages].sort((x, y) => x.language.localeCompare(y.language)));
  return a.firstName === b.firstName && [...a.roles].sort().join() === [...b.roles].sort().join() && languages(a) === languages(b) && (a.gender ?? null) === (b.gender ?? null);
}

type Membership = { networkId: string; status: VolunteerStatus; changeOutboxId: bigint | null };

/**
 * Registers a volunteer for the towns they choose, or takes what they change. Each town's coordinators get a
 * registration card in their Slack with Approve / Reject and decide for their town; no offer of a town reaches
 * a volunteer before its approval. Once approved somewhere, what a coordinator vets – first name, roles,
 * languages and levels, gender – is not changed by the volunteer: the change waits as a "changes" card in the
 * towns that approved them (the first decision counts), and matching keeps using what was approved. Where
 * they go and how often (districts, by phone only, jobs a week, German) applies at once. A town left is
 * left (a suspension stays); a town added, or one that rejected them before, gets a new card.
 *
 * @example
 * await registerVolunteer(db, 4711, { firstName: "Yusuf", roles: ["INTERPRETER"], networks: ["beckum"], … });
 */
export async function registerVolunteer(db: Database, telegramId: number, registration: VolunteerRegistration & { networks: string[] }): Promise<RegistrationResult> {
  return db.transaction(async (tx) => {
    const user = await tx.prisma.telegramUser.findUnique({ where: { telegramId }, select: { id: true, consentAt: true, volunteer: { select: profileSelect } } });
    if (!user?.consentAt) return { kind: "no-consent" };
    const wanted = (await tx.prisma.network.findMany({ where: { id: { in: registration.networks }, kind: "TOWN" }, select: { id: true } })).map((n) => n.id);
    if (wanted.length === 0) return { kind: "no-town" };
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
    const memberships: Membership[] = existing
      ? await tx.prisma.volunteerNetwork.findMany({ where: { volunteerId: existing.id }, select: { networkId: true, status: true, changeOutboxId: true } })
      : [];
    const vettedSomewhere = memberships.some((m) => m.status === "APPROVED" || m.status === "SUSPENDED");

    let result: RegistrationResult;
    let volunteerId: string;
    if (existing && vettedSomewhere) {
      volunteerId = existing.id;
      const unchanged = sameVetted(existing, vetted);
      await tx.prisma.volunteer.update({ where: { id: existing.id }, data: { ...practical, requestedChange: unchanged ? Prisma.DbNull : (vetted as Prisma.InputJsonObject) } });
      for (const m of memberships.filter((m) => m.status === "APPROVED" || m.status === "SUSPENDED")) {
        if (m.changeOutboxId !== null && existing.requestedChange) {
          // An undecided card shows the latest wish (or that it was withdrawn).
          await tellCoordinators(tx, m.networkId, { kind: "update", template: "volunteer-changes", id: existing.id, outboxId: String(m.changeOutboxId) });
        } else if (!unchanged) {
          // A decided card stays as it was decided; a new one is posted.
          const changeOutboxId = await tellCoordinators(tx, m.networkId, { kind: "post", template: "volunteer-changes", id: existing.id });
          if (changeOutboxId !== null) await rememberCard(tx, existing.id, changeOutboxId);
          await tx.prisma.volunteerNetwork.update({ where: { volunteerId_networkId: { volunteerId: existing.id, networkId: m.networkId } }, data: { changeOutboxId } });
        }
      }
      result = unchanged ? { kind: "updated", volunteerId, status: overallStatus(memberships) } : { kind: "change-pending", volunteerId };
    } else {
      const fields = { ...practical, firstName, roles, gender: gender ?? null, requestedChange: Prisma.DbNull };
      volunteerId = existing
        ? (await tx.prisma.volunteer.update({ where: { id: existing.id }, data: fields, select: { id: true } })).id
        : (await tx.prisma.volunteer.create({ data: { ...fields, userId: user.id }, select: { id: true } })).id;
      await tx.prisma.volunteerLanguage.deleteMany({ where: { volunteerId } });
      await tx.prisma.volunteerLanguage.createMany({ data: languages.map((l) => ({ volunteerId, ...l })) });
      result = existing ? { kind: "updated", volunteerId, status: "PENDING" } : { kind: "registered", volunteerId };
    }

    // Towns left: gone from them, unless suspended there (a suspension is not escaped by leaving and coming back).
    await tx.prisma.volunteerNetwork.deleteMany({ where: { volunteerId, networkId: { notIn: wanted }, status: { not: "SUSPENDED" } } });
    // Towns new, and towns that rejected them before: a new card for their coordinators.
    for (const networkId of wanted) {
      const membership = memberships.find((m) => m.networkId === networkId);
      if (membership && membership.status !== "REJECTED" && !(membership.status === "PENDING" && !vettedSomewhere)) continue;
      const cardOutboxId = await tellCoordinators(tx, networkId, { kind: "post", template: "volunteer-registration", id: volunteerId });
      if (cardOutboxId !== null) await rememberCard(tx, volunteerId, cardOutboxId);
      await tx.prisma.volunteerNetwork.upsert({
        where: { volunteerId_networkId: { volunteerId, networkId } },
        create: { volunteerId, networkId, cardOutboxId },
        update: { status: "PENDING", decidedBy: null, decidedAt: null, cardOutboxId },
      });
    }
    return result;
  });
}

/** `/pause` and `/resume`: a paused volunteer gets no offers. */
export async function setPaused(db: DbOrTx, telegramId: number, paused: boolean): Promise<"done" | "not-volunteer"> {
  const { count } = await db.prisma.volunteer.updateMany({
    where: { user: { telegramId }, networks: { some: { status: { in: ["APPROVED", "PENDING"] } } } },
    data: { paused },
  });
  return count === 0 ? "not-volunteer" : "done";
}

/** Remembers a card about the volunteer in the coordinators' channel, to show it as erased when they erase their data. */
export async function rememberCard(q: Queryable, volunteerId: string, outboxId: bigint): Promise<void> {
  await q.sql(`UPDATE "Volunteer" SET "cardOutboxIds" = array_append("cardOutboxIds", $2::bigint) WHERE id = $1`, [volunteerId, String(outboxId)]);
}
