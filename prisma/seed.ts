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

/** Idempotent: running it again changes nothing that coordinators edited since. */
export async function seedNetwork(db: PrismaClient): Promise<void> {
  for (const group of WORKING_GROUPS) {
    await db.workingGroup.upsert({ where: { slug: group.slug }, create: group, update: {} });
  }
  for (const event of NETWORK_EVENTS) {
    await db.networkEvent.upsert({ where: { name: event.name }, create: event, update: {} });
  }
  // Example entries are added once; what coordinators have edited since stays as it is.
  const catalog = readCatalogFile(projectPath("prisma", "example-catalog.yaml")) as { contactPoints: unknown[]; leisureOffers: unknown[] };
  for (const entry of catalog.contactPoints) {
    const point = contactPointSchema.parse(entry);
    await db.contactPoint.upsert({ where: { name: point.name }, create: { ...point, translations: point.translations ?? undefined }, update: {} });
  }
  for (const entry of catalog.leisureOffers) {
    const offer = leisureOfferSchema.parse(entry);
    await db.leisureOffer.upsert({ where: { title: offer.title }, create: { ...offer, translations: offer.translations ?? undefined }, update: {} });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error("DATABASE_URL: required to seed (the embedded database is seeded by npm start)");
    process.exit(1);
  }
  const prisma = new Client({ adapter: new PrismaPg({ connectionString: url }) });
  await seedNetwork(prisma);
  await prisma.$disconnect();
  console.log(`Seeded ${WORKING_GROUPS.length} working groups.`);
}
