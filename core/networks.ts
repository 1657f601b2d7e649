import type { DbOrTx, Queryable } from "./db.js";
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

/** What the composition root knows of the first network: a single-town deployment needs nothing more. */
export type FirstNetwork = { slug: string; name: string; districts?: District[]; slack: { teamId: string | null; coordinatorChannel: string; networkChannel: string } };

/**
 * Makes sure the first network exists and knows its Slack workspace and channels (single-workspace mode: from
 * the configuration, at every start). Returns its id.
 */
export async function ensureFirstNetwork(db: DbOrTx, first: FirstNetwork): Promise<string> {
  const slack = { slackTeamId: first.slack.teamId, coordinatorChannel: first.slack.coordinatorChannel, networkChannel: first.slack.networkChannel };
  const network = await db.prisma.network.upsert({
    where: { slug: first.slug },
    create: { slug: first.slug, name: first.name, ...(first.districts ? { districts: first.districts } : {}), ...slack },
    update: slack,
    select: { id: true },
  });
  return network.id;
}

/** Posts (or updates) a Slack message in a network's coordinators' channel; nothing when it has none. */
export async function tellCoordinators(q: Queryable, network: Pick<Network, "id" | "coordinatorChannel"> | undefined, intent: SlackIntent): Promise<bigint | null> {
  if (!network?.coordinatorChannel) return null;
  return tellSlack(q, network.coordinatorChannel, intent);
}

/** The coordinators' channel of the network of a request, a volunteer card or a report. */
export async function coordinatorsOf(q: Queryable, networkId: string): Promise<Pick<Network, "id" | "coordinatorChannel"> | undefined> {
  return networkById(q, networkId);
}
