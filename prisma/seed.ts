import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient as Client } from "../generated/prisma/client.js";
import { contactPointSchema, leisureOfferSchema } from "../core/catalog.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { projectPath } from "../core/paths.js";
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

/**
 * A network's starting point: Beckum's working groups and events from the seed document, and the example
 * catalogue (marked as example data). Idempotent: running it again changes nothing that coordinators edited
 * since.
 */
export async function seedNetwork(db: PrismaClient, networkId: string): Promise<void> {
  await seedWorkingGroups(db, networkId);
  // Example entries are added once; what coordinators have edited since stays as it is.
  const catalog = readCatalogFile(projectPath("prisma", "example-catalog.yaml")) as { contactPoints: unknown[]; leisureOffers: unknown[] };
  for (const entry of catalog.contactPoints) {
    const point = contactPointSchema.parse(entry);
    await db.contactPoint.upsert({ where: { networkId_name: { networkId, name: point.name } }, create: { ...point, networkId, translations: point.translations ?? undefined }, update: {} });
  }
  for (const entry of catalog.leisureOffers) {
    const offer = leisureOfferSchema.parse(entry);
    await db.leisureOffer.upsert({ where: { networkId_title: { networkId, title: offer.title } }, create: { ...offer, networkId, translations: offer.translations ?? undefined }, update: {} });
  }
}

/**
 * The working groups and events of the seed document alone, without Beckum's example catalogue (another town's
 * newcomers would find Beckum's offices in it). Idempotent.
 */
export async function seedWorkingGroups(db: PrismaClient, networkId: string): Promise<void> {
  for (const group of WORKING_GROUPS) {
    await db.workingGroup.upsert({ where: { networkId_slug: { networkId, slug: group.slug } }, create: { ...group, networkId }, update: {} });
  }
  for (const event of NETWORK_EVENTS) {
    await db.networkEvent.upsert({ where: { networkId_name: { networkId, name: event.name } }, create: { ...event, networkId }, update: {} });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error("DATABASE_URL: required to seed (the embedded database is seeded by npm start)");
    process.exit(1);
  }
  // npm run db:seed -- <network slug>; the configuration's network by default.
  const slug = process.argv[2] ?? process.env.NETWORK_SLUG ?? "beckum";
  const prisma = new Client({ adapter: new PrismaPg({ connectionString: url }) });
  const network = await prisma.network.findUnique({ where: { slug }, select: { id: true } });
  if (!network) {
    console.error(`${slug}: no such network (npm run networks -- list; the configuration's network is created by npm start)`);
    await prisma.$disconnect();
    process.exit(1);
  }
  await seedNetwork(prisma, network.id);
  await prisma.$disconnect();
  console.log(`Seeded ${WORKING_GROUPS.length} working groups for ${slug}.`);
}
