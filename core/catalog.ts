import { z } from "zod";
import type { Database, DbOrTx } from "./db.js";
import type { Locale } from "./i18n.js";

/** Kinds of contact points newcomers browse. */
export const CONTACT_CATEGORIES = ["HOUSING", "DISCRIMINATION", "AUTHORITIES", "HEALTH", "EDUCATION", "WORK", "COUNSELLING", "WOMEN_FAMILY"] as const;
export type ContactCategory = (typeof CONTACT_CATEGORIES)[number];
export const isContactCategory = (value: string): value is ContactCategory => (CONTACT_CATEGORIES as readonly string[]).includes(value);

export const INTERESTS = ["SPORTS", "SWIMMING", "MUSIC", "CRAFTS", "COOKING", "LANGUAGE_CAFE", "FAMILY", "WOMEN", "NATURE", "CULTURE", "VOLUNTEERING"] as const;
export type Interest = (typeof INTERESTS)[number];

export const FREE_TIMES = ["WEEKDAY_DAY", "WEEKDAY_EVENING", "WEEKEND"] as const;
export type FreeTime = (typeof FREE_TIMES)[number];

const translations = z.record(z.string(), z.record(z.string(), z.string())).optional();

/**
 * How long the fields of an entry may be, in characters (zod counts code points, as Slack counts a
 * max_length); the Slack form gives its inputs the same max_length, so that Slack says it under the field.
 */
export const CATALOG_LIMITS = { name: 120, description: 1000, address: 200, openingHours: 300, phone: 60, web: 300, place: 200, contact: 200 } as const;

const text = (max: number) => z.string().trim().max(max);

/** One contact point as imported or edited; unknown fields stay empty (no invented addresses or numbers). */
export const contactPointSchema = z.object({
  name: text(CATALOG_LIMITS.name).min(2),
  categories: z.array(z.enum(CONTACT_CATEGORIES)).min(1),
  description: text(CATALOG_LIMITS.description).optional(),
  address: text(CATALOG_LIMITS.address).optional(),
  openingHours: text(CATALOG_LIMITS.openingHours).optional(),
  phone: text(CATALOG_LIMITS.phone).optional(),
  web: z.url().max(CATALOG_LIMITS.web).optional(),
  languages: z.array(z.string().min(2).max(5)).default([]),
  translations,
  exampleData: z.boolean().default(false),
});
export type ContactPointInput = z.infer<typeof contactPointSchema>;

export const leisureOfferSchema = z.object({
  title: text(CATALOG_LIMITS.name).min(2),
  interests: z.array(z.enum(INTERESTS)).min(1),
  times: z.array(z.enum(FREE_TIMES)).min(1),
  description: text(CATALOG_LIMITS.description).optional(),
  place: text(CATALOG_LIMITS.place).optional(),
  contact: text(CATALOG_LIMITS.contact).optional(),
  translations,
  exampleData: z.boolean().default(false),
});
export type LeisureOfferInput = z.infer<typeof leisureOfferSchema>;

export type ContactPointView = ContactPointInput & { id: string };
export type LeisureOfferView = LeisureOfferInput & { id: string };

type Translated = { translations?: Record<string, Record<string, string>> | undefined };

/** A field in the reader's language when a translation exists, and whether it is the German original. */
export function localized<T extends Translated>(item: T, field: keyof T & string, locale: Locale): { text: string | undefined; german: boolean } {
  const translated = item.translations?.[locale]?.[field];
  if (translated) return { text: translated, german: false };
  const original = item[field];
  return { text: typeof original === "string" ? original : undefined, german: locale !== "de" };
}

function toContactView(row: {
  id: string;
  name: string;
  categories: string[];
  description: string | null;
  address: string | null;
  openingHours: string | null;
  phone: string | null;
  web: string | null;
  languages: string[];
  translations: unknown;
  exampleData: boolean;
}): ContactPointView {
  return {
    id: row.id,
    name: row.name,
    categories: row.categories as ContactCategory[],
    languages: row.languages,
    exampleData: row.exampleData,
    ...(row.description ? { description: row.description } : {}),
    ...(row.address ? { address: row.address } : {}),
    ...(row.openingHours ? { openingHours: row.openingHours } : {}),
    ...(row.phone ? { phone: row.phone } : {}),
    ...(row.web ? { web: row.web } : {}),
    ...(row.translations ? { translations: row.translations as Record<string, Record<string, string>> } : {}),
  };
}

/**
 * Whose catalogue counts: `networkIds` is a town's own and its county's (newcomers see both: the county's
 * integration centre serves every town), or one network's own (its coordinators edit only theirs).
 */
