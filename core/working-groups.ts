import type { DbOrTx } from "./db.js";

export type WorkingGroupSummary = { id: string; slug: string; name: string; description: string; memberCount: number; slackChannel: string | null };

/** The network's working groups (AGs) with how many members each has, by name. */
export async function listWorkingGroups(db: DbOrTx, networkId: string): Promise<WorkingGroupSummary[]> {
  const groups = await db.prisma.workingGroup.findMany({
    where: { networkId },
    orderBy: { name: "asc" },
    select: { id: true, slug: true, name: true, description: true, slackChannel: true, _count: { select: { members: true } } },
  });
  return groups.map(({ _count, ...group }) => ({ ...group, memberCount: _count.members }));
}

/** The member's own groups first (in a list cut short, they can still leave them), then the others, in order. */
export function mineFirst<G extends { id: string }>(groups: G[], mine: Set<string>): G[] {
  return [...groups.filter((g) => mine.has(g.id)), ...groups.filter((g) => !mine.has(g.id))];
}

/** Ids of the network's groups a Slack member belongs to (the same member id may be in another network's groups too). */
export async function groupsOf(db: DbOrTx, networkId: string, slackUserId: string): Promise<Set<string>> {
  const rows = await db.prisma.workingGroupMember.findMany({ where: { slackUserId, group: { networkId } }, select: { groupId: true } });
  return new Set(rows.map((r) => r.groupId));
}

/** "I can imagine working in this AG": joining twice is the same as joining once. */
export async function joinGroup(db: DbOrTx, networkId: string, groupId: string, slackUserId: string): Promise<"joined" | "already" | "no-group"> {
  const group = await db.prisma.workingGroup.findFirst({ where: { id: groupId, networkId }, select: { id: true } });
  if (!group) return "no-group";
  const inserted = await db.prisma.$executeRaw`
    INSERT INTO "WorkingGroupMember" ("groupId", "slackUserId") VALUES (${groupId}, ${slackUserId}) ON CONFLICT DO NOTHING`;
  return inserted === 1 ? "joined" : "already";
}

export async function leaveGroup(db: DbOrTx, networkId: string, groupId: string, slackUserId: string): Promise<"left" | "not-member"> {
  const { count } = await db.prisma.workingGroupMember.deleteMany({ where: { groupId, slackUserId, group: { networkId } } });
  return count === 1 ? "left" : "not-member";
}

export async function groupMembers(db: DbOrTx, groupId: string): Promise<string[]> {
  const rows = await db.prisma.workingGroupMember.findMany({ where: { groupId }, select: { slackUserId: true } });
  return rows.map((r) => r.slackUserId);
}

/** A coordinator adds an AG; the slug keeps names unique. */
export async function createWorkingGroup(
  db: DbOrTx,
  networkId: string,
  group: { name: string; description: string; slackChannel?: string },
): Promise<{ kind: "created"; id: string } | { kind: "exists" }> {
  const slug = group.name
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/ß/g, "ss")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
  const existing = await db.prisma.workingGroup.findUnique({ where: { networkId_slug: { networkId, slug } }, select: { id: true } });
  if (existing) return { kind: "exists" };
  const created = await db.prisma.workingGroup.create({
    data: { networkId, slug, name: group.name, description: group.description, slackChannel: group.slackChannel ?? null },
    select: { id: true },
  });
  return { kind: "created", id: created.id };
}
