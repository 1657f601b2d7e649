import { ConfigError, loadConfig, StartupError, type Config } from "../bot/config.js";
import { openDatabase } from "../bot/database.js";
import { embeddedDir, embeddedHolder } from "../bot/embedded-lock.js";
import { databaseAnswers } from "../bot/preflight.js";
import { contactPointSchema, leisureOfferSchema } from "../core/catalog.js";
import { ensureFirstNetwork } from "../core/networks.js";
import { projectPath } from "../core/paths.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { readCatalogFile } from "./import-catalog.js";

/** The two working groups the network decided on in February 2024 (seed document). */
export const WORKING_GROUPS = [
  {
    slug: "kontakt-mit-behoerden",
    name: "AG Kontakt mit Behörden",
    description:
      "Verlässliche Anlaufstellen mit interkulturell geschultem Personal, die Menschen bei Anträgen und in der Korrespondenz mit Behörden unterstützen.",
  },
  {
    slug: "zusammenleben-gestalten",
    name: "AG Zusammenleben gestalten",
    description:
      "Geflüchtete und neuzugewanderte Menschen nach ihren Interessen fragen und passende Freizeitangebote vermitteln oder initiieren.",
  },
] as const;

/** Events the network takes part in (seed document); their dates are not known yet, so none is invented. */
export const NETWORK_EVENTS = [
  { name: "Fest der Kulturen", description: "Das Integrationsnetzwerk beteiligt sich am Fest der Kulturen. (Beispieldaten: Termin folgt)" },
] as const;

/** What a seed added; what was there already stays as it is. */
export type Seeded = { workingGroups: number; events: number; contactPoints: number; leisureOffers: number };

/**
 * A network's starting point: Beckum's working groups and events from the seed document, and the example
 * catalogue (marked as example data). Idempotent: running it again changes nothing that coordinators edited
 * since, and adds only what is missing.
 */
export async function seedNetwork(db: PrismaClient, networkId: string): Promise<Seeded> {
  const { workingGroups, events } = await seedWorkingGroups(db, networkId);
  const catalog = readCatalogFile(projectPath("prisma", "example-catalog.yaml")) as { contactPoints: unknown[]; leisureOffers: unknown[] };
  const points = catalog.contactPoints.map((entry) => contactPointSchema.parse(entry));
  const offers = catalog.leisureOffers.map((entry) => leisureOfferSchema.parse(entry));
  // Unique per network by name and title: an entry already there (edited since or not) is skipped.
  const contactPoints = await db.contactPoint.createMany({ data: points.map((point) => ({ ...point, networkId, translations: point.translations ?? undefined })), skipDuplicates: true });
  const leisureOffers = await db.leisureOffer.createMany({ data: offers.map((offer) => ({ ...offer, networkId, translations: offer.translations ?? undefined })), skipDuplicates: true });
  return { workingGroups, events, contactPoints: contactPoints.count, leisureOffers: leisureOffers.count };
}

/**
 * The working groups and events of the seed document alone, without Beckum's example catalogue (another town's
 * newcomers would find Beckum's offices in it). Idempotent.
 */
export async function seedWorkingGroups(db: PrismaClient, networkId: string): Promise<Pick<Seeded, "workingGroups" | "events">> {
  const groups = await db.workingGroup.createMany({ data: WORKING_GROUPS.map((group) => ({ ...group, networkId })), skipDuplicates: true });
  const events = await db.networkEvent.createMany({ data: NETWORK_EVENTS.map((event) => ({ ...event, networkId })), skipDuplicates: true });
  return { workingGroups: groups.count, events: events.count };
}

/**
 * `npm run db:seed [-- <network slug>]`: seeds the database the product runs on with the same settings – the one
 * at DATABASE_URL, or the embedded one in DATA_DIR (through the running product while `npm start` holds it) –
 * and says what it added where. The configuration's network is created if it is not there yet.
 */
async function seedFromCommandLine(slugGiven: string | undefined): Promise<number> {
  const config = loadConfig();
  const dir = "embedded" in config.database ? embeddedDir(config.database.dataDir) : undefined;
  // A running product holds the embedded database: the seed goes through it.
  const holder = dir === undefined ? undefined : embeddedHolder(dir);
  if (dir === undefined) await databaseAnswers(config);
  if (dir !== undefined && holder && !holder.url) throw new StartupError(`DATA_DIR: the embedded database in ${dir} is still starting in process ${holder.pid}: try again in a moment.`);
  const database = await openDatabase(holder?.url ? { ...config, database: { url: holder.url } } : config, { migrate: !holder });
  const where = dir === undefined ? `the database at ${databaseHost(config)}` : `the embedded database in ${dir}${holder ? ` (through the running process ${holder.pid})` : ""}`;
  try {
    const slug = slugGiven ?? config.network.slug;
    const networkId = slug === config.network.slug ? await ensureFirstNetwork(database, config.network) : (await database.prisma.network.findUnique({ where: { slug }, select: { id: true } }))?.id;
    if (!networkId) {
      console.error(`${slug}: no such network in ${where} (npm run networks -- list; NETWORK_SLUG's network, ${config.network.slug}, is created by npm start and by this seed)`);
      return 1;
    }
    const added = await seedNetwork(database.prisma, networkId);
    const of = (count: number, total: number, what: string) => `${count} of ${total} ${what}`;
    const catalog = readCatalogFile(projectPath("prisma", "example-catalog.yaml")) as { contactPoints: unknown[]; leisureOffers: unknown[] };
    console.log(
      `Seeded ${slug} in ${where}: added ${[
        of(added.workingGroups, WORKING_GROUPS.length, "working groups"),
        of(added.events, NETWORK_EVENTS.length, "events"),
        of(added.contactPoints, catalog.contactPoints.length, "example contact points"),
        of(added.leisureOffers, catalog.leisureOffers.length, "example leisure offers"),
      ].join(", ")} (the rest was there already and is left as it is).`,
    );
    return 0;
  } finally {
    await database.close();
  }
}

/** Host, port and database name of DATABASE_URL, without its password. */
function databaseHost(config: Config): string {
  if (!("url" in config.database)) return "";
  const { hostname, port, pathname } = new URL(config.database.url);
  return `${hostname}:${port || 5432}${pathname}`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    process.exit(await seedFromCommandLine(process.argv[2]));
  } catch (error) {
    if (error instanceof ConfigError) {
      for (const problem of error.problems) console.error(`Configuration error: ${problem}`);
      process.exit(2);
    }
    if (error instanceof StartupError) {
      console.error(`Cannot seed: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
}
