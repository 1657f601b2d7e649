import { pruneDeliveries } from "./arrivals.js";
import { closeStaleJobs } from "./closing.js";
import type { Database } from "./db.js";
import { pruneFloodCounters } from "./flood.js";
import { pruneOutbox } from "./outbox-sending.js";
import { anonymiseClosed } from "./privacy.js";
import { pruneSessions } from "./sessions.js";
import type { CoreSettings } from "./settings.js";
import { pruneSlackDeliveries } from "./slack-members.js";
import { forgetUnconsented } from "./users.js";

const HOUR = 3600_000;

/**
 * Removes what is no longer needed: personal data past its time (closed requests after the retention
 * period, people who never agreed to the privacy notice after a day, dialogues left half-way after a week)
 * and bookkeeping past its use (handled update ids after Telegram's 24 hours of redelivery). First, matched
 * jobs nobody reported done are closed when due, so that they reach the schedule too.
 */
export async function applyRetention(db: Database, settings: CoreSettings, now = Date.now()) {
  return {
    closedByTime: await closeStaleJobs(db, settings, new Date(now)),
    deliveries: await pruneDeliveries(db, new Date(now - 25 * HOUR)),
    unconsentedUsers: await forgetUnconsented(db, new Date(now - 24 * HOUR)),
    floodCounters: await pruneFloodCounters(db),
    outbox: await pruneOutbox(db, new Date(now - 30 * 24 * HOUR)),
    sessions: await pruneSessions(db, new Date(now - 7 * 24 * HOUR)),
    slackDeliveries: await pruneSlackDeliveries(db, new Date(now - 25 * HOUR)),
    closedRequests: await anonymiseClosed(db, new Date(now - settings.retentionDays * 24 * HOUR), settings),
  };
}
