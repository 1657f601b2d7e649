import { describe, expect, it } from "vitest";
import type { Authority, NotCoordinator } from "../../core/authority.js";
import { CONTACT_CATEGORIES, type ContactCategory, type ContactPointInput, type LeisureOfferInput } from "../../core/catalog.js";
import { createCore, type Core, type Member } from "../../core/index.js";
import type { Told } from "../../core/outbox.js";
import type { PollInput } from "../../core/polls.js";
import type { RequestDraft } from "../../core/requests.js";
import type { VolunteerRegistration } from "../../core/volunteers.js";
import { ask, COORDINATOR, COORDINATOR_CHANNEL, memberIn, NETWORK_CHANNEL, offeredTo, offersOf, TEAM, testSettings, toldTo, TOWN, useCore, volunteer } from "../helpers/core.js";

// Several towns in one deployment, on real PostgreSQL through core alone: Beckum (the test network) and
// Ahlen side by side, each with its own Slack workspace, and their county. Nobody acting in one town's
// workspace reaches anything of the other's; volunteers serve both and are approved town by town.

const world = useCore();

/** Each network's Slack workspace: its coordinators' channel (and who is in it), and the other channels everybody is in. */
const WORKSPACES: Record<string, { coordinatorChannel: string; coordinators: string[]; channels: string[] }> = {
  [TEAM]: { coordinatorChannel: COORDINATOR_CHANNEL, coordinators: [COORDINATOR], channels: [NETWORK_CHANNEL, "C0BECKUMAG"] },
  T0AHLEN: { coordinatorChannel: "C0AHLENCOORD", coordinators: ["U0AHLEN"], channels: ["C0AHLENNET", "C0AHLENAG"] },
  T0KREIS: { coordinatorChannel: "C0KREISCOORD", coordinators: ["U0KREIS"], channels: ["C0KREISNET"] },
};

/** Slack as these tests see it: a member is in their own workspace's channels only, coordinators also in its coordinators' channel. */
const slack: Authority = {
  isMember: async (teamId, channel, slackUserId) => {
    const workspace = WORKSPACES[teamId];
    if (!workspace) return false;
    return channel === workspace.coordinatorChannel ? workspace.coordinators.includes(slackUserId) : workspace.channels.includes(channel);
  },
};

/** A Slack user id that exists in both workspaces (one person in two towns' Slack, as Enterprise Grid has it). */
const BOTH = "U0BOTH";
const BY_PHONE: RequestDraft = { kind: "MEDIATION", language: "ar", purpose: "HEALTH", mode: "PHONE" };
const BECKUM_DISTRICTS = Object.fromEntries(TOWN.districts.map((d) => [d.code, d.name]));

type Towns = { core: Core; beckum: string; ahlen: string; kreis: string; as: (slackUserId: string, teamId: string) => Promise<Member> };

/**
 * The county with its two towns, as an operator's networks file sets them up, and Ahlen's and the county's
 * workspaces linked with setup codes. A core of its own per test: it remembers which workspace serves which network.
 */
async function twoTowns(): Promise<Towns> {
  const core = createCore(world.database, testSettings({ quietMs: 0 }), slack);
  const imported = await core.networks.import({
    networks: [
      { slug: "kreis", name: "Kreis Warendorf", kind: "county" },
      { slug: "beckum", name: "Beckum", county: "kreis", districts: BECKUM_DISTRICTS },
      { slug: "ahlen", name: "Ahlen", county: "kreis", districts: { AHLEN: "Ahlen", DOLBERG: "Dolberg" } },
    ],
  });
  expect(imported).toEqual({ kind: "imported", created: ["kreis", "ahlen"], updated: ["beckum"] });
  for (const [slug, teamId] of [
    ["ahlen", "T0AHLEN"],
    ["kreis", "T0KREIS"],
  ] as const) {
    const workspace = WORKSPACES[teamId];
    const code = await core.networks.newSetupCode(slug);
    if (!workspace || !code) throw new Error(`no setup code for ${slug}`);
    const channels = { coordinatorChannel: workspace.coordinatorChannel, networkChannel: workspace.channels[0] ?? "" };
    expect(await core.networks.link(teamId, code, channels)).toMatchObject({ kind: "linked", network: { slug } });
  }
  const id = async (slug: string) => (await core.networks.bySlug(slug))?.id ?? `missing ${slug}`;
  return {
    core,
    beckum: world.town,
    ahlen: await id("ahlen"),
    kreis: await id("kreis"),
    as: (slackUserId, teamId) => memberIn(core, { slackUserId, teamId }),
  };
}

/** Each town's coordinator, acting in their workspace. */
const coordinators = async (towns: Towns) => ({
  beckum: await towns.as(COORDINATOR, TEAM),
  ahlen: await towns.as("U0AHLEN", "T0AHLEN"),
  kreis: await towns.as("U0KREIS", "T0KREIS"),
});

/** A volunteer registered (language, consent, `/volunteer`) for the towns given; nobody has decided yet. */
async function registered(core: Core, telegramId: number, networks: string[], registration: Partial<VolunteerRegistration> = {}): Promise<string> {
  await core.users.chooseLocale(telegramId, "de");
  await core.users.giveConsent(telegramId);
  const result = await core.volunteers.register(telegramId, {
    networks,
    firstName: `Volunteer${telegramId}`,
    roles: ["INTERPRETER"],
    languages: [{ language: "ar", level: "NATIVE" }],
    germanLevel: "C1_C2",
    districts: [],
    remoteOnly: true,
    weeklyCapacity: 10,
    ...registration,
  });
  if (!("volunteerId" in result)) throw new Error(`volunteer ${telegramId}: ${result.kind}`);
  return result.volunteerId;
}

/** A newcomer living in a town (language, consent, town chosen). */
async function livingIn(core: Core, telegramId: number, networkId: string): Promise<void> {
  await core.users.chooseLocale(telegramId, "ar");
  await core.users.giveConsent(telegramId);
  await core.users.placeIn(telegramId, networkId);
}

/** A newcomer of a town asks by phone and the first wave goes out: the request and who got it. */
async function askedIn(towns: Towns, telegramId: number, networkId: string, draft: RequestDraft = BY_PHONE): Promise<{ requestId: string; offeredTo: number[] }> {
  await livingIn(towns.core, telegramId, networkId);
  const requestId = await ask(towns.core, telegramId, draft);
  await towns.core.wakeUps.request(requestId);
  return { requestId, offeredTo: await offeredTo(world.database, requestId) };
}

