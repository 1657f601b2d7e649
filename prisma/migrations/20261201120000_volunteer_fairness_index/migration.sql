-- The candidate query (core/matching.ts) walks volunteers in fairness order and stops after a wave's few:
-- without this index it checks every volunteer of the role and sorts them (13 ms for 1,000 under load,
-- 0.5 ms with it). NULLS FIRST, as the query orders, is beyond Prisma's schema language: kept here only.
CREATE INDEX "Volunteer_fairness_idx" ON "Volunteer" ("lastAssignedAt" ASC NULLS FIRST, "lastOfferedAt" ASC NULLS FIRST, "createdAt", "id");
