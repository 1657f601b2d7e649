import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach } from "vitest";
import { DEMO } from "../../bot/config.js";
import type { Authority } from "../../core/authority.js";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { createDatabase, type Database } from "../../core/db.js";
import type { Locale } from "../../core/i18n.js";
import { createCore, type Core, type Member } from "../../core/index.js";
import type { RequestDraft } from "../../core/requests.js";
import type { CoreSettings, DispatchSettings } from "../../core/settings.js";
import type { VolunteerRegistration } from "../../core/volunteers.js";
import { PrismaClient } from "../../generated/prisma/client.js";
import { databaseUrl } from "./env.js";
import { createTestDatabase, dropTestDatabase } from "./test-database.js";

export const COORDINATOR = "U0COORD";
/** The test network's Slack workspace and channels. */
export const TEAM = "T0TEST";
export const COORDINATOR_CHANNEL = "C0COORD";
export const NETWORK_CHANNEL = "C0NETWORK";
/** The test network, as the configuration names it (Beckum with its four districts). */
export const TOWN = { ...DEMO.network, districts: [...DEMO.network.districts] };

/** Slack as the core tests see it: one coordinator in the coordinators' channel, and everybody in every other channel. */
export const testAuthority: Authority = {
  isMember: async (_teamId, channel, slackUserId) => channel !== COORDINATOR_CHANNEL || slackUserId === COORDINATOR,
};
/** The coordinator, acting (in the test network's workspace). */
export const coordinator = { slackUserId: COORDINATOR, teamId: TEAM };

/** A Slack member of a workspace, in its network (a test of core acting as Slack's handlers do). */
export async function memberIn(core: Core, actor: { slackUserId: string; teamId?: string }): Promise<Member> {
  const member = await core.member({ teamId: TEAM, ...actor });
  if (!member) throw new Error(`the workspace ${actor.teamId ?? TEAM} serves no network`);
  return member;
}

/** The test network's coordinator, as Slack's handlers get them. */
export const coordinatorIn = (core: Core): Promise<Member> => memberIn(core, coordinator);

/** Creates the test network and links its workspace, as the composition root does at start. Returns its id. */
export async function createTown(core: Core): Promise<string> {
  const id = await core.networks.ensureFirst(TOWN);
  await core.networks.linkConfigured(id, { teamId: TEAM, coordinatorChannel: COORDINATOR_CHANNEL, networkChannel: NETWORK_CHANNEL });
  return id;
}

/** The network's settings with the production defaults; a test changes the dispatch settings its rule is about. */
export function testSettings(dispatch: Partial<DispatchSettings> = {}): CoreSettings {
  return {
    dispatch: {
      waveSize: 3,
      waveIntervalMs: 10 * 60_000,
      strictWaves: 2,
      escalateAfterMs: 30 * 60_000,
      searchTimeoutMs: 48 * 3600_000,
      stopBeforeAppointmentMs: 2 * 3600_000,
      quietMs: 30 * 60_000,
      ...dispatch,
    },
    reminders: { eveningHour: 18, beforeMs: 3600_000 },
    limits: { openPerKind: 3, perDay: 5 },
    meetings: { reminderOffsetsMs: [3 * 86_400_000, 2 * 3600_000] },
    timeZone: "Europe/Berlin",
    retentionDays: 90,
    closing: { afterAppointmentMs: 3 * 86_400_000, asapAfterMatchMs: 14 * 86_400_000, mentoringReviewMs: 180 * 86_400_000 },
    ballotSecret: "core-tests-ballot-secret-0123456789",
  };
}

/** Core on a database of its own, without any platform, queue or worker: committed outbox rows stay in the table. */
export type CoreOnDatabase = {
  database: Database;
  /** The test network's id (created again after each {@link CoreOnDatabase.clear}). */
  town: string;
  /** Bound to {@link testSettings}() unless given other dispatch settings. */
  core: Core;
  /** Another core on the same database, with other dispatch settings. */
  coreWith(dispatch: Partial<DispatchSettings>): Core;
  /** Empties every table, so that the next test of the file starts from nothing. */
  clear(): Promise<void>;
  close(): Promise<void>;
};

/**
 * A fresh copy of the migrated template (one per test file), and core bound to it as the composition root
 * binds it: `createCore(createDatabase(prisma, pool), settings)`.
 */
export async function openCore(dispatch: Partial<DispatchSettings> = {}): Promise<CoreOnDatabase> {
  const name = await createTestDatabase();
  const pool = new pg.Pool({ connectionString: databaseUrl(name), max: 20 });
  // A connection still closing when the database is dropped hears "terminating connection": nothing to do.
  pool.on("error", () => undefined);
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  const database = createDatabase(prisma, pool);
  const core = createCore(database, testSettings(dispatch), testAuthority);
  const opened: CoreOnDatabase = {
    database,
    town: await createTown(core),
    core,
    coreWith: (other) => createCore(database, testSettings({ ...dispatch, ...other }), testAuthority),
    clear: async () => {
      // DELETE rather than TRUNCATE: for a test's few rows it is a hundred times faster. Every foreign key
      // cascades or sets null, so the order does not matter.
      const tables = await database.sql<{ name: string }>(
        `SELECT format('%I.%I', schemaname, tablename) AS name FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'`,
        [],
      );
      await database.sqlTransaction(async (tx) => {
        for (const { name } of tables) await tx.sql(`DELETE FROM ${name}`, []);
      });
      opened.town = await createTown(core);
    },
    close: async () => {
      await prisma.$disconnect();
      await pool.end();
      await dropTestDatabase(name);
    },
  };
  return opened;
}

