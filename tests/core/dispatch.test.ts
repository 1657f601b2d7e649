import { describe, expect, it } from "vitest";
import type { Core } from "../../core/index.js";
import { createCore } from "../../core/index.js";
import { readRequest } from "../../core/request-store.js";
import type { RequestDraft } from "../../core/requests.js";
import { ask, coordinatorIn, newcomer, offersOf, useCore, testAuthority, testSettings, toldTo, volunteer } from "../helpers/core.js";

// The dispatch tick – the work the queue wakes core up for – on real PostgreSQL, without a queue: waves,
// widening, the coordinators' alert, the deadline, reminders.

const AMINA = 1000;
const COORDINATORS = "C0COORD";
const IN_PERSON: RequestDraft = { kind: "MEDIATION", language: "ar", purpose: "JOBCENTER", mode: "IN_PERSON", district: "BECKUM" };
const GOOD = [{ language: "ar", level: "GOOD" as const }];
const BASIC = [{ language: "ar", level: "BASIC" as const }];

const world = useCore();

async function request(core: Core, draft: RequestDraft = IN_PERSON): Promise<string> {
  await newcomer(core, AMINA);
  return ask(core, AMINA, draft);
}

/** The escalation messages in a channel (registrations of volunteers go there too). */
const alertsFor = async (channel: string) => (await toldTo(world.database, channel)).filter((m) => m.endsWith(":request-escalation"));

/** Waits until just after `at` (real time: the database's clock is the one that counts). */
const sleepUntil = (at: Date | null | undefined) => new Promise((resolve) => setTimeout(resolve, Math.max(0, (at?.getTime() ?? 0) - Date.now()) + 50));

describe("waves", () => {
  it("the first tick offers the request to one wave and asks to be woken when the next is due", async () => {
    for (const id of [101, 102, 103, 104]) await volunteer(world.core, id, { languages: GOOD });
    const requestId = await request(world.core);
    const before = Date.now();
    const result = await world.core.wakeUps.request(requestId);
    expect(result).toMatchObject({ offered: 3, escalated: false, gaveUp: false });
    expect(result.nextTickAt?.getTime()).toBeGreaterThanOrEqual(before + 10 * 60_000);
    expect(result.nextTickAt?.getTime()).toBeLessThan(Date.now() + 10 * 60_000 + 1000);
    expect(await offersOf(world.database, requestId)).toMatchObject([101, 102, 103].map((telegramId) => ({ telegramId, wave: 1, status: "OPEN" })));
    expect(await (await coordinatorIn(world.core)).coordination.overview(requestId)).toMatchObject({ wave: 1, widened: false, offers: { open: 3, total: 3 } });
    for (const id of [101, 102, 103]) expect(await toldTo(world.database, id)).toContain("offer.new.MEDIATION");
  });

  it("a tick before the next wave is due sends nothing", async () => {
    for (const id of [101, 102, 103, 104]) await volunteer(world.core, id, { languages: GOOD });
    const requestId = await request(world.core);
    await world.core.wakeUps.request(requestId);
    expect(await world.core.wakeUps.request(requestId)).toMatchObject({ offered: 0 });
    expect(await offersOf(world.database, requestId)).toHaveLength(3);
  });

  it("two ticks at once send one wave", async () => {
    for (const id of [101, 102, 103, 104, 105, 106]) await volunteer(world.core, id, { languages: GOOD });
    const requestId = await request(world.core);
    const results = await Promise.all([world.core.wakeUps.request(requestId), world.core.wakeUps.request(requestId)]);
    expect(results.map((r) => r.offered).sort()).toEqual([0, 3]);
    expect(await offersOf(world.database, requestId)).toHaveLength(3);
  });

  it("after the strict waves the circle widens, even while strict candidates remain", async () => {
    const core = world.coreWith({ waveSize: 1, waveIntervalMs: 0, quietMs: 0 });
    await volunteer(core, 110, { languages: BASIC }); // registered first, but speaks Arabic only a little
    for (const id of [111, 112, 113]) await volunteer(core, id, { languages: GOOD });
    const requestId = await request(core);
    await core.wakeUps.request(requestId);
    await core.wakeUps.request(requestId);
    const coordinator = await coordinatorIn(core);
    expect(await coordinator.coordination.overview(requestId)).toMatchObject({ wave: 2, widened: false });
    await core.wakeUps.request(requestId);
    expect(await coordinator.coordination.overview(requestId)).toMatchObject({ wave: 3, widened: true });
    expect(await offersOf(world.database, requestId)).toMatchObject([
      { telegramId: 111, wave: 1 },
      { telegramId: 112, wave: 2 },
      { telegramId: 110, wave: 3 },
    ]);
  });

  it("when nobody fits strictly, the circle widens at once", async () => {
    await volunteer(world.core, 110, { languages: BASIC });
    const requestId = await request(world.core);
    expect(await world.core.wakeUps.request(requestId)).toMatchObject({ offered: 1 });
    expect(await (await coordinatorIn(world.core)).coordination.overview(requestId)).toMatchObject({ wave: 1, widened: true });
  });

  it("a tick that finds nobody sends no wave, and the search goes on until its deadline", async () => {
    const requestId = await request(world.core);
    const result = await world.core.wakeUps.request(requestId);
    expect(result).toMatchObject({ offered: 0, gaveUp: false });
    expect(result.nextTickAt).not.toBeNull();
    expect(await (await coordinatorIn(world.core)).coordination.overview(requestId)).toMatchObject({ status: "SEARCHING", wave: 0, widened: true });
  });
});

