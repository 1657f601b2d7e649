import { createHash, randomInt } from "node:crypto";
import anyAscii from "any-ascii";
import { distance } from "fastest-levenshtein";
import { z } from "zod";
import type { Database, DbOrTx, Queryable } from "./db.js";
import { tellSlack, type SlackIntent } from "./outbox.js";

/** A district of a town, where volunteers go in person. */
export type District = { code: string; name: string };

/** A town's integration network (or a county's), as core uses it. */
export type Network = {
  id: string;
  slug: string;
  name: string;
  kind: "TOWN" | "COUNTY";
  parentId: string | null;
  districts: District[];
  /** The Slack workspace of its coordinators and members, and its two channels there. */
  slackTeamId: string | null;
  coordinatorChannel: string | null;
  networkChannel: string | null;
};

/** A network's short name in deep links: Telegram takes 1–64 of A–Z a–z 0–9 _ - as a start parameter. */
export const isSlug = (value: string): boolean => /^[A-Za-z0-9_-]{1,64}$/.test(value);

const COLUMNS = `id, slug, name, kind::text AS kind, "parentId", districts, "slackTeamId", "coordinatorChannel", "networkChannel"`;

export async function networkById(q: Queryable, id: string): Promise<Network | undefined> {
  const [row] = await q.sql<Network>(`SELECT ${COLUMNS} FROM "Network" WHERE id = $1`, [id]);
  return row;
}

export async function networkBySlug(q: Queryable, slug: string): Promise<Network | undefined> {
  const [row] = await q.sql<Network>(`SELECT ${COLUMNS} FROM "Network" WHERE lower(slug) = lower($1)`, [slug]);
  return row;
}

/** The network a Slack workspace serves (one workspace, one network). */
export async function networkOfTeam(q: Queryable, teamId: string): Promise<Network | undefined> {
  const [row] = await q.sql<Network>(`SELECT ${COLUMNS} FROM "Network" WHERE "slackTeamId" = $1 ORDER BY "createdAt" LIMIT 1`, [teamId]);
  return row;
}

/** The towns people can live in, by name: newcomers choose theirs, volunteers the ones they serve. */
export async function towns(q: Queryable): Promise<Network[]> {
  return q.sql<Network>(`SELECT ${COLUMNS} FROM "Network" WHERE kind = 'TOWN' ORDER BY name`, []);
}

/** A network and, for a county, its towns: what its figures add up. */
export async function networkAndTowns(q: Queryable, id: string): Promise<string[]> {
  const rows = await q.sql<{ id: string }>(`SELECT id FROM "Network" WHERE id = $1 OR "parentId" = $1`, [id]);
  return rows.map((r) => r.id);
}

/** The coordinators' channels of networks: what is held there stays among their coordinators. */
export async function coordinatorChannels(q: Queryable, ids: string[]): Promise<string[]> {
  const rows = await q.sql<{ channel: string }>(`SELECT "coordinatorChannel" AS channel FROM "Network" WHERE id = ANY($1::text[]) AND "coordinatorChannel" IS NOT NULL`, [ids]);
  return rows.map((r) => r.channel);
}

/** The network a deployment's configuration names: a single-town deployment needs nothing more. */
export type FirstNetwork = { slug: string; name: string; districts: District[] };

/**
 * Makes sure the configuration's network exists (created with its name and districts the first time; what
 * coordinators or a networks file changed since stays). Returns its id.
 */
export async function ensureFirstNetwork(db: DbOrTx, first: FirstNetwork): Promise<string> {
  const network = await db.prisma.network.upsert({
    where: { slug: first.slug },
    create: { slug: first.slug, name: first.name, districts: first.districts },
    update: {},
    select: { id: true },
  });
  return network.id;
}

/**
 * Single-workspace mode (one bot token): that workspace serves the configuration's network, with the
 * configured channels – set at every start, so that changing them in the configuration takes effect.
 */