/** A coordinator's list (a refusal fails the test). */
function listed<T>(result: T[] | NotCoordinator): T[] {
  if (!Array.isArray(result)) throw new Error(`refused: ${result.kind}`);
  return result;
}

/** Every row of every table, as text: what a refused action must leave exactly as it was. */
async function everything(): Promise<Record<string, string[]>> {
  const tables = await world.database.sql<{ name: string }>(
    `SELECT format('%I.%I', schemaname, tablename) AS name FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_prisma_migrations' ORDER BY 1`,
    [],
  );
  const rows: Record<string, string[]> = {};
  for (const { name } of tables) rows[name] = (await world.database.sql<{ row: string }>(`SELECT t::text AS row FROM ${name} t ORDER BY 1`, [])).map((r) => r.row);
  return rows;
}

const CONTACT: ContactPointInput = { name: "Caritas", categories: ["HOUSING"], languages: ["de"], exampleData: false };
const LEISURE: LeisureOfferInput = { title: "Lauftreff", interests: ["SPORTS"], times: ["WEEKEND"], exampleData: false };
const POLL: PollInput = { question: "Wann treffen wir uns?", options: [{ label: "Montag" }, { label: "Dienstag" }], multiple: false, anonymous: false, datePoll: false };
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000);

/** What Ahlen has: volunteers in every state, requests, a report, its catalogue, an AG with a meeting, a poll, an event. */
async function ahlensThings(towns: Towns) {
  const { core, ahlen } = towns;
  const { ahlen: coordinator } = await coordinators(towns);
  const pending = await registered(core, 201, [ahlen]);
  const approved = await registered(core, 202, [ahlen]);
  await coordinator.volunteers.decide(approved, "APPROVED");
  expect(await core.volunteers.register(202, { networks: [ahlen], firstName: "Veronika", roles: ["INTERPRETER"], languages: [{ language: "ar", level: "NATIVE" }], germanLevel: "C1_C2", districts: [], remoteOnly: true, weeklyCapacity: 10 })).toMatchObject({ kind: "change-pending" });
  const suspended = await registered(core, 203, [ahlen]);
  await coordinator.volunteers.decide(suspended, "APPROVED");
  await coordinator.volunteers.suspend(suspended);
  const mentor = await registered(core, 204, [ahlen], { roles: ["MENTOR"], gender: "WOMAN" });
  await coordinator.volunteers.decide(mentor, "APPROVED");

  const searching = (await askedIn(towns, 2000, ahlen)).requestId;
  const mentoring = await askedIn(towns, 2001, ahlen, { kind: "MENTORING", language: "ar", topic: "JOB" });
  const [mentorsOffer] = await offersOf(world.database, mentoring.requestId);
  expect(await core.offers.accept(mentorsOffer?.id ?? "", 204)).toMatchObject({ kind: "won" });
  const report = await core.reports.report(2000, { text: "Am Schalter beleidigt", anonymous: false });
  if (report.kind !== "reported") throw new Error("no report");
  const reportId = (await world.database.prisma.discriminationReport.findFirstOrThrow({ where: { reference: report.reference }, select: { id: true } })).id;

  const contactPoint = await coordinator.catalog.saveContactPoint({ ...CONTACT, name: "Caritas Ahlen" });
  const leisureOffer = await coordinator.catalog.saveLeisureOffer({ ...LEISURE, title: "Lauftreff Ahlen" });
  const group = await coordinator.groups.create({ name: "AG Sprache", description: "Sprachcafé in Ahlen", slackChannel: "C0AHLENAG" });
  if (!contactPoint || !("id" in contactPoint) || !leisureOffer || !("id" in leisureOffer) || group.kind !== "created") throw new Error("Ahlen's catalogue or AG missing");
  const member = await towns.as(BOTH, "T0AHLEN");
  expect(await member.groups.join(group.id)).toBe("joined");
  const meeting = await coordinator.meetings.schedule({ groupId: group.id, title: "Treffen AG Sprache", startsAt: inDays(3), place: "Rathaus Ahlen" });
  if (meeting.kind !== "scheduled") throw new Error(`no meeting: ${meeting.kind}`);
  const poll = await member.polls.create(POLL, "C0AHLENNET");
  const options = (await core.inNetwork(ahlen).poll(poll.id))?.options ?? [];
  await member.polls.vote(poll.id, options[0]?.id ?? "");
  await world.database.prisma.networkEvent.create({ data: { networkId: ahlen, name: "Sommerfest Ahlen", startsAt: inDays(10) } });
  return {
    volunteers: { pending, approved, suspended, mentor },
    requests: { searching, mentoring: mentoring.requestId },
    report: reportId,
    contactPoint: contactPoint.id,
    leisureOffer: leisureOffer.id,
    group: group.id,
    meeting: meeting.id,
    poll: poll.id,
    option: options[0]?.id ?? "",
  };
}

