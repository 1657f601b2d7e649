import { describe, expect, it } from "vitest";
import type { PollInput } from "../../core/polls.js";
import { useCore } from "../helpers/core.js";

// Votes in Slack polls, on real PostgreSQL through core alone: what a click changes, also when clicks come at once.

const CHANNEL = "C0NETWORK";
const CREATOR = "U0SCHULTE";
const DEMIR = "U0DEMIR";

const world = useCore();

/** A poll with the options Pizza, Döner, Salat; its id and the options' ids by label. */
async function poll(kind: Partial<PollInput> = {}): Promise<{ id: string; option: Record<string, string> }> {
  const input: PollInput = { question: "Was essen wir?", options: [{ label: "Pizza" }, { label: "Döner" }, { label: "Salat" }], multiple: false, anonymous: false, datePoll: false, ...kind };
  const { id } = await world.core.polls.create(input, CHANNEL, CREATOR);
  const view = await world.core.polls.view(id);
  return { id, option: Object.fromEntries((view?.options ?? []).map((o) => [o.label, o.id])) };
}

/** The count of each option, by label, and how many people voted. */
async function counts(pollId: string): Promise<{ options: Record<string, number>; participants: number }> {
  const view = await world.core.polls.view(pollId);
  return { options: Object.fromEntries((view?.options ?? []).map((o) => [o.label, o.count])), participants: view?.participants ?? 0 };
}

const id = (option: Record<string, string>, label: string) => option[label] ?? `missing ${label}`;

describe("single choice", () => {
  it("a second click on another option changes the vote; the same option again changes nothing", async () => {
    const { id: pollId, option } = await poll();
    expect(await world.core.polls.vote(pollId, id(option, "Pizza"), DEMIR)).toEqual({ kind: "voted", option: "Pizza" });
    expect(await world.core.polls.vote(pollId, id(option, "Döner"), DEMIR)).toEqual({ kind: "changed", option: "Döner" });
    expect(await world.core.polls.vote(pollId, id(option, "Döner"), DEMIR)).toEqual({ kind: "unchanged", option: "Döner" });
    expect(await counts(pollId)).toEqual({ options: { Pizza: 0, Döner: 1, Salat: 0 }, participants: 1 });
    expect((await world.core.polls.view(pollId, DEMIR))?.mine).toEqual([id(option, "Döner")]);
  });

  it("a double click that arrives at once counts once", async () => {
    const { id: pollId, option } = await poll();
    const results = await Promise.all([world.core.polls.vote(pollId, id(option, "Pizza"), DEMIR), world.core.polls.vote(pollId, id(option, "Pizza"), DEMIR)]);
    expect(results.map((r) => r.kind).sort()).toEqual(["unchanged", "voted"]);
    expect(await counts(pollId)).toEqual({ options: { Pizza: 1, Döner: 0, Salat: 0 }, participants: 1 });
  });

  it("two options clicked at once by one member leave exactly one vote", async () => {
    const { id: pollId, option } = await poll();
    await Promise.all([world.core.polls.vote(pollId, id(option, "Pizza"), DEMIR), world.core.polls.vote(pollId, id(option, "Döner"), DEMIR)]);
    const { options, participants } = await counts(pollId);
    expect(participants).toBe(1);
    expect(Object.values(options).reduce((a, b) => a + b, 0)).toBe(1);
  });
});

describe("multiple choice", () => {
  it("each click toggles its option: on, on, and off again", async () => {
    const { id: pollId, option } = await poll({ multiple: true });
    expect(await world.core.polls.vote(pollId, id(option, "Pizza"), DEMIR)).toEqual({ kind: "voted", option: "Pizza" });
    expect(await world.core.polls.vote(pollId, id(option, "Salat"), DEMIR)).toEqual({ kind: "voted", option: "Salat" });
    expect(await counts(pollId)).toEqual({ options: { Pizza: 1, Döner: 0, Salat: 1 }, participants: 1 });
    expect(await world.core.polls.vote(pollId, id(option, "Pizza"), DEMIR)).toEqual({ kind: "removed", option: "Pizza" });
    expect(await counts(pollId)).toEqual({ options: { Pizza: 0, Döner: 0, Salat: 1 }, participants: 1 });
  });

  it("a double click that arrives at once toggles twice, one after the other, and never fails", async () => {
    const { id: pollId, option } = await poll({ multiple: true });
    const results = await Promise.all([world.core.polls.vote(pollId, id(option, "Pizza"), DEMIR), world.core.polls.vote(pollId, id(option, "Pizza"), DEMIR)]);
    expect(results.map((r) => r.kind).sort()).toEqual(["removed", "voted"]);
    expect(await counts(pollId)).toEqual({ options: { Pizza: 0, Döner: 0, Salat: 0 }, participants: 0 });
  });
});

