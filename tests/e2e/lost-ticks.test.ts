import type { JobType } from "bullmq";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DISPATCH, jobFor } from "../../jobs/wake-ups.js";
import { skipIfRedisAbsent } from "../helpers/env.js";
import { startStack, type QueueBackend, type Stack } from "../helpers/stack.js";
import { buttonData, onboard } from "../helpers/telegram.js";
import { approvedVolunteer } from "../helpers/volunteers.js";
import { eventually } from "../helpers/wait.js";

const NEWCOMER = 47_001;
const FIRST = 47_101;
const SECOND = 47_102;

const hasOffer = (stack: Stack, chatId: number) => stack.telegram.botMessages(chatId).some((m) => buttonData(m).some((d) => d.startsWith("offer:accept:")));

describe.each<QueueBackend>(["redis", "postgres"])("a request's ticks, queues on %s", (queue) => {
  let stack: Stack | undefined;
  beforeEach(skipIfRedisAbsent(queue));
  afterEach(async () => {
    await stack?.stop();
    stack = undefined;
  });

  /**
   * A request's next tick is a queue job whose id names the request and the time. When that job failed for
   * good (its retries spent while PostgreSQL was away longer than their backoff) it stays in the failed list
   * for a week under that id; the sweep, which puts back overdue ticks, must not be stopped by it.
   */
  it("a tick whose job failed for good is run again by the sweep once it is overdue, and the next wave goes out", async () => {
    stack = await startStack({ queue, env: { OUTBOX_SWEEP_MS: "300", DISPATCH_WAVE_SIZE: "1", DISPATCH_WAVE_INTERVAL_MS: "600000", OFFER_QUIET_MS: "1" } });
    const s = stack;
    await onboard(s.telegram, NEWCOMER, "de", "Amal");
    await approvedVolunteer(s, FIRST, { remoteOnly: true, districts: [] });
    const created = await s.app.core.requests.create(NEWCOMER, { kind: "MEDIATION", language: "ar", purpose: "HEALTH", mode: "PHONE" }, "lost-tick");
    if (created.kind !== "created") throw new Error(created.kind);
    await s.telegram.waitFor(() => hasOffer(s, FIRST) || undefined, 10_000, "the first wave");
    await approvedVolunteer(s, SECOND, { remoteOnly: true, districts: [] });

    // The second wave's job, failed for good under its id (a job without an id fails at once, unrecoverably).
    const due = new Date(Date.now() - 60_000);
    const job = jobFor({ wake: "request", id: created.requestId, at: due.toISOString(), network: s.town });
    const dispatch = s.app.queues.queue(DISPATCH);
    await dispatch.add(job.name, {} as never, { jobId: job.jobId, attempts: 1, removeOnFail: { age: 7 * 24 * 3600 } });
    await eventually(async () => expect(await (await dispatch.getJob(job.jobId))?.isFailed()).toBe(true), 10_000);
    await s.app.database.prisma.helpRequest.update({ where: { id: created.requestId }, data: { nextWaveAt: due, nextTickAt: due } });

    await s.telegram.waitFor(() => hasOffer(s, SECOND) || undefined, 10_000, "the second wave, from the sweep");
    expect(await s.app.database.prisma.offer.count({ where: { requestId: created.requestId } })).toBe(2);
  });

  /**
   * A request's wake-ups have no outbox row: its nextTickAt is the record, and the sweep queues a tick that is
   * overdue by it. A crash between the commit and the hand-over to the queue loses the job, never the request.
   */
  it("a new request whose first tick never reached the queue is searched for all the same: the sweep queues the overdue tick", async () => {
    stack = await startStack({ queue, env: { OUTBOX_SWEEP_MS: "300", DISPATCH_WAVE_SIZE: "1", OFFER_QUIET_MS: "1" } });
    const s = stack;
    await onboard(s.telegram, NEWCOMER, "de", "Amal");
    await approvedVolunteer(s, FIRST, { remoteOnly: true, districts: [] });
    // The process "dies" between the commit and the hand-over: nothing committed reaches the queues.
    s.app.database.relayTo(async () => undefined);
    const created = await s.app.core.requests.create(NEWCOMER, { kind: "MEDIATION", language: "ar", purpose: "HEALTH", mode: "PHONE" }, "lost-first-tick");
    if (created.kind !== "created") throw new Error(created.kind);
    const dispatch = s.app.queues.queue(DISPATCH);
    expect(await dispatch.getJobCounts("wait", "delayed", "active", "completed")).toEqual({ wait: 0, delayed: 0, active: 0, completed: 0 });
    s.app.database.relayTo(s.app.relay.dispatch);

    await s.telegram.waitFor(() => hasOffer(s, FIRST) || undefined, 10_000, "the first wave, from the sweep");
    expect(await s.app.database.prisma.offer.count({ where: { requestId: created.requestId } })).toBe(1);
  });

  /**
   * A request's tick due at once runs in the process that committed it, without a queue hop; one that fails
   * there is queued and run by the dispatch worker.
   */
  it("a first tick runs at once in this process (the dispatch queue paused), and through the queue when it fails here", async () => {
    stack = await startStack({ queue, env: { DISPATCH_WAVE_SIZE: "1", OFFER_QUIET_MS: "1" } });
    const s = stack;
    await onboard(s.telegram, NEWCOMER, "de", "Amal");
    await approvedVolunteer(s, FIRST, { remoteOnly: true, districts: [] });
    const dispatch = s.app.queues.queue(DISPATCH);
    // A paused queue keeps its jobs in wait on Redis, apart on PostgreSQL.
    const waiting = async () => Object.values(await dispatch.getJobCounts("wait", "paused" as JobType)).reduce((sum, n) => sum + n, 0);
    await dispatch.pause();
    const inline = await s.app.core.requests.create(NEWCOMER, { kind: "MEDIATION", language: "ar", purpose: "HEALTH", mode: "PHONE" }, "inline-first-tick");
    if (inline.kind !== "created") throw new Error(inline.kind);
    await s.telegram.waitFor(() => hasOffer(s, FIRST) || undefined, 10_000, "the first wave, run inline");
    // Nothing waits in the queue: only the next wave's tick, delayed until it is due.
    expect(await waiting()).toBe(0);

    // A tick that fails here (an error of this process) is the queue's to try again.
    await approvedVolunteer(s, SECOND, { remoteOnly: true, districts: [] });
    s.app.relay.tickInline(async () => {
      throw new Error("this process could not run it");
    });
    const queued = await s.app.core.requests.create(NEWCOMER, { kind: "MEDIATION", language: "ar", purpose: "JOBCENTER", mode: "PHONE" }, "queued-first-tick");
    if (queued.kind !== "created") throw new Error(queued.kind);
    await eventually(async () => expect(await waiting()).toBe(1), 10_000);
    expect(await s.app.database.prisma.offer.count({ where: { requestId: queued.requestId } })).toBe(0);
    await dispatch.resume();
    await eventually(async () => expect(await s.app.database.prisma.offer.count({ where: { requestId: queued.requestId } })).toBe(1), 10_000);
  });
});