export async function contactPointsIn(db: DbOrTx, networkIds: string[], category: ContactCategory): Promise<ContactPointView[]> {
  const rows = await db.prisma.contactPoint.findMany({ where: { networkId: { in: networkIds }, categories: { has: category } }, orderBy: { name: "asc" } });
  return rows.map(toContactView);
}

export async function allContactPoints(db: DbOrTx, networkIds: string[]): Promise<ContactPointView[]> {
  return (await db.prisma.contactPoint.findMany({ where: { networkId: { in: networkIds } }, orderBy: { name: "asc" } })).map(toContactView);
}

export async function contactPointById(db: DbOrTx, networkIds: string[], id: string): Promise<ContactPointView | undefined> {
  const row = await db.prisma.contactPoint.findFirst({ where: { id, networkId: { in: networkIds } } });
  return row ? toContactView(row) : undefined;
}

/** Lower case without accents, for matching typed words in any script. */
export function normalize(text: string): string {
  return text
    .toLocaleLowerCase()
    .normalize("NFKD")
    .replace(/[\u0300-\u036f\u064b-\u065f]/g, "")
    .replace(/ß/g, "ss")
    .trim();
}

/**
 * Finds contact points by a keyword in any language: in their names, descriptions and translations, and
 * through the category words of every language (so "سكن" or "житло" find the housing contact points).
 *
 * @param categoryWords for each category, the words that mean it in all languages (from the locales).
 */
export async function searchContactPoints(db: DbOrTx, networkIds: string[], query: string, categoryWords: Record<ContactCategory, string[]>): Promise<ContactPointView[]> {
  const words = normalize(query).split(/\s+/).filter((w) => w.length >= 2);
  if (words.length === 0) return [];
  const points = await allContactPoints(db, networkIds);
  // Inflected words match too: "квартиру" finds "квартира", "лікаря" finds "лікар", "Ärztin" finds "arzt".
  const stem = (word: string) => (word.length >= 6 ? word.slice(0, -2) : word.length >= 5 ? word.slice(0, -1) : word);
  const matches = (phrase: string, word: string) =>
    phrase.includes(word) || (stem(word).length >= 4 && phrase.includes(stem(word))) || (phrase.length >= 4 && word.includes(phrase));
  const categories = new Set(
    CONTACT_CATEGORIES.filter((category) => categoryWords[category].some((phrase) => words.some((w) => matches(normalize(phrase), w)))),
  );
  return points.filter((point) => {
    if (point.categories.some((c) => categories.has(c))) return true;
    const texts = [point.name, point.description ?? "", ...Object.values(point.translations ?? {}).flatMap((t) => Object.values(t))].map(normalize);
    return words.every((w) => texts.some((t) => t.includes(w)));
  });
}

function toOfferView(row: {
  id: string;
  title: string;
  description: string | null;
  interests: string[];
  times: string[];
  place: string | null;
  contact: string | null;
  translations: unknown;
  exampleData: boolean;
}): LeisureOfferView {
  return {
    id: row.id,
    title: row.title,
    interests: row.interests as Interest[],
    times: row.times as FreeTime[],
    exampleData: row.exampleData,
    ...(row.description ? { description: row.description } : {}),
    ...(row.place ? { place: row.place } : {}),
    ...(row.contact ? { contact: row.contact } : {}),
    ...(row.translations ? { translations: row.translations as Record<string, Record<string, string>> } : {}),
  };
}

/** Offers that share an interest and a free time with what the newcomer asked for, best first. */
export async function matchingOffers(db: DbOrTx, networkIds: string[], interests: Interest[], times: FreeTime[]): Promise<LeisureOfferView[]> {
  const rows = await db.prisma.leisureOffer.findMany({ where: { networkId: { in: networkIds }, interests: { hasSome: interests }, times: { hasSome: times } }, orderBy: { title: "asc" } });
  const score = (o: LeisureOfferView) => o.interests.filter((i) => interests.includes(i)).length;
  return rows.map(toOfferView).sort((a, b) => score(b) - score(a));
}

export async function allLeisureOffers(db: DbOrTx, networkIds: string[]): Promise<LeisureOfferView[]> {
  return (await db.prisma.leisureOffer.findMany({ where: { networkId: { in: networkIds } }, orderBy: { title: "asc" } })).map(toOfferView);
}

export async function leisureOfferById(db: DbOrTx, networkIds: string[], id: string): Promise<LeisureOfferView | undefined> {
  const row = await db.prisma.leisureOffer.findFirst({ where: { id, networkId: { in: networkIds } } });
  return row ? toOfferView(row) : undefined;
}

