import { UnrecoverableError } from "bullmq";
import type { Core } from "../core/index.js";
import type { SlackIntent, WakeUp } from "../core/outbox.js";
import type { Logger } from "../ops/log.js";
import type { Queues } from "./connection.js";

/** Each request's state machine: waves of offers, widening, alerts, deadline, reminders. */
export const DISPATCH = "dispatch";
/** Meeting reminders, one job per reminder time. */
export const MEETINGS = "meetings";
/** Polls close by themselves at their deadline. */
export const POLLS = "polls";
/** Live counts: a message re-rendered shortly after a burst of votes or answers. */
export const SLACK_REFRESH = "slack-refresh";

type RefreshData = { channel: string; network: string; message: Extract<SlackIntent, { kind: "update" }> };

/** A queue job as the queues keep it: ids and the network only (and, for a refresh, which message). */
export type WakeUpJob = { queue: string; name: string; jobId: string; data: { id: string; network: string } | RefreshData; at: Date };

/**
 * Where a wake-up goes: its queue, its job name and its job id. The id is derived from the domain (the
 * entity and the time), so that the same wake-up queued twice – by the transaction's hand-over and by the
 * sweep – is one job while it exists; the woken code is idempotent for the rest.
 */
export function jobFor(wakeUp: WakeUp): WakeUpJob {
  const at = new Date(wakeUp.at);
  switch (wakeUp.wake) {
    case "request":
      return { queue: DISPATCH, name: "tick", jobId: `tick-${wakeUp.id}-${at.getTime()}`, data: { id: wakeUp.id, network: wakeUp.network }, at };
    case "meeting":
      return { queue: MEETINGS, name: "tick", jobId: `meeting-${wakeUp.id}-${at.getTime()}`, data: { id: wakeUp.id, network: wakeUp.network }, at };
    case "poll":
      return { queue: POLLS, name: "close", jobId: `poll-close-${wakeUp.id}`, data: { id: wakeUp.id, network: wakeUp.network }, at };
    case "live-counts": {
      const { message, channel, network } = wakeUp;
      return { queue: SLACK_REFRESH, name: "refresh", jobId: `refresh-${message.template}-${message.id}-${Math.floor(at.getTime() / 1000)}`, data: { channel, network, message }, at };
    }
  }
}

const idOf = (data: unknown): string => {
  const fields = (data ?? {}) as { id?: unknown; requestId?: unknown; meetingId?: unknown; pollId?: unknown };
  // Jobs queued by the previous version name their id after the entity.
  const id = fields.id ?? fields.requestId ?? fields.meetingId ?? fields.pollId;
  // A job from an older version, or a hand-made one: retrying cannot help.
  if (typeof id !== "string") throw new UnrecoverableError("job without an id");
  return id;
};

/** The lock of a job that takes milliseconds: renewed every 5 s, given up 10 s after its process died. */
const SHORT_LOCK = { lockDuration: 10_000, stalledInterval: 5000 } as const;

/** Runs a request's state machine once and says what moved: the dispatch worker's job, and the inline first tick. */
export async function runTick(core: Core, log: Logger, requestId: string): Promise<{ offered: number; nextTickAt: string | null }> {
  const result = await core.wakeUps.request(requestId);
  if (result.offered || result.escalated || result.gaveUp || result.reminded.length) log.info({ requestId, ...result }, "request moved on");
  return { offered: result.offered, nextTickAt: result.nextTickAt?.toISOString() ?? null };
}

/** Starts the workers of the four wake-up queues; each calls core with the entity's id. */
export function startWakeUpWorkers(deps: { core: Core; queues: Queues; log: Logger }): void {
  const { core, queues, log } = deps;
  queues.worker(
    DISPATCH,
    async (job) => {
      return runTick(core, log, idOf(job.data));
    },
    // A tick takes milliseconds: one whose process died is taken up again within about 15 s, not after
    // BullMQ's default 30 s lock plus 30 s stall check (while it is held, the sweep cannot queue it again).
    { concurrency: 8, ...SHORT_LOCK },
  );
  queues.worker(
    MEETINGS,
    async (job) => {
      const meetingId = idOf(job.data);
      const result = await core.wakeUps.meeting(meetingId);
      if (result.reminded.length) log.info({ meetingId, nudged: result.nudged }, "meeting reminder sent");
      return result;
    },
    SHORT_LOCK,
  );
  queues.worker(POLLS, async (job) => core.wakeUps.poll(idOf(job.data)), SHORT_LOCK);
  queues.worker<RefreshData>(SLACK_REFRESH, async (job) => {
    const { channel, network, message } = job.data;
    // A refresh queued by an older version names no network: the next vote or answer queues a new one.
    if (typeof channel !== "string" || typeof network !== "string" || message?.kind !== "update") throw new UnrecoverableError("refresh job without its message");
    await core.wakeUps.slackRefresh({ network, channel }, message);
  });
}
