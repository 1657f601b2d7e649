import type { Db } from "../core/db.js";
import { DISPATCH_QUEUE, overdueTicks, tick, tickJobId, type DispatchSettings } from "../core/dispatch.js";
import type { Logger } from "../core/log.js";
import type { Queues } from "./connection.js";
import type { Reconciler } from "./outbox.js";

/** Runs each request's state machine: waves of offers, widening, alerts, deadline, reminders. */
export const DISPATCH = DISPATCH_QUEUE;

/** Only the request's id. */
export type TickJob = { requestId: string };

export function startDispatch(deps: { db: Db; queues: Queues; log: Logger; settings: DispatchSettings }) {
  return deps.queues.worker<TickJob>(
    DISPATCH,
    async (job) => {
      const result = await tick(deps.db, job.data.requestId, deps.settings);
      if (result.offered || result.escalated || result.gaveUp || result.reminded.length) {
        deps.log.info({ requestId: job.data.requestId, ...result }, "request moved on");
      }
      return { offered: result.offered, nextTickAt: result.nextTickAt?.toISOString() ?? null };
    },
    { concurrency: 8 },
  );
}

/** Requests whose next tick is overdue. */
export function overdueDispatch(db: Db): Reconciler {
  return async (graceMs) =>
    (await overdueTicks(db, graceMs)).map((r) => ({ queue: DISPATCH, name: "tick", jobId: tickJobId(r.id, r.nextTickAt), data: { requestId: r.id } }));
}
