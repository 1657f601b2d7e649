import type { Db } from "../core/db.js";
import { DISPATCH_QUEUE, tick, type DispatchSettings } from "../core/dispatch.js";
import type { Logger } from "../core/log.js";
import { collectTold } from "../core/outbox.js";
import type { Queues } from "./connection.js";
import type { OutboxRelay } from "./outbox.js";

/** Runs each request's state machine: waves of offers, widening, alerts, deadline, reminders. */
export const DISPATCH = DISPATCH_QUEUE;

/** Only the request's id. */
export type TickJob = { requestId: string };

export function startDispatch(deps: { db: Db; queues: Queues; relay: OutboxRelay; log: Logger; settings: DispatchSettings }) {
  return deps.queues.worker<TickJob>(
    DISPATCH,
    async (job) => {
      const { result, told } = await collectTold(() => tick(deps.db, job.data.requestId, deps.settings));
      await deps.relay.dispatch(told);
      if (result.offered || result.escalated || result.gaveUp || result.reminded.length) {
        deps.log.info({ requestId: job.data.requestId, ...result }, "request moved on");
      }
      return { offered: result.offered, nextTickAt: result.nextTickAt?.toISOString() ?? null };
    },
    { concurrency: 8 },
  );
}
