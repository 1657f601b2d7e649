-- AlterTable
ALTER TABLE "HelpRequest" ADD COLUMN     "availability" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "confirmationOutboxId" BIGINT,
ADD COLUMN     "confirmedAt" TIMESTAMPTZ(3),
ADD COLUMN     "genderPreference" TEXT,
ADD COLUMN     "interests" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "topic" TEXT;

-- AlterTable
ALTER TABLE "Volunteer" ADD COLUMN     "gender" TEXT;

-- CreateTable
CREATE TABLE "ContactPoint" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "categories" TEXT[],
    "description" TEXT,
    "address" TEXT,
    "openingHours" TEXT,
    "phone" TEXT,
    "web" TEXT,
    "languages" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "translations" JSONB,
    "exampleData" BOOLEAN NOT NULL DEFAULT false,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ContactPoint_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LeisureOffer" (
    "id" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "description" TEXT,
    "interests" TEXT[],
    "times" TEXT[],
    "place" TEXT,
    "contact" TEXT,
    "translations" JSONB,
    "exampleData" BOOLEAN NOT NULL DEFAULT false,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "LeisureOffer_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LeisureDemand" (
    "id" TEXT NOT NULL,
    "interest" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LeisureDemand_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DiscriminationReport" (
    "id" TEXT NOT NULL,
    "reference" TEXT NOT NULL,
    "text" TEXT,
    "place" TEXT,
    "contactUserId" TEXT,
    "locale" TEXT NOT NULL,
    "handledBy" TEXT,
    "handledAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "anonymisedAt" TIMESTAMPTZ(3),

    CONSTRAINT "DiscriminationReport_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ContactPoint_name_key" ON "ContactPoint"("name");

-- CreateIndex
CREATE UNIQUE INDEX "LeisureOffer_title_key" ON "LeisureOffer"("title");

-- CreateIndex
CREATE INDEX "LeisureDemand_createdAt_idx" ON "LeisureDemand"("createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "DiscriminationReport_reference_key" ON "DiscriminationReport"("reference");

-- AddForeignKey
ALTER TABLE "DiscriminationReport" ADD CONSTRAINT "DiscriminationReport_contactUserId_fkey" FOREIGN KEY ("contactUserId") REFERENCES "TelegramUser"("id") ON DELETE SET NULL ON UPDATE CASCADE;
