import type { Queryable } from "./db.js";
import { scheduleJob } from "./outbox.js";

/** Re-renders Slack messages with live counts, at most about once a second per message. */
export const SLACK_REFRESH_QUEUE = "slack-refresh";

export type RefreshJob = { channel: string; template: string; id: string; outboxId: string };

/**
 * Asks for a message to be updated shortly. Changes within the same second share one job (its id), so a
 * burst of 200 votes makes a handful of `chat.update` calls, not 200.
 */
export async function refreshSoon(tx: Queryable, job: RefreshJob, delayMs = 1000): Promise<void> {
  const now = Date.now();
  await scheduleJob(tx, {
    kind: "add",
    queue: SLACK_REFRESH_QUEUE,
    name: "refresh",
    jobId: `refresh-${job.template}-${job.id}-${Math.floor(now / delayMs)}`,
    data: job,
    at: new Date(now + delayMs).toISOString(),
  });
}