describe("two requests' waves at the same moment", () => {
  /** Holds the volunteers' rows as another request's wave does between choosing them and committing its offers. */
  async function whileAnotherWaveHolds<T>(run: () => Promise<T>): Promise<T> {
    let result: T | undefined;
    await world.database.sqlTransaction(async (tx) => {
      await tx.sql(`SELECT id FROM "Volunteer" FOR UPDATE`, []);
      result = await run();
    });
    return result as T;
  }

  it("with no quiet time, the wave that found them held looks again a second later, strictly, and reaches them", async () => {
    const core = world.coreWith({ quietMs: 1 });
    for (const id of [101, 102]) await volunteer(core, id, { languages: GOOD });
    const requestId = await request(core);
    const before = Date.now();
    const held = await whileAnotherWaveHolds(() => core.wakeUps.request(requestId));
    expect(held).toMatchObject({ offered: 0 });
    // Not a full wave interval later, and not widened: the strict circle is not empty, only busy.
    expect(held.nextTickAt?.getTime()).toBeGreaterThanOrEqual(before + 1000);
    expect(held.nextTickAt?.getTime()).toBeLessThan(Date.now() + 2000);
    expect(await (await coordinatorIn(core)).coordination.overview(requestId)).toMatchObject({ wave: 0, widened: false });
    await sleepUntil(held.nextTickAt);
    expect(await core.wakeUps.request(requestId)).toMatchObject({ offered: 2 });
    expect((await offersOf(world.database, requestId)).map((o) => o.telegramId)).toEqual([101, 102]);
  });

  it("with a quiet time longer than the wave interval, those held are as good as taken: the next wave comes at its usual time", async () => {
    for (const id of [101, 102]) await volunteer(world.core, id, { languages: GOOD });
    const requestId = await request(world.core);
    const held = await whileAnotherWaveHolds(() => world.core.wakeUps.request(requestId));
    expect(held).toMatchObject({ offered: 0 });
    expect(held.nextTickAt?.getTime()).toBeGreaterThan(Date.now() + 10 * 60_000 - 5000);
  });
});

describe("the coordinators' alert", () => {
  it("goes to the coordinators' channel once, when nobody has accepted in time", async () => {
    const core = world.coreWith({ escalateAfterMs: 0 });
    await volunteer(core, 101);
    const requestId = await request(core);
    expect(await core.wakeUps.request(requestId)).toMatchObject({ escalated: true, offered: 1 });
    expect(await core.wakeUps.request(requestId)).toMatchObject({ escalated: false });
    expect(await alertsFor(COORDINATORS)).toEqual(["post:request-escalation"]);
  });

  it("is not sent while the search is young", async () => {
    await volunteer(world.core, 101);
    const requestId = await request(world.core);
    expect(await world.core.wakeUps.request(requestId)).toMatchObject({ escalated: false });
    expect(await alertsFor(COORDINATORS)).toEqual([]);
  });
});

