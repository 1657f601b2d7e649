import type { Queue } from "bullmq";
import type { Db } from "../core/db.js";
import type { Logger } from "../core/log.js";
import { markJobsDone, pendingJobIntents, stalled, type JobIntent, type Told } from "../core/outbox.js";
import type { Queues } from "./connection.js";
import { enqueueOutboundSlack, OUTBOUND_SLACK, type OutboundSlackJob } from "./outbound-slack.js";
import { enqueueOutboundTelegram, OUTBOUND_TELEGRAM, type OutboundJob } from "./outbound-telegram.js";

/** Moves committed outbox rows onto the queues. */
export type OutboxRelay = {
  /** Queues the rows a unit of work just wrote (the fast path). */
  dispatch: (told: Told[]) => Promise<void>;
  /**
   * Puts back what a crash or a Redis restart lost: messages still unsent, job intents not carried out,
   * requests whose next tick is overdue.
   */
  sweep: () => Promise<number>;
};

export const OUTBOX_SWEEP = "outbox-sweep";

/** A queue job that should exist because the database says so (a tick that is due, a poll to close). */
export type ExpectedJob = { queue: string; name: string; jobId: string; data: Record<string, unknown> };
/** Finds domain work whose job is overdue: lost with Redis, or never queued. */
export type Reconciler = (graceMs: number) => Promise<ExpectedJob[]>;

const DEFAULT_JOB_OPTIONS = {
  attempts: 5,
  backoff: { type: "exponential", delay: 1000 },
  removeOnComplete: true,
  removeOnFail: { age: 7 * 24 * 3600 },
} as const;

export function createOutboxRelay(deps: { db: Db; queues: Queues; log: Logger; sweepAfterMs: number; reconcilers: Reconciler[] }): OutboxRelay {
  const telegram: Queue<OutboundJob> = deps.queues.queue<OutboundJob>(OUTBOUND_TELEGRAM);
  const slack: Queue<OutboundSlackJob> = deps.queues.queue<OutboundSlackJob>(OUTBOUND_SLACK);

  const runJobIntents = async (rows: { id: bigint; intent: JobIntent }[]) => {
    for (const { intent } of rows) {
      const queue = deps.queues.queue(intent.queue);
      if (intent.kind === "add") {
        const delay = Math.max(0, new Date(intent.at).getTime() - Date.now());
        await queue.add(intent.name, intent.data, { ...DEFAULT_JOB_OPTIONS, jobId: intent.jobId, delay });
      } else {
        await queue.remove(intent.jobId);
      }
    }
    await markJobsDone(deps.db, rows.map((r) => r.id));
  };

  const queueAll = async (told: Told[]) => {
    const ids = (channel: Told["channel"]) => told.filter((t) => t.channel === channel).map((t) => t.id);
    await enqueueOutboundTelegram(telegram, ids("TELEGRAM"));
    await enqueueOutboundSlack(slack, ids("SLACK"));
    // Intents written in this unit of work come with their content; others (from the sweep) are read.
    const jobs = told.filter((t) => t.channel === "JOB");
    const carried = jobs.flatMap((t) => (t.intent ? [{ id: t.id, intent: t.intent }] : []));
    const unread = jobs.filter((t) => !t.intent).map((t) => t.id);
    await runJobIntents([...carried, ...(unread.length > 0 ? await pendingJobIntents(deps.db, unread) : [])]);
  };

  return {
    dispatch: async (told) => {
      if (told.length === 0) return;
      try {
        await queueAll(told);
      } catch (error) {
        // The rows are committed: the sweep queues them once the backend is back.
        deps.log.warn({ err: error, count: told.length }, "outbox rows not queued now, the sweep will");
      }
    },
    sweep: async () => {
      const rows = await stalled(deps.db, deps.sweepAfterMs, 1000);
      await queueAll(rows);
      const jobs = await pendingJobIntents(deps.db, undefined, deps.sweepAfterMs);
      await runJobIntents(jobs);
      const overdue = (await Promise.all(deps.reconcilers.map((reconcile) => reconcile(deps.sweepAfterMs)))).flat();
      for (const job of overdue) {
        await deps.queues.queue(job.queue).add(job.name, job.data, { ...DEFAULT_JOB_OPTIONS, jobId: job.jobId });
      }
      const total = rows.length + jobs.length + overdue.length;
      if (total > 0) deps.log.info({ messages: rows.length, jobs: jobs.length, overdue: overdue.length }, "outbox sweep put back lost work");
      return total;
    },
  };
}

/** Runs the sweep as a scheduled job, so that one process does it at a time. */
export function startOutboxSweep(deps: { queues: Queues; relay: OutboxRelay }) {
  return deps.queues.worker(OUTBOX_SWEEP, async () => {
    await deps.relay.sweep();
  });
}