export async function linkConfiguredWorkspace(db: Database, networkId: string, slack: { teamId: string; coordinatorChannel: string; networkChannel: string }): Promise<void> {
  await db.transaction(async (tx) => {
    // The network that served this workspace before is left as an uninstall leaves it: nothing is posted for it.
    await tx.prisma.network.updateMany({ where: { slackTeamId: slack.teamId, id: { not: networkId } }, data: { slackTeamId: null, coordinatorChannel: null, networkChannel: null } });
    await tx.prisma.network.update({ where: { id: networkId }, data: { slackTeamId: slack.teamId, coordinatorChannel: slack.coordinatorChannel, networkChannel: slack.networkChannel } });
  });
}

/**
 * Posts (or updates) a Slack message in the coordinators' channel of a network; null when the network has no
 * Slack workspace linked yet (its coordinators see it in App Home once they have).
 */
export async function tellCoordinators(q: Queryable, networkId: string, intent: SlackIntent): Promise<bigint | null> {
  const [network] = await q.sql<{ coordinatorChannel: string | null }>(`SELECT "coordinatorChannel" FROM "Network" WHERE id = $1`, [networkId]);
  if (!network?.coordinatorChannel) return null;
  return tellSlack(q, { network: networkId, channel: network.coordinatorChannel }, intent);
}

/** Posts in a network's own channel (meetings without an AG channel, the weekly digest); null without one. */
export async function tellNetwork(q: Queryable, networkId: string, intent: SlackIntent): Promise<bigint | null> {
  const [network] = await q.sql<{ networkChannel: string | null }>(`SELECT "networkChannel" FROM "Network" WHERE id = $1`, [networkId]);
  if (!network?.networkChannel) return null;
  return tellSlack(q, { network: networkId, channel: network.networkChannel }, intent);
}

/** A typed name as plain lower-case Latin letters: "Бекум" → "bekum", "بيكوم" → "bykwm". */
const latin = (text: string): string =>
  anyAscii(text)
    .toLowerCase()
    .replace(/[^a-z]/g, "");

/**
 * The consonants of a name as they sound: scripts that write few vowels (Arabic, Persian) or spell sounds
 * otherwise (ck, ph) meet on it – "Beckum", "بيكوم" and "Бекум" all become "bkm".
 */
const skeleton = (text: string): string =>
  latin(text)
    .replace(/ph/g, "f")
    .replace(/[cq]/g, "k")
    .replace(/[aeiouyw]/g, "")
    .replace(/(.)\1+/g, "$1");

/**
 * The towns a newcomer may mean by what they typed, best first: the name or its beginning, the same
 * sounds in another script ("بيكوم", "Бекум"), or a small typo ("Bekum").
 *
 * @example
 * findTowns("бекум", [{ name: "Beckum" }, { name: "Ahlen" }]); // [{ name: "Beckum" }]
 */
export function findTowns<T extends { name: string }>(query: string, candidates: T[]): T[] {
  const typed = latin(query);
  const sounds = skeleton(query);
  if (typed.length < 2) return [];
  const scored = candidates.flatMap((town) => {
    const name = latin(town.name);
    const nameSounds = skeleton(town.name);
    let score: number | undefined;
    if (name === typed || (typed.length >= 3 && name.startsWith(typed))) score = 0;
    else if (sounds.length >= 2 && nameSounds === sounds) score = 1;
    else if (distance(name, typed) <= Math.max(1, Math.floor(name.length / 4))) score = 2;
    return score === undefined ? [] : [{ town, score }];
  });
  return scored.sort((a, b) => a.score - b.score || a.town.name.localeCompare(b.town.name)).map((s) => s.town);
}

/**
 * Places a person in a town (a deep link, the picker, `/town`); someone new is remembered with it until they
 * agree or go. Only a town: a county has no volunteers of its own to find. False when `networkId` is none.
 */