describe("a town's coordinators and members reach nothing of another town", () => {
  it("every coordinator action and read model, tried on Ahlen's things from Beckum's and from the county's workspace, finds nothing and changes nothing", { timeout: 180_000 }, async () => {
    const towns = await twoTowns();
    const ahlens = await ahlensThings(towns);
    const own = await volunteer(towns.core, 101); // Beckum's own, approved
    const { beckum: beckumCoordinator, kreis: countyCoordinator } = await coordinators(towns);
    const before = await everything();

    for (const [outsider, member] of [
      [beckumCoordinator, await towns.as(BOTH, TEAM)],
      [countyCoordinator, await towns.as(BOTH, "T0KREIS")],
    ] as const) {
      expect(await outsider.isCoordinator()).toBe(true);
      const { volunteers, requests } = ahlens;
      expect(await outsider.volunteers.decide(volunteers.pending, "APPROVED")).toEqual({ kind: "not-found" });
      expect(await outsider.volunteers.decide(volunteers.approved, "REJECTED")).toEqual({ kind: "not-found" });
      expect(await outsider.volunteers.decideChange(volunteers.approved, true)).toEqual({ kind: "not-found" });
      expect(await outsider.volunteers.suspend(volunteers.approved)).toEqual({ kind: "not-found" });
      expect(await outsider.volunteers.reactivate(volunteers.suspended)).toEqual({ kind: "not-found" });
      for (const id of Object.values(volunteers)) expect(await outsider.volunteers.view(id)).toBeUndefined();
      expect(listed(await outsider.volunteers.vetted(50)).map((v) => v.id)).toEqual(outsider === beckumCoordinator ? [own] : []);

      expect(await outsider.mentoring.confirm(requests.mentoring)).toEqual({ kind: "not-found" });
      expect(await outsider.mentoring.reject(requests.mentoring)).toEqual({ kind: "not-found" });
      expect(await outsider.coordination.offerToAll(requests.searching)).toEqual({ kind: "not-searching", status: "MISSING" });
      expect(await outsider.coordination.closeUnmatched(requests.searching, "nobody in Ahlen")).toEqual({ kind: "not-searching" });
      for (const id of Object.values(requests)) expect(await outsider.coordination.overview(id)).toBeUndefined();

      expect(await outsider.catalog.contactPoints()).toEqual([]);
      expect(await outsider.catalog.leisureOffers()).toEqual([]);
      expect(await outsider.catalog.contactPoint(ahlens.contactPoint)).toBeUndefined();
      expect(await outsider.catalog.leisureOffer(ahlens.leisureOffer)).toBeUndefined();
      expect(await outsider.catalog.saveContactPoint({ ...CONTACT, name: "Übernommen" }, ahlens.contactPoint)).toBeUndefined();
      expect(await outsider.catalog.saveLeisureOffer({ ...LEISURE, title: "Übernommen" }, ahlens.leisureOffer)).toBeUndefined();

      expect(await outsider.reports.view(ahlens.report)).toBeUndefined();
      expect(await outsider.reports.answer(ahlens.report, "Wir melden uns")).toEqual({ kind: "not-found" });

      expect(await outsider.meetings.schedule({ groupId: ahlens.group, title: "Gekapert", startsAt: inDays(4), place: "Beckum" })).toEqual({ kind: "not-found" });
      expect(await outsider.meetings.reschedule(ahlens.meeting, { startsAt: inDays(5), place: "Beckum" })).toEqual({ kind: "not-found" });
      expect(await outsider.meetings.cancel(ahlens.meeting)).toEqual({ kind: "not-found" });
      expect(await outsider.meetings.view(ahlens.meeting)).toBeUndefined();
      expect(await outsider.meetings.events(10)).toEqual([]);

      // The same Slack user id as Ahlen's poll creator, voter and AG member: in this workspace none of it is theirs.
      expect(await member.meetings.view(ahlens.meeting)).toBeUndefined();
      expect(await member.meetings.rsvp(ahlens.meeting, "YES")).toEqual({ kind: "not-found" });
      expect(await member.polls.vote(ahlens.poll, ahlens.option)).toEqual({ kind: "not-found" });
      expect(await member.polls.close(ahlens.poll)).toEqual({ kind: "not-found" });
      expect(await member.polls.view(ahlens.poll)).toBeUndefined();
      expect(await member.groups.join(ahlens.group)).toBe("no-group");
      expect(await member.groups.leave(ahlens.group)).toBe("not-member");
      expect(await member.groups.list()).toEqual([]);
      expect([...(await member.groups.mine())]).toEqual([]);
      expect(await member.home.meetings(10)).toEqual([]);
      expect(await member.home.polls(10)).toEqual([]);
      expect(await member.digest()).toMatchObject({ requests: outsider === countyCoordinator ? 2 : 0, meetings: [] });
    }
    expect(await everything()).toEqual(before);

    // Ahlen's own coordinator and member do see all of it: the ids above are real.
    const { ahlen: insider } = await coordinators(towns);
    const member = await towns.as(BOTH, "T0AHLEN");
    for (const id of Object.values(ahlens.volunteers)) expect(await insider.volunteers.view(id)).toMatchObject({ id });
    for (const id of Object.values(ahlens.requests)) expect(await insider.coordination.overview(id)).toMatchObject({ id });
    expect(listed(await insider.volunteers.vetted(50)).map((v) => v.id).sort()).toEqual([ahlens.volunteers.approved, ahlens.volunteers.suspended, ahlens.volunteers.mentor].sort());
    expect(await insider.catalog.contactPoints()).toMatchObject([{ name: "Caritas Ahlen" }]);
    expect(await insider.catalog.leisureOffers()).toMatchObject([{ title: "Lauftreff Ahlen" }]);
    expect(await member.groups.list()).toMatchObject([{ id: ahlens.group, memberCount: 1 }]);
    expect(await insider.catalog.contactPoint(ahlens.contactPoint)).toMatchObject({ name: "Caritas Ahlen" });
    expect(await insider.catalog.leisureOffer(ahlens.leisureOffer)).toMatchObject({ title: "Lauftreff Ahlen" });
    expect(await insider.reports.view(ahlens.report)).toMatchObject({ withContact: true });
    expect(await insider.meetings.events(10)).toMatchObject([{ name: "Sommerfest Ahlen" }]);
    expect(await member.meetings.view(ahlens.meeting)).toMatchObject({ title: "Treffen AG Sprache" });
    expect(await member.polls.view(ahlens.poll)).toMatchObject({ voted: true, createdBy: BOTH });
    expect([...(await member.groups.mine())]).toEqual([ahlens.group]);
    expect((await member.home.meetings(10)).map((m) => m.id)).toEqual([ahlens.meeting]);
    expect((await member.home.polls(10)).map((p) => p.id)).toEqual([ahlens.poll]);
    expect(await member.digest()).toMatchObject({ requests: 2, meetings: [{ id: ahlens.meeting }] });
  });

  it("what a coordinator creates belongs to their town, even under a name the other town uses", { timeout: 120_000 }, async () => {
    const towns = await twoTowns();
    const { beckum, ahlen } = await coordinators(towns);
    const theirs = await ahlen.groups.create({ name: "AG Sprache", description: "in Ahlen" });
    const ours = await beckum.groups.create({ name: "AG Sprache", description: "in Beckum" });
    expect(theirs).toMatchObject({ kind: "created" });
    expect(ours).toMatchObject({ kind: "created" });
    expect(await beckum.groups.list()).toMatchObject([{ name: "AG Sprache", description: "in Beckum" }]);
    expect(await ahlen.groups.list()).toMatchObject([{ name: "AG Sprache", description: "in Ahlen" }]);

    await ahlen.catalog.saveContactPoint({ ...CONTACT, name: "Caritas", description: "Ahlen" });
    await beckum.catalog.saveContactPoint({ ...CONTACT, name: "Caritas", description: "Beckum" });
    expect(await ahlen.catalog.contactPoints()).toMatchObject([{ name: "Caritas", description: "Ahlen" }]);
    expect(await beckum.catalog.contactPoints()).toMatchObject([{ name: "Caritas", description: "Beckum" }]);
  });

  it("a coordinator of one town is no coordinator in another town's workspace, and a workspace that serves no network gets no member", { timeout: 120_000 }, async () => {
    const towns = await twoTowns();
    const pending = await registered(towns.core, 201, [towns.ahlen]);
    const stranger = await towns.as("U0AHLEN", TEAM);
    expect(await stranger.isCoordinator()).toBe(false);
    expect(await stranger.volunteers.decide(pending, "APPROVED")).toEqual({ kind: "not-coordinator" });
    expect(await towns.core.member({ slackUserId: "U0AHLEN", teamId: "T0NOWHERE" })).toBeUndefined();
    await towns.core.networks.unlink("T0AHLEN");
    expect(await towns.core.member({ slackUserId: "U0AHLEN", teamId: "T0AHLEN" })).toBeUndefined();
  });
});

