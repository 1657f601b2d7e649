import { describe, expect, it } from "vitest";
import type { Core } from "../../core/index.js";
import type { RequestDraft } from "../../core/requests.js";
import { ask, coordinatorIn, newcomer, offeredTo, offersOf, useCore, volunteer } from "../helpers/core.js";

// Who gets an offer, on real PostgreSQL through core alone: volunteers set up as the bot sets them up, a
// request as the dialogue confirms it, and the dispatch tick the queue would run.

const AMINA = 1000;
const FARID = 1001;
const IN_PERSON: RequestDraft = { kind: "MEDIATION", language: "ar", purpose: "JOBCENTER", mode: "IN_PERSON", district: "BECKUM" };
const BY_PHONE: RequestDraft = { kind: "MEDIATION", language: "ar", purpose: "HEALTH", mode: "PHONE" };

const world = useCore();

/** A newcomer asks, one tick runs: the Telegram ids of the volunteers who got the first wave. */
async function firstWave(draft: RequestDraft, core: Core = world.core, who = AMINA): Promise<number[]> {
  await newcomer(core, who);
  const requestId = await ask(core, who, draft);
  await core.wakeUps.request(requestId);
  return offeredTo(world.database, requestId);
}

/** A request that `volunteerId`'s Telegram user accepts: a match made now. */
async function matchWith(core: Core, telegramId: number, who = FARID): Promise<void> {
  await newcomer(core, who);
  const requestId = await ask(core, who, BY_PHONE);
  await core.wakeUps.request(requestId);
  const offer = (await offersOf(world.database, requestId)).find((o) => o.telegramId === telegramId);
  if (!offer) throw new Error(`${telegramId} was not offered the request to be matched`);
  expect(await core.offers.accept(offer.id, telegramId)).toMatchObject({ kind: "won" });
}

describe("language and level", () => {
  it("an interpreter who speaks the language well gets the offer; one who speaks it a little waits while others fit", async () => {
    await volunteer(world.core, 101, { languages: [{ language: "ar", level: "GOOD" }] });
    await volunteer(world.core, 102, { languages: [{ language: "ar", level: "BASIC" }] });
    await volunteer(world.core, 103, { languages: [{ language: "ar", level: "FLUENT" }, { language: "tr", level: "NATIVE" }] });
    expect(await firstWave(IN_PERSON)).toEqual([101, 103]);
  });

  it("when nobody speaks the language well, a basic speaker gets the offer at once", async () => {
    await volunteer(world.core, 102, { languages: [{ language: "ar", level: "BASIC" }] });
    expect(await firstWave(IN_PERSON)).toEqual([102]);
  });

  it("an interpreter without the language never gets the offer, however far the search reaches", async () => {
    await volunteer(world.core, 104, { languages: [{ language: "tr", level: "NATIVE" }, { language: "fa", level: "NATIVE" }] });
    expect(await firstWave(IN_PERSON)).toEqual([]);
    expect(await firstWave(BY_PHONE, world.core, FARID)).toEqual([]);
  });

  it("a request for a German speaker needs no other language: every interpreter may take it", async () => {
    await volunteer(world.core, 101, { languages: [{ language: "ar", level: "NATIVE" }] });
    await volunteer(world.core, 104, { languages: [{ language: "tr", level: "BASIC" }] });
    expect(await firstWave({ ...IN_PERSON, language: "de" })).toEqual([101, 104]);
  });
});

describe("role", () => {
  it("an interpreting request goes only to interpreters", async () => {
    await volunteer(world.core, 101, { roles: ["INTERPRETER"] });
    await volunteer(world.core, 105, { roles: ["LEISURE_BUDDY"] });
    await volunteer(world.core, 106, { roles: ["MENTOR"], gender: "WOMAN" });
    await volunteer(world.core, 107, { roles: ["LEISURE_BUDDY", "INTERPRETER"] });
    expect(await firstWave(IN_PERSON)).toEqual([101, 107]);
  });

  it("a request for company in free time goes only to leisure buddies", async () => {
    await volunteer(world.core, 101, { roles: ["INTERPRETER"] });
    await volunteer(world.core, 105, { roles: ["LEISURE_BUDDY"] });
    expect(await firstWave({ kind: "LEISURE", language: "ar", interests: ["FOOTBALL"] })).toEqual([105]);
  });
});

describe("district", () => {
  it("in person, strictly only volunteers who go to the district and not only by phone", async () => {
    await volunteer(world.core, 101, { districts: ["BECKUM", "ROLAND"] });
    await volunteer(world.core, 108, { districts: ["NEUBECKUM"] });
    await volunteer(world.core, 109, { districts: ["BECKUM"], remoteOnly: true });
    expect(await firstWave(IN_PERSON)).toEqual([101]);
  });

  it("by phone, every district and remote-only volunteers count from the first wave", async () => {
    await volunteer(world.core, 101, { districts: ["BECKUM"] });
    await volunteer(world.core, 108, { districts: ["NEUBECKUM"] });
    await volunteer(world.core, 109, { districts: [], remoteOnly: true });
    expect(await firstWave(BY_PHONE)).toEqual([101, 108, 109]);
  });

  it("in person with nobody in the district, the circle widens at once to other districts and remote-only volunteers", async () => {
    await volunteer(world.core, 108, { districts: ["NEUBECKUM"] });
    await volunteer(world.core, 109, { districts: [], remoteOnly: true });
    expect(await firstWave(IN_PERSON)).toEqual([108, 109]);
  });
});

