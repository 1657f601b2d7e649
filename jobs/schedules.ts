import type { Core } from "../core/index.js";
import type { Logger } from "../ops/log.js";
import type { Queues } from "./connection.js";
import { OUTBOX_SWEEP } from "./outbox.js";

/** Removes what is no longer needed: personal data past its time, bookkeeping past its use. */
export const RETENTION = "retention";
/** The weekly digest (Monday 08:00, network time). */
export const DIGEST = "digest";

/**
 * Registers the recurring jobs. Job schedulers are stored with the queues, so with several processes
 * each one fires once.
 */
export async function installSchedules(queues: Queues, settings: { outboxSweepMs: number; timeZone: string }): Promise<void> {
  await queues.queue(OUTBOX_SWEEP).upsertJobScheduler("outbox-sweep", { every: settings.outboxSweepMs }, { name: "sweep", opts: { removeOnComplete: true, removeOnFail: 100 } });
  await queues.queue(RETENTION).upsertJobScheduler(
    "retention-hourly",
    { pattern: "17 * * * *", tz: settings.timeZone },
    { name: "retention", opts: { removeOnComplete: 24, removeOnFail: 100 } },
  );
  await queues.queue(DIGEST).upsertJobScheduler("digest-weekly", { pattern: "0 8 * * 1", tz: settings.timeZone }, { name: "digest", opts: { removeOnComplete: 10, removeOnFail: 100 } });
}

/** The workers of the recurring jobs that call core: retention and the digest. */
export function startScheduledWorkers(deps: { core: Core; queues: Queues; log: Logger }): void {
  deps.queues.worker(RETENTION, async () => {
    const removed = await deps.core.retention.apply();
    deps.log.info({ removed }, "retention done");
    return removed;
  });
  deps.queues.worker(DIGEST, async () => deps.core.digest.post());
}