describe("the coordinators' channel within a town", () => {
  it("a poll or meeting posted in the coordinators' channel is the coordinators' only: a member's forged vote, RSVP or look finds nothing", { timeout: 120_000 }, async () => {
    const towns = await twoTowns();
    const { beckum } = await coordinators(towns);
    const member = await towns.as("U0MEMBER", TEAM);
    const poll = await beckum.polls.create(POLL, COORDINATOR_CHANNEL);
    const option = await world.database.prisma.pollOption.findFirstOrThrow({ where: { pollId: poll.id } });
    expect(await member.polls.vote(poll.id, option.id)).toEqual({ kind: "not-found" });
    expect(await member.polls.view(poll.id)).toBeUndefined();
    expect(await world.database.prisma.pollVote.count({ where: { pollId: poll.id } })).toBe(0);
    expect(await beckum.polls.vote(poll.id, option.id)).toMatchObject({ kind: "voted" });

    const meeting = await beckum.meetings.schedule({ groupId: null, title: "Nur Koordination", startsAt: inDays(3), place: "Rathaus" });
    // A network meeting goes to the network channel; one moved to the coordinators' channel is theirs only.
    if (!("id" in meeting)) throw new Error(meeting.kind);
    await world.database.prisma.meeting.update({ where: { id: meeting.id }, data: { channel: COORDINATOR_CHANNEL } });
    expect(await member.meetings.rsvp(meeting.id, "YES")).toEqual({ kind: "not-found" });
    expect(await member.meetings.view(meeting.id)).toBeUndefined();
    expect(await beckum.meetings.rsvp(meeting.id, "YES")).toEqual({ kind: "answered", answer: "YES" });
  });
});