export type VolunteerSetup = Partial<VolunteerRegistration> & {
  /** What the coordinator decides; "PENDING": nobody has decided yet. */
  decision?: "APPROVED" | "REJECTED" | "PENDING";
  locale?: Locale;
};

/**
 * A volunteer set up through core as the bot does it: language, consent, registration, a coordinator's
 * decision. By default an approved interpreter for Arabic (native) who goes to Beckum, three jobs a week.
 */
export async function volunteer(core: Core, telegramId: number, setup: VolunteerSetup = {}): Promise<string> {
  const { decision = "APPROVED", locale = "de", ...registration } = setup;
  await core.users.chooseLocale(telegramId, locale);
  await core.users.giveConsent(telegramId);
  const town = await inTown(core, telegramId);
  const result = await core.volunteers.register(telegramId, {
    networks: [town],
    firstName: `Volunteer${telegramId}`,
    roles: ["INTERPRETER"],
    languages: [{ language: "ar", level: "NATIVE" }],
    germanLevel: "C1_C2",
    districts: ["BECKUM"],
    remoteOnly: false,
    weeklyCapacity: 3,
    ...registration,
  });
  if (!("volunteerId" in result)) throw new Error(`volunteer ${telegramId}: ${result.kind}`);
  if (decision !== "PENDING") await (await coordinatorIn(core)).volunteers.decide(result.volunteerId, decision);
  return result.volunteerId;
}

/** Places a person in the test network's town, as the onboarding does; returns the town's id. */
async function inTown(core: Core, telegramId: number): Promise<string> {
  const town = await core.networks.bySlug(TOWN.slug);
  if (!town) throw new Error("the test network is missing");
  await core.users.placeIn(telegramId, town.id);
  return town.id;
}

/** A newcomer who picked a language, accepted the privacy notice and lives in the test network's town. */
export async function newcomer(core: Core, telegramId: number, locale: Locale = "ar"): Promise<void> {
  await core.users.chooseLocale(telegramId, locale);
  await core.users.giveConsent(telegramId);
  await inTown(core, telegramId);
}

/** A newcomer's request as the dialogue confirms it; its first tick is due at once. */
export async function ask(core: Core, telegramId: number, draft: RequestDraft): Promise<string> {
  const result = await core.requests.create(telegramId, draft, `${telegramId}:${randomUUID()}`);
  if (result.kind !== "created" && result.kind !== "exists") throw new Error(`newcomer ${telegramId}: ${result.kind}`);
  return result.requestId;
}

export type OfferSeen = { id: string; telegramId: number; wave: number; status: string };

/** The offers of a request, wave by wave, each with the Telegram id of the volunteer it went to. */
export async function offersOf(database: Database, requestId: string): Promise<OfferSeen[]> {
  const offers = await database.prisma.offer.findMany({
    where: { requestId },
    orderBy: [{ wave: "asc" }, { volunteer: { user: { telegramId: "asc" } } }],
    select: { id: true, wave: true, status: true, volunteer: { select: { user: { select: { telegramId: true } } } } },
  });
  return offers.map((o) => ({ id: o.id, telegramId: Number(o.volunteer.user.telegramId), wave: o.wave, status: o.status }));
}

/** The Telegram ids a request was offered to, in the order of the offers (within a wave: by Telegram id). */
export async function offeredTo(database: Database, requestId: string): Promise<number[]> {
  return (await offersOf(database, requestId)).map((o) => o.telegramId);
}

/**
 * What core has told a person or a channel so far, oldest first, as the outbox holds it: the first
 * translation key of each Telegram message, or the Slack template (`post:poll`, `update:poll`).
 */
export async function toldTo(database: Database, recipient: number | string): Promise<string[]> {
  const rows = await database.prisma.outbox.findMany({ where: { recipient: String(recipient) }, orderBy: { id: "asc" }, select: { payload: true } });
  return rows.map(({ payload }) => {
    const intent = (payload ?? {}) as { kind?: string; template?: string; parts?: { key?: string }[] };
    return intent.template ? `${intent.kind}:${intent.template}` : (intent.parts?.[0]?.key ?? String(intent.kind));
  });
}

/**
 * One database for the test file, emptied before each test: call once at the top of a file. The returned
 * object reads the opened core when a test runs.
 *
 * @example
 * const world = useCore();
 * it("…", async () => { await world.core.wakeUps.request(id); });
 */
export function useCore(): Pick<CoreOnDatabase, "database" | "core" | "coreWith" | "town"> {
  let opened: CoreOnDatabase | undefined;
  const world = () => {
    if (!opened) throw new Error("useCore(): the database is not open yet (use it inside a test)");
    return opened;
  };
  beforeAll(async () => {
    opened = await openCore();
  });
  afterAll(async () => {
    await opened?.close();
  });
  beforeEach(async () => {
    await world().clear();
  });
  return {
    get database() {
      return world().database;
    },
    get core() {
      return world().core;
    },
    get town() {
      return world().town;
    },
    coreWith: (dispatch) => world().coreWith(dispatch),
  };
}