export async function placeIn(db: DbOrTx, telegramId: number, networkId: string): Promise<boolean> {
  const town = await db.prisma.network.findFirst({ where: { id: networkId, kind: "TOWN" }, select: { id: true } });
  if (!town) return false;
  await db.prisma.telegramUser.upsert({ where: { telegramId }, create: { telegramId, networkId }, update: { networkId }, select: { id: true } });
  return true;
}

const districtCode = z.string().regex(/^[A-Z0-9_]{2,32}$/, "district codes are 2–32 of A–Z 0–9 _");

/** One network as an operator describes it (networks file): towns, and the county they belong to. */
export const networkSchema = z.object({
  slug: z.string().refine(isSlug, "a slug is 1–64 of A–Z a–z 0–9 _ - (it becomes the deep link)"),
  name: z.string().trim().min(2).max(80),
  kind: z.enum(["town", "county"]).default("town"),
  /** The county's slug. */
  county: z.string().optional(),
  /** Code → name, e.g. { NEUBECKUM: "Neubeckum" }. */
  districts: z.record(districtCode, z.string().trim().min(1).max(60)).default({}),
});
export const networksFileSchema = z.object({ networks: z.array(networkSchema).min(1) });
export type NetworkInput = z.infer<typeof networkSchema>;

export type ImportResult = { kind: "imported"; created: string[]; updated: string[] } | { kind: "invalid"; problems: string[] };

/**
 * Creates or updates networks from an operator's file, all or nothing: counties first, then their towns.
 * Each network is listed once, a town's county is a county, and district codes are unique across networks
 * (a volunteer serving two towns keeps one list of districts).
 * Slack workspaces are not set here: a coordinator links one with a setup code.
 */
export async function importNetworks(db: Database, data: unknown): Promise<ImportResult> {
  const parsed = networksFileSchema.safeParse(data);
  if (!parsed.success) return { kind: "invalid", problems: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`) };
  const input = parsed.data.networks;
  const problems: string[] = [];
  const slugs = new Set(input.map((n) => n.slug));
  const kinds = new Map(input.map((n) => [n.slug, n.kind]));
  const codes = new Map<string, string>();
  const seen = new Set<string>();
  for (const network of input) {
    if (seen.has(network.slug)) problems.push(`${network.slug}: listed twice`);
    seen.add(network.slug);
    if (network.county) {
      // A town's county sees its towns' figures and its newcomers its catalogue: only a county may be one.
      const county = kinds.get(network.county) ?? (await networkBySlug(db, network.county))?.kind.toLowerCase();
      if (!county) problems.push(`${network.slug}: county ${network.county} is unknown`);
      else if (county !== "county") problems.push(`${network.slug}: ${network.county} is not a county`);
    }
    if (network.kind === "county" && network.county) problems.push(`${network.slug}: a county belongs to no county`);
    for (const code of Object.keys(network.districts)) {
      const owner = codes.get(code);
      if (owner && owner !== network.slug) problems.push(`${network.slug}: district ${code} is ${owner}'s already`);
      codes.set(code, network.slug);
    }
  }
  const others = await db.sql<{ slug: string; code: string }>(`SELECT n.slug, d->>'code' AS code FROM "Network" n, jsonb_array_elements(n.districts) d WHERE NOT (n.slug = ANY($1))`, [[...slugs]]);
  for (const { slug, code } of others) if (codes.has(code)) problems.push(`${codes.get(code)}: district ${code} is ${slug}'s already`);
  if (problems.length > 0) return { kind: "invalid", problems };

  const ordered = [...input.filter((n) => n.kind === "county"), ...input.filter((n) => n.kind !== "county")];
  return db.transaction(async (tx) => {
    const created: string[] = [];
    const updated: string[] = [];
    for (const network of ordered) {
      const parent = network.county ? await networkBySlug(tx, network.county) : undefined;
      const fields = {
        name: network.name,
        kind: network.kind === "county" ? ("COUNTY" as const) : ("TOWN" as const),
        parentId: parent?.id ?? null,
        districts: Object.entries(network.districts).map(([code, name]) => ({ code, name })),
      };
      const existing = await networkBySlug(tx, network.slug);
      if (existing) await tx.prisma.network.update({ where: { id: existing.id }, data: fields });
      else await tx.prisma.network.create({ data: { slug: network.slug, ...fields } });
      (existing ? updated : created).push(network.slug);
    }
    return { kind: "imported", created, updated };
  });
}