describe("volunteers serving several towns", () => {
  it("a request of a town is offered only to volunteers that town approved: pending there but approved elsewhere gets nothing", { timeout: 120_000 }, async () => {
    const towns = await twoTowns();
    const { beckum, ahlen } = await coordinators(towns);
    const both = await registered(towns.core, 301, [towns.beckum, towns.ahlen]);
    await beckum.volunteers.decide(both, "APPROVED");
    const beckumOnly = await registered(towns.core, 302, [towns.beckum]);
    await beckum.volunteers.decide(beckumOnly, "APPROVED");
    const ahlenOnly = await registered(towns.core, 303, [towns.ahlen]);
    await ahlen.volunteers.decide(ahlenOnly, "APPROVED");

    const first = await askedIn(towns, 2000, towns.ahlen);
    expect(first.offeredTo).toEqual([303]);
    expect(await ahlen.coordination.offerToAll(first.requestId)).toEqual({ kind: "offered", count: 0 });
    expect((await askedIn(towns, 1000, towns.beckum)).offeredTo).toEqual([301, 302]);

    expect(await ahlen.volunteers.decide(both, "APPROVED")).toMatchObject({ kind: "decided", status: "APPROVED" });
    expect((await askedIn(towns, 2001, towns.ahlen)).offeredTo).toEqual([301, 303]);
  });

  it("registering for two towns puts one card in each town's coordinators' channel, and each town decides for itself", { timeout: 120_000 }, async () => {
    const towns = await twoTowns();
    const { beckum, ahlen } = await coordinators(towns);
    const id = await registered(towns.core, 301, [towns.beckum, towns.ahlen]);
    const cards = await world.database.prisma.outbox.findMany({ where: { channel: "SLACK" }, orderBy: { id: "asc" }, select: { recipient: true, networkId: true, payload: true } });
    expect(cards).toHaveLength(2);
    expect(cards).toEqual(
      expect.arrayContaining([
        { recipient: COORDINATOR_CHANNEL, networkId: towns.beckum, payload: { kind: "post", template: "volunteer-registration", id } },
        { recipient: "C0AHLENCOORD", networkId: towns.ahlen, payload: { kind: "post", template: "volunteer-registration", id } },
      ]),
    );

    expect(await beckum.volunteers.decide(id, "APPROVED")).toMatchObject({ kind: "decided", status: "APPROVED" });
    expect(await towns.core.inNetwork(towns.beckum).volunteer(id)).toMatchObject({ status: "APPROVED", decidedBy: COORDINATOR });
    expect(await towns.core.inNetwork(towns.ahlen).volunteer(id)).toMatchObject({ status: "PENDING", decidedBy: null });
    expect(await ahlen.volunteers.decide(id, "REJECTED")).toMatchObject({ kind: "decided", status: "REJECTED" });
    expect(await beckum.volunteers.decide(id, "REJECTED")).toEqual({ kind: "already-decided", status: "APPROVED", by: COORDINATOR });
    expect(await towns.core.inNetwork(towns.ahlen).volunteer(id)).toMatchObject({ status: "REJECTED", decidedBy: "U0AHLEN" });
    expect(await towns.core.inNetwork(towns.beckum).volunteer(id)).toMatchObject({ status: "APPROVED" });
    expect(await towns.core.volunteers.of(301)).toMatchObject({ status: "APPROVED", networks: expect.arrayContaining([expect.objectContaining({ id: towns.ahlen, status: "REJECTED" })]) });
    // The volunteer hears each town's decision, naming the town.
    const told = await world.database.prisma.outbox.findMany({ where: { recipient: "301", channel: "TELEGRAM" }, orderBy: { id: "asc" }, select: { payload: true } });
    expect(told.flatMap(({ payload }) => (payload as { parts?: unknown[] }).parts?.slice(0, 1) ?? [])).toEqual([
      { key: "volunteer.approvedIn", params: { name: "Volunteer301", town: { text: "Beckum" } } },
      { key: "volunteer.rejectedIn", params: { name: "Volunteer301", town: { text: "Ahlen" } } },
    ]);

    expect((await askedIn(towns, 1000, towns.beckum)).offeredTo).toEqual([301]);
    expect((await askedIn(towns, 2000, towns.ahlen)).offeredTo).toEqual([]);
  });

  it("one town's coordinators see the volunteer's standing in their town only, not what another town decided", { timeout: 120_000 }, async () => {
    const towns = await twoTowns();
    const { beckum, ahlen } = await coordinators(towns);
    const id = await registered(towns.core, 301, [towns.beckum, towns.ahlen]);
    await beckum.volunteers.decide(id, "APPROVED");
    await ahlen.volunteers.decide(id, "REJECTED");
    expect((await beckum.volunteers.view(id)) ?? {}).toMatchObject({ status: "APPROVED", networks: [{ id: towns.beckum, status: "APPROVED" }] });
    expect(listed(await beckum.volunteers.vetted(10)).flatMap((v) => v.networks)).toEqual([{ id: towns.beckum, name: "Beckum", status: "APPROVED", decidedBy: COORDINATOR }]);
    expect(await towns.core.inNetwork(towns.ahlen).volunteer(id)).toMatchObject({ status: "REJECTED", networks: [{ id: towns.ahlen, status: "REJECTED" }] });
  });

  it("a town's card names only that town's districts of a volunteer who goes to two towns", { timeout: 120_000 }, async () => {
    const towns = await twoTowns();
    const id = await registered(towns.core, 302, [towns.beckum, towns.ahlen], { districts: ["NEUBECKUM", "DOLBERG"] });
    expect((await towns.core.inNetwork(towns.beckum).volunteer(id))?.districtNames).toEqual(["Neubeckum"]);
    expect((await towns.core.inNetwork(towns.ahlen).volunteer(id))?.districtNames).toEqual(["Dolberg"]);
    expect((await towns.core.volunteers.of(302))?.districtNames).toEqual(["Neubeckum", "Dolberg"]);
  });

  it("a change to what coordinators vet goes to the towns that approved the volunteer, and the first decision applies", { timeout: 120_000 }, async () => {
    const towns = await twoTowns();
    const { beckum, ahlen } = await coordinators(towns);
    const id = await registered(towns.core, 301, [towns.beckum, towns.ahlen]);
    await beckum.volunteers.decide(id, "APPROVED");
    await ahlen.volunteers.decide(id, "APPROVED");
    const waiting = await registered(towns.core, 302, [towns.beckum, towns.ahlen]);
    await beckum.volunteers.decide(waiting, "APPROVED");

    const change = { languages: [{ language: "ar", level: "NATIVE" as const }, { language: "tr", level: "GOOD" as const }] };
    await registered(towns.core, 301, [towns.beckum, towns.ahlen], change);
    await registered(towns.core, 302, [towns.beckum, towns.ahlen], change);
    const changeCards = await world.database.prisma.outbox.findMany({
      where: { channel: "SLACK", payload: { path: ["template"], equals: "volunteer-changes" } },
      orderBy: { id: "asc" },
      select: { recipient: true, networkId: true, payload: true },
    });
    expect(changeCards).toHaveLength(3);
    expect(changeCards).toEqual(
      expect.arrayContaining([
        { recipient: COORDINATOR_CHANNEL, networkId: towns.beckum, payload: { kind: "post", template: "volunteer-changes", id } },
        { recipient: "C0AHLENCOORD", networkId: towns.ahlen, payload: { kind: "post", template: "volunteer-changes", id } },
        { recipient: COORDINATOR_CHANNEL, networkId: towns.beckum, payload: { kind: "post", template: "volunteer-changes", id: waiting } },
      ]),
    );
    expect(await ahlen.volunteers.decideChange(waiting, true)).toEqual({ kind: "not-found" });

    expect(await ahlen.volunteers.decideChange(id, true)).toMatchObject({ kind: "applied" });
    expect(await beckum.volunteers.decideChange(id, false)).toEqual({ kind: "nothing-pending" });
    expect(await beckum.volunteers.view(id)).toMatchObject({ languages: expect.arrayContaining([{ language: "tr", level: "GOOD" }]), requestedChange: null });
    expect((await toldTo(world.database, COORDINATOR_CHANNEL)).at(-1)).toBe("update:volunteer-changes");
    expect((await toldTo(world.database, "C0AHLENCOORD")).at(-1)).toBe("update:volunteer-changes");
  });

  it("when both towns decide on a change at the same moment, exactly one decision counts", { timeout: 120_000 }, async () => {
    const towns = await twoTowns();
    const { beckum, ahlen } = await coordinators(towns);
    const id = await registered(towns.core, 301, [towns.beckum, towns.ahlen]);
    await beckum.volunteers.decide(id, "APPROVED");
    await ahlen.volunteers.decide(id, "APPROVED");
    await registered(towns.core, 301, [towns.beckum, towns.ahlen], { firstName: "Jusuf" });
    const results = await Promise.all([ahlen.volunteers.decideChange(id, true), beckum.volunteers.decideChange(id, false)]);
    const decided = results.filter((r) => r.kind === "applied" || r.kind === "declined");
    expect(decided).toHaveLength(1);
    expect(results.filter((r) => r.kind === "nothing-pending")).toHaveLength(1);
    expect(await beckum.volunteers.view(id)).toMatchObject({ firstName: decided[0]?.kind === "applied" ? "Jusuf" : "Volunteer301", requestedChange: null });
  });

  it("suspended in one town, a volunteer stays approved in the other: only that town's offers are withdrawn and its matched requests searched for again", { timeout: 180_000 }, async () => {
    const towns = await twoTowns();
    const { beckum, ahlen } = await coordinators(towns);
    const id = await registered(towns.core, 301, [towns.beckum, towns.ahlen]);
    await beckum.volunteers.decide(id, "APPROVED");
    await ahlen.volunteers.decide(id, "APPROVED");
    const accepted = async (telegramId: number, networkId: string) => {
      const { requestId } = await askedIn(towns, telegramId, networkId);
      const [offer] = await offersOf(world.database, requestId);
      expect(await towns.core.offers.accept(offer?.id ?? "", 301)).toMatchObject({ kind: "won" });
      return requestId;
    };
    const matchedInBeckum = await accepted(1000, towns.beckum);
    const matchedInAhlen = await accepted(2000, towns.ahlen);
    const openInBeckum = (await askedIn(towns, 1001, towns.beckum)).requestId;
    const openInAhlen = (await askedIn(towns, 2001, towns.ahlen)).requestId;

    expect(await beckum.volunteers.suspend(id)).toEqual({ kind: "suspended", reopened: 1 });
    expect(await beckum.coordination.overview(matchedInBeckum)).toMatchObject({ status: "SEARCHING" });
    expect(await ahlen.coordination.overview(matchedInAhlen)).toMatchObject({ status: "MATCHED" });
    expect((await offersOf(world.database, openInBeckum)).map((o) => o.status)).toEqual(["WITHDRAWN"]);
    expect((await offersOf(world.database, openInAhlen)).map((o) => o.status)).toEqual(["OPEN"]);
    expect(await ahlen.volunteers.view(id)).toMatchObject({ status: "APPROVED" });
    expect(await beckum.volunteers.view(id)).toMatchObject({ status: "SUSPENDED" });
    const menus = await world.database.prisma.outbox.findMany({ where: { recipient: "301", payload: { path: ["kind"], equals: "commands" } }, select: { payload: true } });
    expect(menus.map((m) => (m.payload as { set?: string }).set)).not.toContain("default");

    expect((await askedIn(towns, 2002, towns.ahlen)).offeredTo).toEqual([301]);
    expect((await askedIn(towns, 1002, towns.beckum)).offeredTo).toEqual([]);
  });
});

