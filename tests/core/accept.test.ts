import { describe, expect, it } from "vitest";
import type { Core } from "../../core/index.js";
import { readRequest } from "../../core/request-store.js";
import type { RequestDraft } from "../../core/requests.js";
import { ask, coordinator, newcomer, offersOf, useCore, toldTo, volunteer, type OfferSeen } from "../helpers/core.js";

// Offers answered, on real PostgreSQL through core alone: the first accept wins, whatever arrives at once.

const AMINA = 1000;
const BY_PHONE: RequestDraft = { kind: "MEDIATION", language: "ar", purpose: "HEALTH", mode: "PHONE" };

const world = useCore();

/** Volunteers with these Telegram ids, and a request whose first wave went to all of them. */
async function offered(volunteers: number[], core: Core = world.coreWith({ waveSize: volunteers.length, quietMs: 0 }), who = AMINA): Promise<{ requestId: string; offers: OfferSeen[] }> {
  for (const id of volunteers) if (!(await core.volunteers.of(id))) await volunteer(core, id);
  await newcomer(core, who);
  const requestId = await ask(core, who, BY_PHONE);
  await core.wakeUps.request(requestId);
  const offers = await offersOf(world.database, requestId);
  expect(offers.map((o) => o.telegramId)).toEqual(volunteers);
  return { requestId, offers };
}

const offerOf = (offers: OfferSeen[], telegramId: number): string => {
  const offer = offers.find((o) => o.telegramId === telegramId);
  if (!offer) throw new Error(`no offer for ${telegramId}`);
  return offer.id;
};

describe("first accept wins", () => {
  it("of eight volunteers accepting at once, exactly one wins and the seven others hear it is taken", async () => {
    const volunteers = [101, 102, 103, 104, 105, 106, 107, 108];
    const core = world.coreWith({ waveSize: 8, quietMs: 0 });
    for (let round = 0; round < 3; round++) {
      const { requestId, offers } = await offered(volunteers, core, AMINA + round);
      const results = await Promise.all(offers.map((o) => core.offers.accept(o.id, o.telegramId)));
      const winners = results.flatMap((r, i) => (r.kind === "won" ? [offers[i]?.telegramId] : []));
      expect(winners).toHaveLength(1);
      expect(results.filter((r) => r.kind === "taken")).toHaveLength(7);

      const request = await readRequest(world.database, requestId);
      expect(request?.status).toBe("MATCHED");
      const winner = await core.volunteers.of(winners[0] ?? 0);
      expect(request?.volunteerId).toBe(winner?.id);
      const after = await offersOf(world.database, requestId);
      expect(after.filter((o) => o.status === "ACCEPTED").map((o) => o.telegramId)).toEqual(winners);
      expect(after.filter((o) => o.status === "TAKEN")).toHaveLength(7);
    }
  });

  it("the winner gets the details, the newcomer the winner's first name, the others an edit saying it is taken", async () => {
    const { offers } = await offered([101, 102]);
    expect(await world.core.offers.accept(offerOf(offers, 101), 101)).toMatchObject({ kind: "won" });
    expect(await toldTo(world.database, 101)).toEqual(expect.arrayContaining(["offer.accepted", "offer.won"]));
    expect(await toldTo(world.database, 102)).toContain("offer.taken");
    expect(await toldTo(world.database, AMINA)).toContain("request.matched.MEDIATION");
  });

  it("a later accept of a taken request is answered 'taken' and changes nothing", async () => {
    const { requestId, offers } = await offered([101, 102]);
    await world.core.offers.accept(offerOf(offers, 101), 101);
    expect(await world.core.offers.accept(offerOf(offers, 102), 102)).toEqual({ kind: "taken" });
    expect((await readRequest(world.database, requestId))?.volunteerId).toBe((await world.core.volunteers.of(101))?.id);
  });

  it("tapping accept twice: the second tap hears the job is already theirs", async () => {
    const { offers } = await offered([101]);
    expect(await world.core.offers.accept(offerOf(offers, 101), 101)).toMatchObject({ kind: "won" });
    expect(await world.core.offers.accept(offerOf(offers, 101), 101)).toEqual({ kind: "already-yours" });
  });

  // Both taps read the offer OPEN; the second loses the conditional update of the request. Within one process
  // grammY's per-chat sequentialize keeps them apart; across two replicas it does not.
  it("a double tap that arrives at once: one tap wins, the other hears it is already theirs, and the offer stays accepted", async () => {
    const core = world.coreWith({ waveSize: 1, quietMs: 0 });
    await volunteer(core, 101, { weeklyCapacity: 5 });
    for (let round = 0; round < 5; round++) {
      const { requestId, offers } = await offered([101], core, AMINA + round);
      const offerId = offerOf(offers, 101);
      const results = await Promise.all([core.offers.accept(offerId, 101), core.offers.accept(offerId, 101)]);
      expect(results.map((r) => r.kind).sort()).toEqual(["already-yours", "won"]);
      expect(await offersOf(world.database, requestId)).toMatchObject([{ telegramId: 101, status: "ACCEPTED" }]);
    }
  });

  it("an offer accepted after the newcomer cancelled is withdrawn", async () => {
    const { requestId, offers } = await offered([101]);
    expect(await world.core.requests.cancel(requestId, AMINA)).toMatchObject({ kind: "cancelled", hadVolunteer: false });
    expect(await world.core.offers.accept(offerOf(offers, 101), 101)).toEqual({ kind: "withdrawn" });
    expect((await readRequest(world.database, requestId))?.status).toBe("CANCELLED");
  });

  it("an offer accepted after a coordinator closed the search is withdrawn", async () => {
    const { requestId, offers } = await offered([101]);
    expect(await world.core.coordination.closeUnmatched(coordinator, requestId, "no interpreter this week")).toEqual({ kind: "closed" });
    expect(await world.core.offers.accept(offerOf(offers, 101), 101)).toEqual({ kind: "withdrawn" });
  });

  it("someone else's offer, or an offer id nobody made, is 'not yours' and changes nothing", async () => {
    const { requestId, offers } = await offered([101, 102]);
    expect(await world.core.offers.accept(offerOf(offers, 101), 102)).toEqual({ kind: "not-yours" });
    expect(await world.core.offers.accept(offerOf(offers, 101), AMINA)).toEqual({ kind: "not-yours" });
    expect(await world.core.offers.accept("forged-offer-id", 101)).toEqual({ kind: "not-yours" });
    expect(await world.core.offers.decline(offerOf(offers, 101), 102)).toEqual({ kind: "not-yours" });
    expect((await offersOf(world.database, requestId)).map((o) => o.status)).toEqual(["OPEN", "OPEN"]);
    expect((await readRequest(world.database, requestId))?.status).toBe("SEARCHING");
  });

  it("a mentoring match waits for a coordinator's confirmation before the two are introduced", async () => {
    const core = world.coreWith({ quietMs: 0 });
    await volunteer(core, 120, { roles: ["MENTOR"], gender: "WOMAN" });
    await newcomer(core, AMINA);
    const requestId = await ask(core, AMINA, { kind: "MENTORING", language: "ar", topic: "JOB" });
    await core.wakeUps.request(requestId);
    const [offer] = await offersOf(world.database, requestId);
    expect(await core.offers.accept(offer?.id ?? "", 120)).toMatchObject({ kind: "won" });
    const request = await readRequest(world.database, requestId);
    expect(request).toMatchObject({ status: "MATCHED", confirmedAt: null });
    expect(await toldTo(world.database, AMINA)).toContain("request.matchPending");
    expect(await toldTo(world.database, AMINA)).not.toContain("request.matched.MENTORING");
    expect(await toldTo(world.database, "C0COORD")).toContain("post:mentoring-confirmation");
  });
});