describe("anonymous", () => {
  it("one ballot per member, and it is final: no row says who chose what", async () => {
    const { id: pollId, option } = await poll({ anonymous: true });
    expect(await world.core.polls.vote(pollId, id(option, "Pizza"), DEMIR)).toEqual({ kind: "voted", option: "Pizza" });
    expect(await world.core.polls.vote(pollId, id(option, "Döner"), DEMIR)).toEqual({ kind: "already-voted" });
    expect(await world.core.polls.vote(pollId, id(option, "Pizza"), DEMIR)).toEqual({ kind: "already-voted" });
    expect(await counts(pollId)).toEqual({ options: { Pizza: 1, Döner: 0, Salat: 0 }, participants: 1 });
    expect(await world.database.prisma.pollVote.count({ where: { pollId } })).toBe(0);
    const ballots = await world.database.prisma.pollBallot.findMany({ where: { pollId }, select: { voter: true } });
    expect(ballots).toHaveLength(1);
    expect(ballots[0]?.voter).not.toContain(DEMIR);
    const view = await world.core.polls.view(pollId, DEMIR);
    expect(view).toMatchObject({ voted: true, mine: [] });
    expect(view?.options.every((o) => o.voters.length === 0)).toBe(true);
  });

  it("concurrent double clicks by one member are counted once", async () => {
    const { id: pollId, option } = await poll({ anonymous: true });
    const clicks = [id(option, "Pizza"), id(option, "Pizza"), id(option, "Döner"), id(option, "Salat")];
    const results = await Promise.all(clicks.map((o) => world.core.polls.vote(pollId, o, DEMIR)));
    expect(results.filter((r) => r.kind === "voted")).toHaveLength(1);
    expect(results.filter((r) => r.kind === "already-voted")).toHaveLength(3);
    const { options, participants } = await counts(pollId);
    expect(participants).toBe(1);
    expect(Object.values(options).reduce((a, b) => a + b, 0)).toBe(1);
  });

  it("forty members voting at the same moment are all counted", async () => {
    const { id: pollId, option } = await poll({ anonymous: true });
    const members = Array.from({ length: 40 }, (_, i) => `U0MEMBER${i}`);
    const results = await Promise.all(members.map((m, i) => world.core.polls.vote(pollId, id(option, i % 4 === 0 ? "Döner" : "Pizza"), m)));
    expect(results.every((r) => r.kind === "voted")).toBe(true);
    expect(await counts(pollId)).toEqual({ options: { Pizza: 30, Döner: 10, Salat: 0 }, participants: 40 });
  });
});

describe("closing", () => {
  it("a closed poll refuses votes and keeps its counts", async () => {
    const { id: pollId, option } = await poll();
    await world.core.polls.vote(pollId, id(option, "Salat"), DEMIR);
    expect(await world.core.polls.close(pollId, DEMIR)).toEqual({ kind: "not-creator" });
    expect(await world.core.polls.close(pollId, CREATOR)).toEqual({ kind: "closed" });
    expect(await world.core.polls.close(pollId, CREATOR)).toEqual({ kind: "already-closed" });
    expect(await world.core.polls.vote(pollId, id(option, "Pizza"), "U0LATE")).toEqual({ kind: "closed" });
    expect(await world.core.polls.vote(pollId, id(option, "Pizza"), DEMIR)).toEqual({ kind: "closed" });
    expect(await counts(pollId)).toEqual({ options: { Pizza: 0, Döner: 0, Salat: 1 }, participants: 1 });
  });

  it("a deadline's wake-up before the deadline does not close the poll", async () => {
    const { id: pollId } = await poll({ closesAt: new Date(Date.now() + 3600_000) });
    expect(await world.core.wakeUps.poll(pollId)).toEqual({ kind: "already-closed" });
    expect((await world.core.polls.view(pollId))?.status).toBe("OPEN");
  });

  it("an option of another poll, or a poll that does not exist, counts nowhere", async () => {
    const first = await poll();
    const second = await poll();
    expect(await world.core.polls.vote(first.id, id(second.option, "Pizza"), DEMIR)).toEqual({ kind: "not-found" });
    expect(await world.core.polls.vote("no-such-poll", id(first.option, "Pizza"), DEMIR)).toEqual({ kind: "not-found" });
    expect((await counts(first.id)).participants).toBe(0);
    expect((await counts(second.id)).participants).toBe(0);
  });
});