describe("a county and its towns", () => {
  it("a county is nobody's home town: its volunteers are its towns'", { timeout: 120_000 }, async () => {
    const towns = await twoTowns();
    await towns.core.users.chooseLocale(401, "ar");
    expect(await towns.core.users.placeIn(401, towns.kreis)).toBe(false);
    expect(await towns.core.users.placeIn(401, towns.ahlen)).toBe(true);
    expect((await towns.core.users.find(401))?.networkId).toBe(towns.ahlen);
  });


  it("the county's digest adds up its towns' figures; a town's digest has only its own", { timeout: 120_000 }, async () => {
    const towns = await twoTowns();
    const { beckum, ahlen, kreis } = await coordinators(towns);
    const both = await registered(towns.core, 301, [towns.beckum, towns.ahlen]);
    await beckum.volunteers.decide(both, "APPROVED");
    await ahlen.volunteers.decide(both, "APPROVED");
    await askedIn(towns, 1000, towns.beckum);
    await askedIn(towns, 1001, towns.beckum, { kind: "LEISURE", language: "ar", interests: ["SPORTS"] });
    await askedIn(towns, 2000, towns.ahlen);

    expect(await beckum.digest()).toMatchObject({ requests: 2, byKind: { MEDIATION: 1, LEISURE: 1, MENTORING: 0 }, newVolunteers: 1 });
    expect(await ahlen.digest()).toMatchObject({ requests: 1, byKind: { MEDIATION: 1, LEISURE: 0, MENTORING: 0 }, newVolunteers: 1 });
    // The volunteer both towns approved this week is one new volunteer for the county.
    expect(await kreis.digest()).toMatchObject({ requests: 3, byKind: { MEDIATION: 2, LEISURE: 1, MENTORING: 0 }, byLanguage: [{ language: "ar", count: 3 }], newVolunteers: 1 });
    expect((await towns.core.inNetwork(towns.kreis).digest()).digest).toMatchObject({ requests: 3 });
    expect((await towns.core.inNetwork(towns.ahlen).digest()).digest).toMatchObject({ requests: 1 });
  });

  it("the digest posted in a county's channel shows its towns' meetings, but none held in a coordinators' channel", { timeout: 120_000 }, async () => {
    const towns = await twoTowns();
    const { beckum, ahlen } = await coordinators(towns);
    const open = await ahlen.groups.create({ name: "AG Sprache", description: "offen", slackChannel: "C0AHLENAG" });
    const closed = await beckum.groups.create({ name: "AG Koordination", description: "im Koordinationskanal", slackChannel: COORDINATOR_CHANNEL });
    if (open.kind !== "created" || closed.kind !== "created") throw new Error("no AGs");
    const visible = await ahlen.meetings.schedule({ groupId: open.id, title: "Sprachcafé", startsAt: inDays(2), place: "Ahlen" });
    await beckum.meetings.schedule({ groupId: closed.id, title: "Koordinationsrunde", startsAt: inDays(3), place: "Beckum" });
    expect(visible).toMatchObject({ kind: "scheduled" });

    expect((await towns.core.inNetwork(towns.kreis).digest()).digest.meetings.map((m) => m.title)).toEqual(["Sprachcafé"]);
    expect((await towns.core.inNetwork(towns.beckum).digest()).digest.meetings).toEqual([]);
    expect((await towns.core.inNetwork(towns.ahlen).digest()).digest.meetings.map((m) => m.title)).toEqual(["Sprachcafé"]);
  });

  it("a newcomer sees their town's and their county's contact points and leisure offers, never another town's", { timeout: 120_000 }, async () => {
    const towns = await twoTowns();
    const { beckum, ahlen, kreis } = await coordinators(towns);
    const saved = async (member: Member, where: string) => {
      const point = await member.catalog.saveContactPoint({ ...CONTACT, name: `Caritas ${where}` });
      const offer = await member.catalog.saveLeisureOffer({ ...LEISURE, title: `Lauftreff ${where}` });
      if (!point || !("id" in point) || !offer || !("id" in offer)) throw new Error(`no catalogue in ${where}`);
      return { point: point.id, offer: offer.id };
    };
    const inBeckum = await saved(beckum, "Beckum");
    const inAhlen = await saved(ahlen, "Ahlen");
    const inKreis = await saved(kreis, "Kreis");
    const noCategoryWords = Object.fromEntries(CONTACT_CATEGORIES.map((c) => [c, [] as string[]])) as Record<ContactCategory, string[]>;

    const town = await towns.core.town(towns.ahlen);
    expect(town.network).toMatchObject({ slug: "ahlen", parentId: towns.kreis });
    expect((await town.contactPointsIn("HOUSING")).map((p) => p.name)).toEqual(["Caritas Ahlen", "Caritas Kreis"]);
    expect((await town.searchContactPoints("caritas", noCategoryWords)).map((p) => p.name)).toEqual(["Caritas Ahlen", "Caritas Kreis"]);
    expect((await town.matchingOffers(["SPORTS"], ["WEEKEND"])).map((o) => o.title)).toEqual(["Lauftreff Ahlen", "Lauftreff Kreis"]);
    expect(await town.contactPointById(inKreis.point)).toMatchObject({ name: "Caritas Kreis" });
    expect(await town.contactPointById(inAhlen.point)).toMatchObject({ name: "Caritas Ahlen" });
    expect(await town.contactPointById(inBeckum.point)).toBeUndefined();
    expect(await town.leisureOfferById(inBeckum.offer)).toBeUndefined();
    expect((await (await towns.core.town(towns.beckum)).contactPointsIn("HOUSING")).map((p) => p.name)).toEqual(["Caritas Beckum", "Caritas Kreis"]);
  });
});