describe("declining", () => {
  it("when the whole wave has declined, the next wave goes out now instead of at its time", async () => {
    const core = world.coreWith({ waveSize: 2, quietMs: 0 }); // waves ten minutes apart
    for (const id of [101, 102, 103]) await volunteer(core, id);
    await newcomer(core, AMINA);
    const requestId = await ask(core, AMINA, BY_PHONE);
    await core.wakeUps.request(requestId);
    const offers = await offersOf(world.database, requestId);
    const scheduled = (await readRequest(world.database, requestId))?.nextWaveAt?.getTime() ?? 0;
    expect(scheduled).toBeGreaterThan(Date.now() + 9 * 60_000);

    expect(await core.offers.decline(offerOf(offers, 101), 101)).toEqual({ kind: "declined" });
    expect((await readRequest(world.database, requestId))?.nextWaveAt?.getTime()).toBe(scheduled);
    expect(await core.wakeUps.request(requestId)).toMatchObject({ offered: 0 });

    expect(await core.offers.decline(offerOf(offers, 102), 102)).toEqual({ kind: "declined" });
    expect((await readRequest(world.database, requestId))?.nextWaveAt?.getTime()).toBeLessThanOrEqual(Date.now());
    expect(await core.wakeUps.request(requestId)).toMatchObject({ offered: 1 });
    expect(await offersOf(world.database, requestId)).toMatchObject([
      { telegramId: 101, wave: 1, status: "DECLINED" },
      { telegramId: 102, wave: 1, status: "DECLINED" },
      { telegramId: 103, wave: 2, status: "OPEN" },
    ]);
    expect(await toldTo(world.database, 101)).toContain("offer.declinedThanks");
  });

  it("an offer declined cannot be accepted afterwards, nor declined twice", async () => {
    const { offers } = await offered([101, 102]);
    await world.core.offers.decline(offerOf(offers, 101), 101);
    expect(await world.core.offers.accept(offerOf(offers, 101), 101)).toEqual({ kind: "declined" });
    expect(await world.core.offers.decline(offerOf(offers, 101), 101)).toEqual({ kind: "not-open" });
  });

  it("declining after someone else accepted does not start another wave", async () => {
    const { requestId, offers } = await offered([101, 102]);
    await world.core.offers.accept(offerOf(offers, 101), 101);
    expect(await world.core.offers.decline(offerOf(offers, 102), 102)).toEqual({ kind: "not-open" });
    expect((await readRequest(world.database, requestId))?.nextWaveAt).toBeNull();
  });
});