/** Interests asked for that no offer met, counted anonymously (no link to the person). */
export async function recordUnmetInterests(db: DbOrTx, networkId: string, interests: Interest[], offers: LeisureOfferView[]): Promise<Interest[]> {
  const unmet = interests.filter((interest) => !offers.some((o) => o.interests.includes(interest)));
  if (unmet.length > 0) await db.prisma.leisureDemand.createMany({ data: unmet.map((interest) => ({ networkId, interest })) });
  return unmet;
}

export async function leisureDemandBetween(db: DbOrTx, networkIds: string[], from: Date, to: Date): Promise<{ interest: string; count: number }[]> {
  const groups = await db.prisma.leisureDemand.groupBy({ by: ["interest"], where: { networkId: { in: networkIds }, createdAt: { gte: from, lt: to } }, _count: true });
  return groups.map((g) => ({ interest: g.interest, count: g._count })).sort((a, b) => b.count - a.count || a.interest.localeCompare(b.interest));
}

/** Saves a network's contact point: a new one, or (by `id`) one of this network's own; undefined for another's. */
export async function saveContactPoint(db: DbOrTx, networkId: string, input: ContactPointInput, id?: string): Promise<{ id: string } | undefined> {
  const data = {
    ...input,
    description: input.description ?? null,
    address: input.address ?? null,
    openingHours: input.openingHours ?? null,
    phone: input.phone ?? null,
    web: input.web ?? null,
    translations: input.translations ?? undefined,
  };
  if (id) {
    const { count } = await db.prisma.contactPoint.updateMany({ where: { id, networkId }, data });
    return count === 1 ? { id } : undefined;
  }
  return db.prisma.contactPoint.upsert({ where: { networkId_name: { networkId, name: input.name } }, create: { ...data, networkId }, update: data, select: { id: true } });
}

/** Saves a network's leisure offer, as {@link saveContactPoint}. */
export async function saveLeisureOffer(db: DbOrTx, networkId: string, input: LeisureOfferInput, id?: string): Promise<{ id: string } | undefined> {
  const data = {
    ...input,
    description: input.description ?? null,
    place: input.place ?? null,
    contact: input.contact ?? null,
    translations: input.translations ?? undefined,
  };
  if (id) {
    const { count } = await db.prisma.leisureOffer.updateMany({ where: { id, networkId }, data });
    return count === 1 ? { id } : undefined;
  }
  return db.prisma.leisureOffer.upsert({ where: { networkId_title: { networkId, title: input.title } }, create: { ...data, networkId }, update: data, select: { id: true } });
}

export type ImportResult = { kind: "imported"; contactPoints: number; leisureOffers: number } | { kind: "invalid"; problems: string[] };

/** The file format of a catalogue import (YAML or JSON; a CSV row becomes one entry). */
const catalogSchema = z.object({
  contactPoints: z.array(z.unknown()).default([]),
  leisureOffers: z.array(z.unknown()).default([]),
});

/**
 * Imports contact points and leisure offers all or nothing: every entry is checked first, and one broken
 * entry means nothing is imported; the report names each broken entry by its position and field.
 */
export async function importCatalog(db: Database, networkId: string, document: unknown): Promise<ImportResult> {
  const file = catalogSchema.safeParse(document);
  if (!file.success) return { kind: "invalid", problems: ["the file must contain contactPoints and/or leisureOffers lists"] };
  const problems: string[] = [];
  const points: ContactPointInput[] = [];
  const offers: LeisureOfferInput[] = [];
  file.data.contactPoints.forEach((entry, index) => {
    const parsed = contactPointSchema.safeParse(entry);
    if (parsed.success) points.push(parsed.data);
    else problems.push(...parsed.error.issues.map((issue) => `contactPoints row ${index + 1}: ${issue.path.join(".") || "entry"}: ${issue.message}`));
  });
  file.data.leisureOffers.forEach((entry, index) => {
    const parsed = leisureOfferSchema.safeParse(entry);
    if (parsed.success) offers.push(parsed.data);
    else problems.push(...parsed.error.issues.map((issue) => `leisureOffers row ${index + 1}: ${issue.path.join(".") || "entry"}: ${issue.message}`));
  });
  if (problems.length > 0) return { kind: "invalid", problems };
  await db.transaction(async (tx) => {
    for (const point of points) await saveContactPoint(tx, networkId, point);
    for (const offer of offers) await saveLeisureOffer(tx, networkId, offer);
  });
  return { kind: "imported", contactPoints: points.length, leisureOffers: offers.length };
}
