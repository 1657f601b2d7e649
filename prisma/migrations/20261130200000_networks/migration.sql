-- Networks: the existing single network becomes the first one ("beckum"); everything it owns is assigned to
-- it; volunteers' approval moves to the network they serve.

-- CreateEnum
CREATE TYPE "NetworkKind" AS ENUM ('TOWN', 'COUNTY');

-- CreateTable
CREATE TABLE "Network" (
    "id" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "NetworkKind" NOT NULL DEFAULT 'TOWN',
    "parentId" TEXT,
    "districts" JSONB NOT NULL DEFAULT '[]',
    "slackTeamId" TEXT,
    "coordinatorChannel" TEXT,
    "networkChannel" TEXT,
    "setupCodeHash" TEXT,
    "setupCodeExpiresAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Network_pkey" PRIMARY KEY ("id")
);

-- A database in use becomes Beckum's network; a new one gets its first network from the configuration.
INSERT INTO "Network" ("id", "slug", "name", "kind", "districts")
SELECT 'beckum', 'beckum', 'Beckum', 'TOWN',
  '[{"code":"BECKUM","name":"Beckum"},{"code":"NEUBECKUM","name":"Neubeckum"},{"code":"ROLAND","name":"Roland"},{"code":"VELLERN","name":"Vellern"}]'
WHERE EXISTS (SELECT 1 FROM "TelegramUser") OR EXISTS (SELECT 1 FROM "HelpRequest") OR EXISTS (SELECT 1 FROM "WorkingGroup")
   OR EXISTS (SELECT 1 FROM "Meeting") OR EXISTS (SELECT 1 FROM "Poll") OR EXISTS (SELECT 1 FROM "NetworkEvent")
   OR EXISTS (SELECT 1 FROM "ContactPoint") OR EXISTS (SELECT 1 FROM "LeisureOffer") OR EXISTS (SELECT 1 FROM "LeisureDemand")
   OR EXISTS (SELECT 1 FROM "DiscriminationReport");

-- CreateTable
CREATE TABLE "VolunteerNetwork" (
    "volunteerId" TEXT NOT NULL,
    "networkId" TEXT NOT NULL,
    "status" "VolunteerStatus" NOT NULL DEFAULT 'PENDING',
    "decidedBy" TEXT,
    "decidedAt" TIMESTAMPTZ(3),
    "cardOutboxId" BIGINT,
    "changeOutboxId" BIGINT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "VolunteerNetwork_pkey" PRIMARY KEY ("volunteerId","networkId")
);

INSERT INTO "VolunteerNetwork" ("volunteerId", "networkId", "status", "decidedBy", "decidedAt", "changeOutboxId", "createdAt")
  SELECT "id", 'beckum', "status", "decidedBy", "decidedAt", "changeOutboxId", "createdAt" FROM "Volunteer";

-- DropIndex
DROP INDEX "ContactPoint_name_key";
DROP INDEX "LeisureOffer_title_key";
DROP INDEX "NetworkEvent_name_key";
DROP INDEX "Volunteer_status_paused_idx";
DROP INDEX "WorkingGroup_slug_key";

-- AlterTable: every owned row belongs to the first network
ALTER TABLE "ContactPoint" ADD COLUMN "networkId" TEXT NOT NULL DEFAULT 'beckum';
ALTER TABLE "DiscriminationReport" ADD COLUMN "networkId" TEXT NOT NULL DEFAULT 'beckum';
ALTER TABLE "HelpRequest" ADD COLUMN "networkId" TEXT NOT NULL DEFAULT 'beckum';
ALTER TABLE "LeisureDemand" ADD COLUMN "networkId" TEXT NOT NULL DEFAULT 'beckum';
ALTER TABLE "LeisureOffer" ADD COLUMN "networkId" TEXT NOT NULL DEFAULT 'beckum';
ALTER TABLE "Meeting" ADD COLUMN "networkId" TEXT NOT NULL DEFAULT 'beckum';
ALTER TABLE "NetworkEvent" ADD COLUMN "networkId" TEXT NOT NULL DEFAULT 'beckum';
ALTER TABLE "Poll" ADD COLUMN "networkId" TEXT NOT NULL DEFAULT 'beckum';
ALTER TABLE "WorkingGroup" ADD COLUMN "networkId" TEXT NOT NULL DEFAULT 'beckum';
ALTER TABLE "ContactPoint" ALTER COLUMN "networkId" DROP DEFAULT;
ALTER TABLE "DiscriminationReport" ALTER COLUMN "networkId" DROP DEFAULT;
ALTER TABLE "HelpRequest" ALTER COLUMN "networkId" DROP DEFAULT;
ALTER TABLE "LeisureDemand" ALTER COLUMN "networkId" DROP DEFAULT;
ALTER TABLE "LeisureOffer" ALTER COLUMN "networkId" DROP DEFAULT;
ALTER TABLE "Meeting" ALTER COLUMN "networkId" DROP DEFAULT;
ALTER TABLE "NetworkEvent" ALTER COLUMN "networkId" DROP DEFAULT;
ALTER TABLE "Poll" ALTER COLUMN "networkId" DROP DEFAULT;
ALTER TABLE "WorkingGroup" ALTER COLUMN "networkId" DROP DEFAULT;

