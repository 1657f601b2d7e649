-- The coordinators' Slack cards about a volunteer, to show them as erased when the volunteer erases their data.
ALTER TABLE "Volunteer" ADD COLUMN     "cardOutboxIds" BIGINT[] DEFAULT ARRAY[]::BIGINT[];
