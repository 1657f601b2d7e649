import type { Db } from "../core/db.js";
import { isoWeek } from "../core/digest.js";
import type { Logger } from "../core/log.js";
import { MEETING_QUEUE, meetingTick, meetingTickJob, overdueMeetingTicks, type MeetingSettings } from "../core/meetings.js";
import { tellSlack } from "../core/outbox.js";
import { closePoll, overduePolls, POLL_QUEUE, pollCloseJob } from "../core/polls.js";
import { SLACK_REFRESH_QUEUE, type RefreshJob } from "../core/slack-messages.js";
import type { Queues } from "./connection.js";
import type { Reconciler } from "./outbox.js";

/** The weekly digest, posted by a job scheduler (Monday 08:00, network time). */
export const DIGEST_QUEUE = "digest";
export const DIGEST_TEMPLATE = "weekly-digest";

type Deps = { db: Db; queues: Queues; log: Logger };

/** Meeting reminders: one job per reminder time, carrying only the meeting id. */
export function startMeetingReminders(deps: Deps & { settings: MeetingSettings }) {
  return deps.queues.worker<{ meetingId: string }>(MEETING_QUEUE, async (job) => {
    const result = await meetingTick(deps.db, job.data.meetingId, deps.settings);
    if (result.reminded.length) deps.log.info({ meetingId: job.data.meetingId, nudged: result.nudged }, "meeting reminder sent");
    return result;
  });
}

/** Polls close by themselves at their deadline. */
export function startPollClosing(deps: Deps) {
  return deps.queues.worker<{ pollId: string }>(POLL_QUEUE, async (job) => closePoll(deps.db, job.data.pollId));
}

/** Live counts: re-renders a message shortly after a burst of votes or answers. */
export function startSlackRefresh(deps: Deps) {
  return deps.queues.worker<RefreshJob>(SLACK_REFRESH_QUEUE, async (job) => {
    const { channel, template, id, outboxId } = job.data;
    await tellSlack(deps.db, channel, { kind: "update", template, id, outboxId });
  });
}

export function startDigest(deps: Deps & { networkChannel: string }) {
  return deps.queues.worker(DIGEST_QUEUE, async () => {
    const week = isoWeek(new Date());
    await tellSlack(deps.db, deps.networkChannel, { kind: "post", template: DIGEST_TEMPLATE, id: week });
    return { week };
  });
}

/** Meeting reminders and poll closings whose jobs are overdue. */
export function overdueNetworkJobs(db: Db): Reconciler {
  return async (graceMs) => [
    ...(await overdueMeetingTicks(db, graceMs)).map((m) => ({ queue: MEETING_QUEUE, name: "tick", jobId: meetingTickJob(m.id, m.nextTickAt), data: { meetingId: m.id } })),
    ...(await overduePolls(db, graceMs)).map((p) => ({ queue: POLL_QUEUE, name: "close", jobId: pollCloseJob(p.id), data: { pollId: p.id } })),
  ];
}
