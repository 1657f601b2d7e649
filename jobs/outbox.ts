import type { Queue } from "bullmq";
import type { Core } from "../core/index.js";
import type { Told, WakeUp } from "../core/outbox.js";
import type { Logger } from "../ops/log.js";
import type { Queues } from "./connection.js";
import { enqueueOutboundSlack, OUTBOUND_SLACK, outboundSlackJobId, type OutboundSlackJob } from "./outbound-slack.js";
import { enqueueOutboundTelegram, OUTBOUND_TELEGRAM, outboundJobId, type OutboundJob } from "./outbound-telegram.js";
import { jobFor } from "./wake-ups.js";

/** Moves committed outbox rows onto the queues. */
export type OutboxRelay = {
  /** Queues the rows a unit of work just wrote (the fast path). */
  dispatch: (told: Told[]) => Promise<void>;
  /**
   * Puts back what a crash or a Redis restart lost: messages still unsent, wake-ups not queued, and
   * wake-ups the database says are overdue (their jobs are gone).
   */
  sweep: () => Promise<number>;
  /**
   * From now on a request's tick that is due at once (a new request, one that opened again) runs in this
   * process right after the commit, not through the queue: a few at a time, the rest queued as before. Its
   * request's nextTickAt stays the record: a crash in the middle leaves it overdue, and the sweep queues it.
   */
  tickInline: (run: (requestId: string) => Promise<unknown>) => void;
  /** Takes no more inline ticks and waits for those running (when the product stops). */
  drain: () => Promise<void>;
};

/**
 * Ticks run inline at once, per process. A confirm's first wave needs no queue hop (a job added, taken and
 * finished: some ten queue commands, more on PostgreSQL); past this many at once the queue's workers share them.
 */
const INLINE_TICKS = 8;

export const OUTBOX_SWEEP = "outbox-sweep";

/** An outbox row the sweep found unsent. */
type StalledRow = { id: bigint; channel: Told["channel"]; network?: string };

/** Where a job is while it is still to run (a paused queue keeps its jobs in wait). */
const QUEUED_STATES = ["wait", "prioritized", "delayed", "active", "waiting-children"] as const;

const WAKE_UP_OPTIONS = { attempts: 5, backoff: { type: "exponential", delay: 1000 }, removeOnComplete: true, removeOnFail: { age: 7 * 24 * 3600 } } as const;

