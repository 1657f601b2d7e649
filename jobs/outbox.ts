import type { Queue } from "bullmq";
import type { Db } from "../core/db.js";
import type { Logger } from "../core/log.js";
import { stalled } from "../core/outbox.js";
import type { Queues } from "./connection.js";
import { enqueueOutboundTelegram, OUTBOUND_TELEGRAM, type OutboundJob } from "./outbound-telegram.js";

/** Moves committed outbox rows onto the outbound queues. */
export type OutboxRelay = {
  /** Queues the rows a unit of work just wrote (the fast path). */
  dispatch: (ids: bigint[]) => Promise<void>;
  /** Queues rows that lost their job: a crash before queueing, a Redis restart, a dead sender. */
  sweep: () => Promise<number>;
};

export const OUTBOX_SWEEP = "outbox-sweep";

export function createOutboxRelay(deps: { db: Db; queues: Queues; log: Logger; sweepAfterMs: number }): OutboxRelay {
  const telegram: Queue<OutboundJob> = deps.queues.queue<OutboundJob>(OUTBOUND_TELEGRAM);
  return {
    dispatch: async (ids) => {
      if (ids.length === 0) return;
      try {
        await enqueueOutboundTelegram(telegram, ids);
      } catch (error) {
        // The rows are committed: the sweep queues them once the backend is back.
        deps.log.warn({ err: error, count: ids.length }, "outbox rows not queued now, the sweep will");
      }
    },
    sweep: async () => {
      const rows = await stalled(deps.db, deps.sweepAfterMs, 1000);
      const telegramIds = rows.filter((r) => r.channel === "TELEGRAM").map((r) => r.id);
      await enqueueOutboundTelegram(telegram, telegramIds);
      if (rows.length > 0) deps.log.info({ count: rows.length }, "outbox sweep queued stalled messages");
      return rows.length;
    },
  };
}

/** Runs the sweep as a scheduled job, so that one process does it at a time. */
export function startOutboxSweep(deps: { queues: Queues; relay: OutboxRelay }) {
  return deps.queues.worker(OUTBOX_SWEEP, async () => {
    await deps.relay.sweep();
  });
}
