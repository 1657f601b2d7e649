import type { Queues } from "./connection.js";
import { OUTBOX_SWEEP } from "./outbox.js";
import { DIGEST_QUEUE } from "./network.js";
import { RETENTION } from "./retention.js";

/**
 * Registers the recurring jobs. Job schedulers are stored with the queues, so with several processes
 * each one fires once.
 */
export async function installSchedules(queues: Queues, settings: { outboxSweepMs: number; timeZone: string }): Promise<void> {
  await queues.queue(OUTBOX_SWEEP).upsertJobScheduler(
    "outbox-sweep",
    { every: settings.outboxSweepMs },
    { name: "sweep", opts: { removeOnComplete: true, removeOnFail: 100 } },
  );
  await queues.queue(RETENTION).upsertJobScheduler(
    "retention-hourly",
    { pattern: "17 * * * *", tz: settings.timeZone },
    { name: "retention", opts: { removeOnComplete: 24, removeOnFail: 100 } },
  );
  await queues.queue(DIGEST_QUEUE).upsertJobScheduler(
    "digest-weekly",
    { pattern: "0 8 * * 1", tz: settings.timeZone },
    { name: "digest", opts: { removeOnComplete: 10, removeOnFail: 100 } },
  );
}