describe("the deadline", () => {
  it("at the deadline the newcomer hears it honestly, open offers are withdrawn and nothing more is scheduled", async () => {
    const core = world.coreWith({ searchTimeoutMs: 2000 });
    await volunteer(core, 101);
    const requestId = await request(core);
    expect(await core.wakeUps.request(requestId)).toMatchObject({ offered: 1, gaveUp: false });
    await sleepUntil((await readRequest(world.database, requestId))?.deadlineAt);
    expect(await core.wakeUps.request(requestId)).toMatchObject({ gaveUp: true, nextTickAt: null });
    expect(await (await coordinatorIn(core)).coordination.overview(requestId)).toMatchObject({ status: "UNMATCHED" });
    expect(await offersOf(world.database, requestId)).toMatchObject([{ telegramId: 101, status: "WITHDRAWN" }]);
    expect(await toldTo(world.database, AMINA)).toEqual(["request.received.MEDIATION", "request.unmatched.MEDIATION"]);
    expect(await toldTo(world.database, 101)).toContain("offer.withdrawn");
  });

  it("for an appointment, the search ends two hours before it", async () => {
    const appointmentAt = new Date(Date.now() + 24 * 3600_000);
    const requestId = await request(world.core, { ...IN_PERSON, appointmentAt });
    expect((await readRequest(world.database, requestId))?.deadlineAt).toEqual(new Date(appointmentAt.getTime() - 2 * 3600_000));
  });

  it("for an appointment sooner than that, the search goes on up to the appointment itself", async () => {
    const appointmentAt = new Date(Date.now() + 90 * 60_000);
    const requestId = await request(world.core, { ...IN_PERSON, appointmentAt });
    expect((await readRequest(world.database, requestId))?.deadlineAt).toEqual(appointmentAt);
  });

  it("as soon as possible, the search lasts 48 hours", async () => {
    const before = Date.now();
    const requestId = await request(world.core);
    const deadline = (await readRequest(world.database, requestId))?.deadlineAt?.getTime() ?? 0;
    expect(deadline).toBeGreaterThanOrEqual(before + 48 * 3600_000);
    expect(deadline).toBeLessThanOrEqual(Date.now() + 48 * 3600_000);
  });
});

describe("ticks that find nothing to do", () => {
  it("a tick for a cancelled request offers nothing and asks for no further tick", async () => {
    await volunteer(world.core, 101);
    const requestId = await request(world.core);
    await world.core.requests.cancel(requestId, AMINA);
    expect(await world.core.wakeUps.request(requestId)).toEqual({ offered: 0, escalated: false, gaveUp: false, reminded: [], nextTickAt: null });
    expect(await offersOf(world.database, requestId)).toEqual([]);
  });

  it("a tick for a request that does not exist (erased meanwhile) is harmless", async () => {
    expect(await world.core.wakeUps.request("no-such-request")).toMatchObject({ offered: 0, nextTickAt: null });
  });
});

describe("reminders through the tick", () => {
  it("reminds both sides once when the reminder is due, and not again", async () => {
    // The reminder "shortly before" set to two hours, the appointment two hours and three seconds ahead.
    const core = createCore(world.database, { ...testSettings(), reminders: { eveningHour: 18, beforeMs: 2 * 3600_000 } }, testAuthority);
    await volunteer(core, 101);
    const requestId = await request(core, { ...IN_PERSON, appointmentAt: new Date(Date.now() + 2 * 3600_000 + 3000) });
    await core.wakeUps.request(requestId);
    const [offer] = await offersOf(world.database, requestId);
    expect(await core.offers.accept(offer?.id ?? "", 101)).toMatchObject({ kind: "won" });
    const reminderAt = (await readRequest(world.database, requestId))?.nextTickAt;
    expect(reminderAt?.getTime()).toBeLessThanOrEqual(Date.now() + 3000);

    await sleepUntil(reminderAt);
    expect(await core.wakeUps.request(requestId)).toMatchObject({ reminded: ["hour"], nextTickAt: null });
    expect(await core.wakeUps.request(requestId)).toMatchObject({ reminded: [] });
    expect((await toldTo(world.database, AMINA)).filter((key) => key.startsWith("reminder."))).toEqual(["reminder.hour.newcomer"]);
    expect((await toldTo(world.database, 101)).filter((key) => key.startsWith("reminder."))).toEqual(["reminder.hour.volunteer"]);
  });
});
