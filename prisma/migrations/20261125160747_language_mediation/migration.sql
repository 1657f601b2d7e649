/*
  Warnings:

  - Added the required column `conductAcceptedAt` to the `Volunteer` table without a default value. This is not possible if the table is not empty.
  - Added the required column `germanLevel` to the `Volunteer` table without a default value. This is not possible if the table is not empty.
  - Added the required column `weeklyCapacity` to the `Volunteer` table without a default value. This is not possible if the table is not empty.

*/
-- CreateEnum
CREATE TYPE "RequestKind" AS ENUM ('MEDIATION', 'LEISURE', 'MENTORING');

-- CreateEnum
CREATE TYPE "RequestStatus" AS ENUM ('SEARCHING', 'MATCHED', 'DONE', 'CANCELLED', 'UNMATCHED');

-- CreateEnum
CREATE TYPE "OfferStatus" AS ENUM ('OPEN', 'ACCEPTED', 'DECLINED', 'TAKEN', 'WITHDRAWN');

-- AlterEnum
ALTER TYPE "Channel" ADD VALUE 'JOB';

-- AlterTable
ALTER TABLE "TelegramUser" ADD COLUMN     "relayRequestId" TEXT;

-- AlterTable
ALTER TABLE "Volunteer" ADD COLUMN     "conductAcceptedAt" TIMESTAMPTZ(3) NOT NULL,
ADD COLUMN     "decidedAt" TIMESTAMPTZ(3),
ADD COLUMN     "decidedBy" TEXT,
ADD COLUMN     "districts" TEXT[],
ADD COLUMN     "germanLevel" TEXT NOT NULL,
ADD COLUMN     "lastAssignedAt" TIMESTAMPTZ(3),
ADD COLUMN     "lastOfferedAt" TIMESTAMPTZ(3),
ADD COLUMN     "paused" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "remoteOnly" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "roles" TEXT[],
ADD COLUMN     "weeklyCapacity" INTEGER NOT NULL;

-- CreateTable
CREATE TABLE "VolunteerLanguage" (
    "volunteerId" TEXT NOT NULL,
    "language" TEXT NOT NULL,
    "level" TEXT NOT NULL,

    CONSTRAINT "VolunteerLanguage_pkey" PRIMARY KEY ("volunteerId","language")
);

-- CreateTable
CREATE TABLE "HelpRequest" (
    "id" TEXT NOT NULL,
    "reference" TEXT NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "kind" "RequestKind" NOT NULL,
    "status" "RequestStatus" NOT NULL DEFAULT 'SEARCHING',
    "newcomerId" TEXT,
    "locale" TEXT NOT NULL,
    "language" TEXT NOT NULL,
    "purpose" TEXT,
    "mode" TEXT,
    "appointmentAt" TIMESTAMPTZ(3),
    "district" TEXT,
    "place" TEXT,
    "note" TEXT,
    "attachments" JSONB,
    "volunteerId" TEXT,
    "wave" INTEGER NOT NULL DEFAULT 0,
    "widened" BOOLEAN NOT NULL DEFAULT false,
    "escalatedAt" TIMESTAMPTZ(3),
    "escalationOutboxId" BIGINT,
    "nextWaveAt" TIMESTAMPTZ(3),
    "escalateAt" TIMESTAMPTZ(3),
    "deadlineAt" TIMESTAMPTZ(3),
    "nextTickAt" TIMESTAMPTZ(3),
    "remindedEveningAt" TIMESTAMPTZ(3),
    "remindedHourAt" TIMESTAMPTZ(3),
    "hoursSpent" DECIMAL(5,2),
    "closingNote" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "matchedAt" TIMESTAMPTZ(3),
    "closedAt" TIMESTAMPTZ(3),
    "anonymisedAt" TIMESTAMPTZ(3),

    CONSTRAINT "HelpRequest_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Offer" (
    "id" TEXT NOT NULL,
    "requestId" TEXT NOT NULL,
    "volunteerId" TEXT NOT NULL,
    "wave" INTEGER NOT NULL,
    "status" "OfferStatus" NOT NULL DEFAULT 'OPEN',
    "outboxId" BIGINT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "answeredAt" TIMESTAMPTZ(3),

    CONSTRAINT "Offer_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "VolunteerLanguage_language_idx" ON "VolunteerLanguage"("language");

-- CreateIndex
CREATE UNIQUE INDEX "HelpRequest_reference_key" ON "HelpRequest"("reference");

-- CreateIndex
CREATE UNIQUE INDEX "HelpRequest_idempotencyKey_key" ON "HelpRequest"("idempotencyKey");

-- CreateIndex
CREATE INDEX "HelpRequest_status_nextTickAt_idx" ON "HelpRequest"("status", "nextTickAt");

-- CreateIndex
CREATE INDEX "HelpRequest_newcomerId_status_idx" ON "HelpRequest"("newcomerId", "status");

-- CreateIndex
CREATE INDEX "HelpRequest_volunteerId_status_idx" ON "HelpRequest"("volunteerId", "status");

-- CreateIndex
CREATE INDEX "Offer_volunteerId_status_idx" ON "Offer"("volunteerId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "Offer_requestId_volunteerId_key" ON "Offer"("requestId", "volunteerId");

-- CreateIndex
CREATE INDEX "Volunteer_status_paused_idx" ON "Volunteer"("status", "paused");

-- AddForeignKey
ALTER TABLE "VolunteerLanguage" ADD CONSTRAINT "VolunteerLanguage_volunteerId_fkey" FOREIGN KEY ("volunteerId") REFERENCES "Volunteer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "HelpRequest" ADD CONSTRAINT "HelpRequest_newcomerId_fkey" FOREIGN KEY ("newcomerId") REFERENCES "TelegramUser"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "HelpRequest" ADD CONSTRAINT "HelpRequest_volunteerId_fkey" FOREIGN KEY ("volunteerId") REFERENCES "Volunteer"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Offer" ADD CONSTRAINT "Offer_requestId_fkey" FOREIGN KEY ("requestId") REFERENCES "HelpRequest"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Offer" ADD CONSTRAINT "Offer_volunteerId_fkey" FOREIGN KEY ("volunteerId") REFERENCES "Volunteer"("id") ON DELETE CASCADE ON UPDATE CASCADE;