describe("what core asks for carries its network", () => {
  it("Slack messages go to the channels of their network's workspace, and every wake-up names its network", { timeout: 180_000 }, async () => {
    const towns = await twoTowns();
    // What is handed to the queues after each commit: the wake-ups of requests, meetings and polls have no row.
    const handed: Told[] = [];
    world.database.relayTo(async (told) => void handed.push(...told));
    await ahlensThings(towns);
    await volunteer(towns.core, 101);
    await askedIn(towns, 1000, towns.beckum);
    await towns.core.digest.post(new Date());
    world.database.relayTo(async () => undefined);

    const rows = await world.database.prisma.outbox.findMany({ where: { channel: { in: ["SLACK", "JOB"] } }, select: { channel: true, recipient: true, networkId: true, payload: true } });
    const channelsOf = { [towns.beckum]: [COORDINATOR_CHANNEL, NETWORK_CHANNEL], [towns.ahlen]: ["C0AHLENCOORD", "C0AHLENNET", "C0AHLENAG"], [towns.kreis]: ["C0KREISCOORD", "C0KREISNET"] };
    const slackRows = rows.filter((r) => r.channel === "SLACK");
    expect(new Set(slackRows.map((r) => r.networkId))).toEqual(new Set([towns.beckum, towns.ahlen, towns.kreis]));
    for (const row of slackRows) expect(channelsOf[row.networkId ?? "none"]).toContain(row.recipient);
    const jobRows = rows.filter((r) => r.channel === "JOB");
    for (const row of jobRows) expect(row.payload).toMatchObject({ network: row.networkId });
    const wakeUps = handed.flatMap((t) => (t.channel === "JOB" && t.wakeUp ? [t.wakeUp] : []));
    expect(new Set(wakeUps.map((w) => w.network))).toEqual(new Set([towns.beckum, towns.ahlen]));
    expect(wakeUps.map((w) => w.network)).not.toContain("");
    const digests = slackRows.filter((r) => (r.payload as { template?: string }).template === "weekly-digest");
    expect(digests.map((r) => [r.networkId, r.recipient]).sort()).toEqual(
      [
        [towns.beckum, NETWORK_CHANNEL],
        [towns.ahlen, "C0AHLENNET"],
        [towns.kreis, "C0KREISNET"],
      ].sort(),
    );

    // What the sweep finds to wake (everything due within the next hour) names the network of each request.
    const networkOf = new Map((await world.database.prisma.helpRequest.findMany({ select: { id: true, networkId: true } })).map((r) => [r.id, r.networkId]));
    const overdue = (await towns.core.wakeUps.overdue(-3600_000)).flatMap((w) => (w.wake === "request" ? [w] : []));
    expect(new Set(overdue.map((w) => w.network))).toEqual(new Set([towns.beckum, towns.ahlen]));
    for (const wake of overdue) expect(wake.network).toBe(networkOf.get(wake.id));
  });
});

