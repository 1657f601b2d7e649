-- AlterEnum
ALTER TYPE "VolunteerStatus" ADD VALUE 'SUSPENDED';

-- AlterTable
ALTER TABLE "Volunteer" ADD COLUMN     "changeOutboxId" BIGINT,
ADD COLUMN     "requestedChange" JSONB;