-- Slack messages go to their network's workspace.
ALTER TABLE "Outbox" ADD COLUMN "networkId" TEXT;
UPDATE "Outbox" SET "networkId" = 'beckum',
  payload = CASE WHEN channel = 'JOB' AND payload IS NOT NULL THEN payload || '{"network":"beckum"}'::jsonb ELSE payload END
WHERE channel IN ('SLACK', 'JOB') AND EXISTS (SELECT 1 FROM "Network" WHERE id = 'beckum');

-- Everyone the bot knows lives in the first town.
ALTER TABLE "TelegramUser" ADD COLUMN "networkId" TEXT;
UPDATE "TelegramUser" SET "networkId" = 'beckum' WHERE EXISTS (SELECT 1 FROM "Network" WHERE id = 'beckum');

ALTER TABLE "Volunteer" DROP COLUMN "changeOutboxId",
DROP COLUMN "decidedAt",
DROP COLUMN "decidedBy",
DROP COLUMN "status",
ADD COLUMN     "changeDecidedAt" TIMESTAMPTZ(3),
ADD COLUMN     "changeDecidedBy" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "Network_slug_key" ON "Network"("slug");

-- CreateIndex
CREATE UNIQUE INDEX "Network_slackTeamId_key" ON "Network"("slackTeamId");

-- CreateIndex
CREATE INDEX "VolunteerNetwork_networkId_status_idx" ON "VolunteerNetwork"("networkId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "ContactPoint_networkId_name_key" ON "ContactPoint"("networkId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "LeisureOffer_networkId_title_key" ON "LeisureOffer"("networkId", "title");

-- CreateIndex
CREATE UNIQUE INDEX "NetworkEvent_networkId_name_key" ON "NetworkEvent"("networkId", "name");

-- CreateIndex
CREATE INDEX "Volunteer_paused_idx" ON "Volunteer"("paused");

-- CreateIndex
CREATE UNIQUE INDEX "WorkingGroup_networkId_slug_key" ON "WorkingGroup"("networkId", "slug");

-- AddForeignKey
ALTER TABLE "Network" ADD CONSTRAINT "Network_parentId_fkey" FOREIGN KEY ("parentId") REFERENCES "Network"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "VolunteerNetwork" ADD CONSTRAINT "VolunteerNetwork_volunteerId_fkey" FOREIGN KEY ("volunteerId") REFERENCES "Volunteer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "VolunteerNetwork" ADD CONSTRAINT "VolunteerNetwork_networkId_fkey" FOREIGN KEY ("networkId") REFERENCES "Network"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TelegramUser" ADD CONSTRAINT "TelegramUser_networkId_fkey" FOREIGN KEY ("networkId") REFERENCES "Network"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "HelpRequest" ADD CONSTRAINT "HelpRequest_networkId_fkey" FOREIGN KEY ("networkId") REFERENCES "Network"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WorkingGroup" ADD CONSTRAINT "WorkingGroup_networkId_fkey" FOREIGN KEY ("networkId") REFERENCES "Network"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Meeting" ADD CONSTRAINT "Meeting_networkId_fkey" FOREIGN KEY ("networkId") REFERENCES "Network"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Poll" ADD CONSTRAINT "Poll_networkId_fkey" FOREIGN KEY ("networkId") REFERENCES "Network"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "NetworkEvent" ADD CONSTRAINT "NetworkEvent_networkId_fkey" FOREIGN KEY ("networkId") REFERENCES "Network"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ContactPoint" ADD CONSTRAINT "ContactPoint_networkId_fkey" FOREIGN KEY ("networkId") REFERENCES "Network"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LeisureOffer" ADD CONSTRAINT "LeisureOffer_networkId_fkey" FOREIGN KEY ("networkId") REFERENCES "Network"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LeisureDemand" ADD CONSTRAINT "LeisureDemand_networkId_fkey" FOREIGN KEY ("networkId") REFERENCES "Network"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DiscriminationReport" ADD CONSTRAINT "DiscriminationReport_networkId_fkey" FOREIGN KEY ("networkId") REFERENCES "Network"("id") ON DELETE CASCADE ON UPDATE CASCADE;