const SETUP_CODE_DAYS = 14;
/** Unambiguous characters: no 0/O, 1/I/L. */
const CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
const hashCode = (code: string) => createHash("sha256").update(code.trim().toUpperCase()).digest("hex");

/**
 * A one-time code for linking a Slack workspace to a network, valid for 14 days: the operator gives it to
 * the town's coordinator, who enters it after installing the app. Only its hash is stored.
 */
export async function newSetupCode(db: DbOrTx, slug: string): Promise<string | undefined> {
  const network = await networkBySlug(db, slug);
  if (!network) return undefined;
  const code = Array.from({ length: 12 }, () => CODE_ALPHABET.charAt(randomInt(CODE_ALPHABET.length))).join("").replace(/(.{4})(?=.)/g, "$1-");
  await db.prisma.network.update({
    where: { id: network.id },
    data: { setupCodeHash: hashCode(code), setupCodeExpiresAt: new Date(Date.now() + SETUP_CODE_DAYS * 86_400_000) },
  });
  return code;
}

export type LinkResult = { kind: "linked"; network: Network } | { kind: "bad-code" } | { kind: "already-linked"; network: Network };

/**
 * Links a Slack workspace to the network whose setup code was entered, with its coordinators' channel and its
 * network channel; the code is used up. A workspace serves one network.
 */
export async function linkWorkspace(db: Database, teamId: string, code: string, channels: { coordinatorChannel: string; networkChannel: string }): Promise<LinkResult> {
  return db.transaction(async (tx) => {
    const linked = await networkOfTeam(tx, teamId);
    if (linked) return { kind: "already-linked", network: linked };
    const [row] = await tx.sql<{ id: string }>(
      `UPDATE "Network" SET "slackTeamId" = $2, "coordinatorChannel" = $3, "networkChannel" = $4, "setupCodeHash" = NULL, "setupCodeExpiresAt" = NULL
       WHERE "setupCodeHash" = $1 AND "setupCodeExpiresAt" > now() AND "slackTeamId" IS NULL RETURNING id`,
      [hashCode(code), teamId, channels.coordinatorChannel, channels.networkChannel],
    );
    const network = row ? await networkById(tx, row.id) : undefined;
    return network ? { kind: "linked", network } : { kind: "bad-code" };
  });
}

/** The app was uninstalled from a workspace: its network keeps its data and waits for a new link. */
export async function unlinkWorkspace(db: DbOrTx, teamId: string): Promise<void> {
  await db.prisma.network.updateMany({ where: { slackTeamId: teamId }, data: { slackTeamId: null, coordinatorChannel: null, networkChannel: null } });
}

/** A town's name where the deployment serves several towns (people then need to know which), else null. */
export async function townName(q: Queryable, networkId: string): Promise<string | null> {
  const [row] = await q.sql<{ name: string | null }>(
    `SELECT name FROM "Network" WHERE id = $1 AND (SELECT count(*) FROM "Network" WHERE kind = 'TOWN') > 1`,
    [networkId],
  );
  return row?.name ?? null;
}

/** A network's name ("Beckum"), for texts that name the town. */
export async function networkName(q: Queryable, networkId: string): Promise<string> {
  const [row] = await q.sql<{ name: string }>(`SELECT name FROM "Network" WHERE id = $1`, [networkId]);
  return row?.name ?? "";
}