describe("weekly capacity", () => {
  it("a volunteer who had as many jobs in the last seven days as they offered gets no offer; one with room left does", async () => {
    const core = world.coreWith({ quietMs: 0 });
    await volunteer(core, 110, { weeklyCapacity: 1 });
    await matchWith(core, 110);
    await volunteer(core, 111, { weeklyCapacity: 2 });
    await matchWith(core, 111, 1002);
    expect(await firstWave(IN_PERSON, core)).toEqual([111]);
  });

  it("a match more than seven days ago no longer counts against the week", async () => {
    const core = world.coreWith({ quietMs: 0 });
    const id = await volunteer(core, 110, { weeklyCapacity: 1 });
    await matchWith(core, 110);
    await world.database.prisma.helpRequest.updateMany({ where: { volunteerId: id }, data: { matchedAt: new Date(Date.now() - 8 * 86_400_000) } });
    expect(await firstWave(IN_PERSON, core)).toEqual([110]);
  });
});

describe("quiet time", () => {
  it("nobody gets a new offer within the quiet time after their last one, and gets one again once it has passed", async () => {
    const core = world.coreWith({ quietMs: 30 * 60_000, waveIntervalMs: 0 });
    const id = await volunteer(core, 101);
    expect(await firstWave(BY_PHONE, core, FARID)).toEqual([101]);

    await newcomer(core, AMINA);
    const second = await ask(core, AMINA, IN_PERSON);
    await core.wakeUps.request(second);
    expect(await offeredTo(world.database, second)).toEqual([]);

    await world.database.prisma.volunteer.update({ where: { id }, data: { lastOfferedAt: new Date(Date.now() - 31 * 60_000) } });
    await core.wakeUps.request(second);
    expect(await offeredTo(world.database, second)).toEqual([101]);
  });

  it("a wave that finds everyone just offered by another request looks again once their quiet time is over, not a wave interval later", async () => {
    const core = world.coreWith({ quietMs: 1000, waveIntervalMs: 10 * 60_000 });
    const id = await volunteer(core, 101);
    await newcomer(core, AMINA);
    const requestId = await ask(core, AMINA, BY_PHONE);
    // Another request's wave committed this moment; its transaction began after this tick's (its offer time
    // is even a little later than the tick's now()).
    await world.database.prisma.volunteer.update({ where: { id }, data: { lastOfferedAt: new Date(Date.now() + 500) } });
    const before = Date.now();
    const result = await core.wakeUps.request(requestId);
    expect(result.offered).toBe(0);
    expect(result.nextTickAt?.getTime()).toBeLessThan(before + 5_000);
  });
});

describe("who is never offered", () => {
  it("the newcomer themself, even when they volunteer", async () => {
    await volunteer(world.core, 101);
    await volunteer(world.core, 112);
    expect(await firstWave(IN_PERSON, world.core, 112)).toEqual([101]);
  });

  it("a volunteer who was offered the request already, in a later wave", async () => {
    const core = world.coreWith({ waveIntervalMs: 0 });
    await volunteer(core, 101);
    await volunteer(core, 102, { languages: [{ language: "ar", level: "BASIC" }] });
    await newcomer(core, AMINA);
    const requestId = await ask(core, AMINA, IN_PERSON);
    for (let tick = 0; tick < 4; tick++) await core.wakeUps.request(requestId);
    expect(await offersOf(world.database, requestId)).toMatchObject([
      { telegramId: 101, wave: 1 },
      { telegramId: 102, wave: 2 },
    ]);
  });

  it("a volunteer who is paused gets no offer, and gets offers again after resuming", async () => {
    await volunteer(world.core, 101);
    expect(await world.core.volunteers.setPaused(101, true)).toBe("done");
    expect(await firstWave(BY_PHONE)).toEqual([]);
    await world.core.volunteers.setPaused(101, false);
    expect(await firstWave(IN_PERSON, world.core, FARID)).toEqual([101]);
  });

  it("a volunteer whose registration is waiting for a coordinator, or was rejected, gets no offer", async () => {
    await volunteer(world.core, 113, { decision: "PENDING" });
    await volunteer(world.core, 114, { decision: "REJECTED" });
    expect(await firstWave(BY_PHONE)).toEqual([]);
  });
});