export function createOutboxRelay(deps: { core: Core; queues: Queues; log: Logger; sweepAfterMs: number }): OutboxRelay {
  const { core, queues } = deps;
  const telegram: Queue<OutboundJob> = queues.queue<OutboundJob>(OUTBOUND_TELEGRAM);
  const slack: Queue<OutboundSlackJob> = queues.queue<OutboundSlackJob>(OUTBOUND_SLACK);

  const queueWakeUp = async (wakeUp: WakeUp) => {
    const job = jobFor(wakeUp);
    await queues.queue(job.queue).add(job.name, job.data, { ...WAKE_UP_OPTIONS, jobId: job.jobId, delay: Math.max(0, job.at.getTime() - Date.now()) });
  };
  let tickNow: ((requestId: string) => Promise<unknown>) | undefined;
  const inline = new Set<Promise<void>>();
  /** Starts the wake-up here if it is a request's tick due now and there is room; a failed one goes to the queue. */
  const ranInline = (wakeUp: WakeUp): boolean => {
    const run = tickNow;
    if (!run || wakeUp.wake !== "request" || inline.size >= INLINE_TICKS || new Date(wakeUp.at).getTime() > Date.now()) return false;
    const running: Promise<void> = run(wakeUp.id)
      .then(() => undefined)
      .catch(async (error: unknown) => {
        deps.log.warn({ err: error, requestId: wakeUp.id }, "tick failed here, queued to be tried again");
        // Not even queued (the backend is away too): the sweep finds the request overdue.
        await queueWakeUp(wakeUp).catch(() => undefined);
      })
      .finally(() => inline.delete(running));
    inline.add(running);
    return true;
  };
  const queueWakeUps = async (wakeUps: WakeUp[]) => {
    for (const wakeUp of wakeUps) if (!ranInline(wakeUp)) await queueWakeUp(wakeUp);
  };
  // An overdue wake-up whose job failed for good (its retries spent during a long outage) would be kept from
  // the queue by that job's id for as long as the failed job is kept: it goes, and the wake-up is queued anew.
  // Looked up once per queue and sweep, and only when the queue has failed jobs at all (under load hundreds of
  // requests can be overdue at once, waiting for their turn).
  const requeueOverdue = async (wakeUps: WakeUp[]) => {
    const jobs = wakeUps.map(jobFor);
    for (const name of new Set(jobs.map((j) => j.queue))) {
      const queue = queues.queue(name);
      if ((await queue.getFailedCount()) === 0) continue;
      const wanted = new Set(jobs.filter((j) => j.queue === name).map((j) => j.jobId));
      for (const failed of await queue.getFailed(0, 999)) if (failed.id && wanted.has(failed.id)) await failed.remove();
    }
    await queueWakeUps(wakeUps);
  };
  // A wake-up with a row (a live-count refresh) is marked as queued; the others have none (`wakeAt`).
  const queueRows = async (rows: { id?: bigint; wakeUp: WakeUp }[]) => {
    await queueWakeUps(rows.map((r) => r.wakeUp));
    await core.outbox.markWakeUpsQueued(rows.flatMap((r) => (r.id === undefined ? [] : [r.id])));
  };

  // Of the messages still unsent after the sweep's grace, those whose job is gone (a Redis restart, a crash
  // between the commit and the hand-over) or failed for good (its retries spent in a long outage; it would
  // keep its id from the queue for a week). Those waiting their turn – a burst queued behind Telegram's 30 a
  // second – are left alone: adding them again is a no-op, but one that cost a queue script (and an event)
  // for every row of the burst at every sweep, 1,543 scripts in 3 s of the dispatch benchmark. One look at
  // each queue's job ids, not one per row.
  const unqueued = async (rows: StalledRow[]): Promise<StalledRow[]> => {
    const gone: StalledRow[] = [];
    const outbound = [
      { channel: "TELEGRAM", queue: telegram as Queue, jobId: outboundJobId },
      { channel: "SLACK", queue: slack as Queue, jobId: outboundSlackJobId },
    ] as const;
    for (const { channel, queue, jobId } of outbound) {
      const mine = rows.filter((row) => row.channel === channel);
      if (mine.length === 0) continue;
      const present = new Set(await queue.getRanges([...QUEUED_STATES], 0, -1));
      const failed = new Set((await queue.getFailedCount()) > 0 ? await queue.getRanges(["failed"], 0, -1) : []);
      for (const row of mine) {
        const id = jobId(row.id);
        if (present.has(id)) continue;
        if (failed.has(id)) await queue.remove(id);
        gone.push(row);
      }
    }
    return gone;
  };

  const queueAll = async (told: Told[]) => {
    const ids = (channel: Told["channel"]) => told.flatMap((t) => (t.channel === channel && t.id !== undefined ? [t.id] : []));
    await enqueueOutboundTelegram(telegram, ids("TELEGRAM"));
    await enqueueOutboundSlack(
      slack,
      told.flatMap((t) => (t.channel === "SLACK" && t.id !== undefined ? [{ id: t.id, ...(t.network ? { network: t.network } : {}) }] : [])),
    );
    // Wake-ups written in this unit of work come with their content; others (from the sweep) are read.
    const jobs = told.filter((t) => t.channel === "JOB");
    const carried = jobs.flatMap((t) => (t.wakeUp ? [{ ...(t.id === undefined ? {} : { id: t.id }), wakeUp: t.wakeUp }] : []));
    const unread = jobs.flatMap((t) => (!t.wakeUp && t.id !== undefined ? [t.id] : []));
    await queueRows([...carried, ...(unread.length > 0 ? await core.outbox.pendingWakeUps(unread) : [])]);
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
    tickInline: (run) => {
      tickNow = run;
    },
    drain: async () => {
      tickNow = undefined;
      await Promise.allSettled([...inline]);
    },
    sweep: async () => {
      const rows = await unqueued(await core.outbox.stalled(deps.sweepAfterMs, 1000));
      await queueAll(rows);
      const pending = await core.outbox.pendingWakeUps(undefined, deps.sweepAfterMs);
      await queueRows(pending);
      const overdue = await core.wakeUps.overdue(deps.sweepAfterMs);
      await requeueOverdue(overdue);
      const total = rows.length + pending.length + overdue.length;
      if (total > 0) deps.log.info({ messages: rows.length, wakeUps: pending.length, overdue: overdue.length }, "outbox sweep put back lost work");
      return total;
    },
  };
}

/** Runs the sweep as a scheduled job, so that one process does it at a time. */
export function startOutboxSweep(deps: { queues: Queues; relay: OutboxRelay }) {
  return deps.queues.worker(
    OUTBOX_SWEEP,
    async () => {
      await deps.relay.sweep();
    },
    // A sweep takes milliseconds: one whose process died is taken up again within seconds, not BullMQ's
    // default 30 s lock plus 30 s stall check (the schedule waits for it meanwhile).
    { lockDuration: 5000, stalledInterval: 5000 },
  );
}
