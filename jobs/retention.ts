import type { Db } from "../core/db.js";
import { pruneDeliveries } from "../core/deliveries.js";
import { pruneFloodCounters } from "../core/flood.js";
import type { Logger } from "../core/log.js";
import { pruneOutbox } from "../core/outbox.js";
import { anonymiseClosed } from "../core/privacy.js";
import { pruneSessions } from "../core/sessions.js";
import { pruneSlackDeliveries } from "../core/slack-members.js";
import { forgetUnconsented } from "../core/users.js";
import type { Queues } from "./connection.js";

/** Removes what is no longer needed: personal data past its time, bookkeeping past its use. */
export const RETENTION = "retention";

const HOUR = 3600_000;

export function startRetention(deps: { db: Db; queues: Queues; log: Logger; retentionDays: number }) {
  return deps.queues.worker(RETENTION, async () => {
    const now = Date.now();
    const removed = {
      deliveries: await pruneDeliveries(deps.db, new Date(now - 25 * HOUR)),
      unconsentedUsers: await forgetUnconsented(deps.db, new Date(now - 24 * HOUR)),
      floodCounters: await pruneFloodCounters(deps.db),
      outbox: await pruneOutbox(deps.db, new Date(now - 30 * 24 * HOUR)),
      sessions: await pruneSessions(deps.db, new Date(now - 7 * 24 * HOUR)),
      slackDeliveries: await pruneSlackDeliveries(deps.db, new Date(now - 25 * HOUR)),
      closedRequests: await anonymiseClosed(deps.db, new Date(now - deps.retentionDays * 24 * HOUR)),
    };
    deps.log.info({ removed }, "retention done");
    return removed;
  });
}