describe("mentoring", () => {
  const MENTEE: RequestDraft = { kind: "MENTORING", language: "ar", topic: "JOB", genderPreference: "WOMAN" };

  it("a mentee who asks for a woman is offered only women mentors", async () => {
    await volunteer(world.core, 120, { roles: ["MENTOR"], gender: "WOMAN" });
    await volunteer(world.core, 121, { roles: ["MENTOR"], gender: "MAN" });
    await volunteer(world.core, 122, { roles: ["MENTOR"] });
    expect(await firstWave(MENTEE)).toEqual([120]);
  });

  it("widened, a woman mentor without the language may take it, a man with it still not", async () => {
    await volunteer(world.core, 121, { roles: ["MENTOR"], gender: "MAN" });
    await volunteer(world.core, 123, { roles: ["MENTOR"], gender: "WOMAN", languages: [{ language: "uk", level: "NATIVE" }] });
    expect(await firstWave(MENTEE)).toEqual([123]);
  });

  it("without a wish, every mentor with the language fits", async () => {
    await volunteer(world.core, 120, { roles: ["MENTOR"], gender: "WOMAN" });
    await volunteer(world.core, 121, { roles: ["MENTOR"], gender: "MAN" });
    await volunteer(world.core, 122, { roles: ["MENTOR"] });
    expect(await firstWave({ kind: "MENTORING", language: "ar", topic: "JOB" })).toEqual([120, 121, 122]);
  });
});

describe("fairness", () => {
  it("the volunteer assigned least recently gets the offer first; someone never assigned before anyone", async () => {
    const core = world.coreWith({ quietMs: 0, waveSize: 1, waveIntervalMs: 0 });
    await volunteer(core, 131);
    await volunteer(core, 132);
    await volunteer(core, 133);
    await matchWith(core, 131, 1001);
    await matchWith(core, 132, 1002);
    // All three offered another request at the same moment: their last offers no longer tell them apart.
    expect(await firstWave(BY_PHONE, world.coreWith({ quietMs: 0, waveSize: 3 }), 1003)).toEqual([131, 132, 133]);
    await newcomer(core, AMINA);
    const requestId = await ask(core, AMINA, IN_PERSON);
    for (let tick = 0; tick < 3; tick++) await core.wakeUps.request(requestId);
    expect(await offersOf(world.database, requestId)).toMatchObject([
      { telegramId: 133, wave: 1 },
      { telegramId: 131, wave: 2 },
      { telegramId: 132, wave: 3 },
    ]);
  });

  it("among volunteers never assigned, the one whose last offer lies furthest back comes first", async () => {
    const core = world.coreWith({ quietMs: 0, waveSize: 1 });
    await volunteer(core, 131);
    await volunteer(core, 132);
    expect(await firstWave(BY_PHONE, core, 1001)).toEqual([131]);
    expect(await firstWave(BY_PHONE, core, 1002)).toEqual([132]);
    expect(await firstWave(BY_PHONE, core, 1003)).toEqual([131]);
  });
});

describe("a coordinator offers a request to everyone", () => {
  it("every approved volunteer with the role and the language gets it, regardless of district, capacity and quiet time", async () => {
    const core = world.core; // with the quiet time of production: 30 minutes
    await volunteer(core, 140, { weeklyCapacity: 1 });
    await matchWith(core, 140, 1001); // at capacity, and offered just now
    await volunteer(core, 141);
    expect(await firstWave(BY_PHONE, core, 1002)).toEqual([141]); // in its quiet time now
    await volunteer(core, 142, { districts: ["VELLERN"] });
    await volunteer(core, 143, { languages: [{ language: "ar", level: "BASIC" }], remoteOnly: true });
    await volunteer(core, 144, { languages: [{ language: "tr", level: "NATIVE" }] });
    await volunteer(core, 145, { roles: ["LEISURE_BUDDY"] });
    await volunteer(core, 146, { decision: "PENDING" });
    await volunteer(core, 147);
    await core.volunteers.setPaused(147, true);

    await newcomer(core, AMINA);
    const requestId = await ask(core, AMINA, IN_PERSON);
    expect(await (await coordinatorIn(core)).coordination.offerToAll(requestId)).toEqual({ kind: "offered", count: 4 });
    expect(await offeredTo(world.database, requestId)).toEqual([140, 141, 142, 143]);
  });

  it("nobody gets it twice, and a request no longer searching is not offered", async () => {
    await volunteer(world.core, 101);
    await newcomer(world.core, AMINA);
    const requestId = await ask(world.core, AMINA, IN_PERSON);
    await world.core.wakeUps.request(requestId);
    await volunteer(world.core, 102);
    const coordinator = await coordinatorIn(world.core);
    expect(await coordinator.coordination.offerToAll(requestId)).toEqual({ kind: "offered", count: 1 });
    expect(await coordinator.coordination.offerToAll(requestId)).toEqual({ kind: "offered", count: 0 });
    expect(await offersOf(world.database, requestId)).toMatchObject([
      { telegramId: 101, wave: 1 },
      { telegramId: 102, wave: 2 },
    ]);
    await world.core.requests.cancel(requestId, AMINA);
    expect(await coordinator.coordination.offerToAll(requestId)).toEqual({ kind: "not-searching", status: "CANCELLED" });
  });
});
