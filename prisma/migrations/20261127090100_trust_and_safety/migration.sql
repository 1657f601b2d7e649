-- A report's card in the coordinators' channel, to show it as erased with the text.
ALTER TABLE "DiscriminationReport" ADD COLUMN     "cardOutboxId" BIGINT;

-- With several open relay chats, only one the person chose is written to.
ALTER TABLE "TelegramUser" ADD COLUMN     "relayChosen" BOOLEAN NOT NULL DEFAULT false;

-- Only a confirmed match opens the relay; every kind but mentoring is confirmed at the match.
UPDATE "HelpRequest" SET "confirmedAt" = "matchedAt" WHERE kind <> 'MENTORING' AND "confirmedAt" IS NULL AND "matchedAt" IS NOT NULL;
