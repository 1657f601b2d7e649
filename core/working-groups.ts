import type { DbOrTx } from "./db.js";

export type WorkingGroupSummary = { id: string; slug: string; name: string; description: string; memberCount: number };

/** The network's working groups (AGs) with how many members each has, by name. */
export async function listWorkingGroups(db: DbOrTx): Promise<WorkingGroupSummary[]> {
  const groups = await db.workingGroup.findMany({
    orderBy: { name: "asc" },
    select: { id: true, slug: true, name: true, description: true, _count: { select: { members: true } } },
  });
  return groups.map(({ _count, ...group }) => ({ ...group, memberCount: _count.members }));
}