describe("linking a Slack workspace to its network", () => {
  const CHANNELS = { coordinatorChannel: "C0OELDECOORD", networkChannel: "C0OELDENET" };

  it("a setup code links a workspace once; a wrong, expired or used code does not", { timeout: 120_000 }, async () => {
    const towns = await twoTowns();
    const { core } = towns;
    expect(await core.networks.import({ networks: [{ slug: "oelde", name: "Oelde", county: "kreis" }] })).toMatchObject({ kind: "imported", created: ["oelde"] });
    expect(await core.networks.newSetupCode("nowhere")).toBeUndefined();
    const expired = await core.networks.newSetupCode("oelde");
    await world.database.prisma.network.update({ where: { slug: "oelde" }, data: { setupCodeExpiresAt: new Date(Date.now() - 1000) } });
    expect(await core.networks.link("T0OELDE", expired ?? "", CHANNELS)).toEqual({ kind: "bad-code" });
    const code = (await core.networks.newSetupCode("oelde")) ?? "";
    expect(code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    expect(await core.networks.link("T0OELDE", "ABCD-EFGH-JKMN", CHANNELS)).toEqual({ kind: "bad-code" });
    expect(await core.member({ slackUserId: "U0OELDE", teamId: "T0OELDE" })).toBeUndefined();

    // Typed in lower case, with spaces around it, it still counts.
    expect(await core.networks.link("T0OELDE", ` ${code.toLowerCase()} `, CHANNELS)).toMatchObject({ kind: "linked", network: { slug: "oelde", slackTeamId: "T0OELDE", ...CHANNELS } });
    expect((await core.member({ slackUserId: "U0OELDE", teamId: "T0OELDE" }))?.network).toMatchObject({ slug: "oelde" });
    expect(await core.networks.link("T0OTHER", code, CHANNELS)).toEqual({ kind: "bad-code" });
    expect(await core.member({ slackUserId: "U0OTHER", teamId: "T0OTHER" })).toBeUndefined();
  });

  it("a workspace already linked stays linked, and a network already linked is not taken over", { timeout: 120_000 }, async () => {
    const towns = await twoTowns();
    const { core } = towns;
    await core.networks.import({ networks: [{ slug: "oelde", name: "Oelde", county: "kreis" }] });
    const code = (await core.networks.newSetupCode("oelde")) ?? "";
    expect(await core.networks.link(TEAM, code, CHANNELS)).toMatchObject({ kind: "already-linked", network: { id: towns.beckum } });
    expect((await core.member({ slackUserId: COORDINATOR, teamId: TEAM }))?.network).toMatchObject({ id: towns.beckum, coordinatorChannel: COORDINATOR_CHANNEL });
    expect(await core.networks.bySlug("oelde")).toMatchObject({ slackTeamId: null, coordinatorChannel: null });

    const ahlensCode = (await core.networks.newSetupCode("ahlen")) ?? "";
    expect(await core.networks.link("T0INTRUDER", ahlensCode, CHANNELS)).toEqual({ kind: "bad-code" });
    expect(await core.networks.byId(towns.ahlen)).toMatchObject({ slackTeamId: "T0AHLEN", coordinatorChannel: "C0AHLENCOORD" });

    // The code Beckum's workspace could not use still links Oelde's own.
    expect(await core.networks.link("T0OELDE", code, CHANNELS)).toMatchObject({ kind: "linked", network: { slug: "oelde" } });
  });

  it("a workspace configured for another network leaves the first one without workspace and channels", { timeout: 120_000 }, async () => {
    const towns = await twoTowns();
    await towns.core.networks.linkConfigured(towns.ahlen, { teamId: TEAM, coordinatorChannel: "C0NEWCOORD", networkChannel: "C0NEWNET" });
    expect((await towns.core.member({ slackUserId: COORDINATOR, teamId: TEAM }))?.network).toMatchObject({ id: towns.ahlen });
    expect(await towns.core.networks.byId(towns.beckum)).toMatchObject({ slackTeamId: null, coordinatorChannel: null, networkChannel: null });
    expect(await towns.core.digest.post(new Date())).toMatchObject({ networks: 2 });
    expect(await toldTo(world.database, NETWORK_CHANNEL)).toEqual([]);
  });
});

describe("importing networks", () => {
  const oelde = { slug: "oelde", name: "Oelde", districts: { OELDE: "Oelde", STROMBERG: "Stromberg" } };
  const networksNow = async () => (await world.database.prisma.network.findMany({ orderBy: { slug: "asc" }, select: { slug: true, parentId: true, districts: true } }));

  it("all or nothing: one problem anywhere, and nothing is created or changed", async () => {
    const before = await networksNow();
    expect(await world.core.networks.import({ networks: [oelde, { slug: "ahlen", name: "Ahlen", county: "kreis-gt" }] })).toEqual({ kind: "invalid", problems: ["ahlen: county kreis-gt is unknown"] });
    expect(await world.core.networks.import({ networks: [oelde, { slug: "ennigerloh", name: "Ennigerloh", districts: { STROMBERG: "Stromberg" } }] })).toEqual({
      kind: "invalid",
      problems: ["ennigerloh: district STROMBERG is oelde's already"],
    });
    expect(await world.core.networks.import({ networks: [oelde, { slug: "neubeckum", name: "Neubeckum", districts: { NEUBECKUM: "Neubeckum" } }] })).toEqual({
      kind: "invalid",
      problems: ["neubeckum: district NEUBECKUM is beckum's already"],
    });
    expect(await world.core.networks.import({ networks: [oelde, { slug: "kreis", name: "Kreis", kind: "county", county: "kreis" }] })).toMatchObject({
      kind: "invalid",
      problems: expect.arrayContaining(["kreis: a county belongs to no county"]),
    });
    const invalid = await world.core.networks.import({ networks: [oelde, { slug: "ahlen west", name: "A" }] });
    expect(invalid).toMatchObject({ kind: "invalid" });
    expect(invalid.kind === "invalid" ? invalid.problems : []).toHaveLength(2);
    expect(await world.core.networks.import({ networks: [] })).toMatchObject({ kind: "invalid" });
    expect(await networksNow()).toEqual(before);
  });

  it("a town's county must be a county: a town named as another town's county is refused", async () => {
    const before = await networksNow();
    expect(await world.core.networks.import({ networks: [{ ...oelde, county: TOWN.slug }] })).toEqual({ kind: "invalid", problems: ["oelde: beckum is not a county"] });
    expect(await world.core.networks.import({ networks: [oelde, { slug: "ahlen", name: "Ahlen", county: "oelde" }] })).toEqual({ kind: "invalid", problems: ["ahlen: oelde is not a county"] });
    expect(await networksNow()).toEqual(before);
  });

  it("a network listed twice in one file is refused rather than half taken", async () => {
    expect(await world.core.networks.import({ networks: [oelde, { ...oelde, districts: { OELDE: "Oelde-Mitte" } }] })).toEqual({ kind: "invalid", problems: ["oelde: listed twice"] });
    expect(await world.core.networks.bySlug("oelde")).toBeUndefined();
  });

  it("importing again updates what is there and keeps what coordinators linked", async () => {
    const file = { networks: [{ slug: "kreis", name: "Kreis Warendorf", kind: "county" }, { ...oelde, county: "kreis" }, { slug: TOWN.slug, name: "Beckum", county: "kreis", districts: BECKUM_DISTRICTS }] };
    expect(await world.core.networks.import(file)).toEqual({ kind: "imported", created: ["kreis", "oelde"], updated: ["beckum"] });
    expect(await world.core.networks.import({ networks: [{ ...oelde, name: "Stadt Oelde", county: "kreis" }] })).toEqual({ kind: "imported", created: [], updated: ["oelde"] });
    const kreis = await world.core.networks.bySlug("kreis");
    expect(await world.core.networks.bySlug("oelde")).toMatchObject({ name: "Stadt Oelde", kind: "TOWN", parentId: kreis?.id, districts: [{ code: "OELDE", name: "Oelde" }, { code: "STROMBERG", name: "Stromberg" }] });
    expect(await world.core.networks.byId(world.town)).toMatchObject({ parentId: kreis?.id, slackTeamId: TEAM, coordinatorChannel: COORDINATOR_CHANNEL });
    expect((await world.core.networks.towns()).map((t) => t.slug)).toEqual(["beckum", "oelde"]);
  });
});
