import { createHmac } from "node:crypto";
import { appointmentAt, parseDay, parseTime } from "./appointments.js";
import { truncate } from "./long-text.js";
import type { Database, DbOrTx, Tx } from "./db.js";
import { refreshSoon, tellSlack, wakeAt } from "./outbox.js";

export const MAX_OPTIONS = 10;

export type PollInput = {
  question: string;
  options: { label: string; startsAt?: Date }[];
  multiple: boolean;
  anonymous: boolean;
  datePoll: boolean;
  closesAt?: Date;
};

/** What a member asked for, from the slash command or the modal, before it is checked. */
export type PollDraft = {
  question: string;
  labels: string[];
  multiple: boolean;
  anonymous: boolean;
  datePoll: boolean;
  /** A day ("24.12.", "2026-12-24") and an optional time ("18:00"; the end of the day without one). */
  deadline?: { day: string; time?: string };
};

/** Which answer a problem is about: the modal shows it under that field. */
export type PollField = "question" | "options" | "flags" | "deadline";
export type PollProblem = { error: string; field: PollField; params?: Record<string, string | number> };
export type CheckedPoll = PollInput | PollProblem;

const QUESTION_MAX = 300;
const OPTION_MAX = 75;

/**
 * The one check of a poll, for the slash command and the modal alike: a question, two to ten options,
 * anonymous polls single choice, dates that parse in a date poll, a deadline in the future.
 */
export function checkPoll(draft: PollDraft, timeZone: string, now = new Date()): CheckedPoll {
  const question = draft.question.trim();
  const labels = draft.labels.map((l) => l.trim()).filter(Boolean);
  if (question === "") return { error: "slack.poll.error.usage", field: "question" };
  if (labels.length < 2) return { error: "slack.poll.error.options", field: "options" };
  if (labels.length > MAX_OPTIONS) return { error: "slack.poll.error.tooMany", field: "options", params: { max: MAX_OPTIONS } };
  if (draft.anonymous && draft.multiple) return { error: "slack.poll.error.anonymousMultiple", field: "flags" };
  const options: PollInput["options"] = [];
  for (const label of labels) {
    const startsAt = draft.datePoll ? parseDateTime(label, timeZone, now) : undefined;
    if (draft.datePoll && !startsAt) return { error: "slack.poll.error.date", field: "options", params: { text: truncate(label, 40) } };
    options.push({ label: truncate(label, OPTION_MAX), ...(startsAt ? { startsAt } : {}) });
  }
  let closesAt: Date | undefined;
  if (draft.deadline) {
    closesAt = parseDateTime(`${draft.deadline.day} ${draft.deadline.time ?? "23:59"}`, timeZone, now);
    if (!closesAt || closesAt.getTime() <= now.getTime()) return { error: "slack.poll.error.deadline", field: "deadline" };
  }
  return { question: truncate(question, QUESTION_MAX), options, multiple: draft.multiple, anonymous: draft.anonymous, datePoll: draft.datePoll, ...(closesAt ? { closesAt } : {}) };
}

const QUOTED = /["„“”«»]([^"„“”«»]+)["„“”«»]/g;
const FLAGS = /--(multi|mehrfach|anon|anonym|anonymous|termin|date|dates)\b/gi;
const DEADLINE = /--(?:bis|until|deadline)\s+(\S+)(?:\s+(\d{1,2}[:.]\d{2}))?/i;

/**
 * Reads `/poll "Question?" "Option A" "Option B" --multi --anonym --bis 24.12. 18:00`, also with German
 * flags and quotes („…“). A date poll (`--termin`) takes dates with times as options ("3.12. 18:00").
 *
 * @example
 * parsePollCommand('"Pizza?" "Ja" "Nein" --anonym', "Europe/Berlin");
 * // { question: "Pizza?", options: [{ label: "Ja" }, { label: "Nein" }], anonymous: true, … }
 */
export function parsePollCommand(text: string, timeZone: string, now = new Date()): CheckedPoll {
  const [question = "", ...labels] = [...text.matchAll(QUOTED)].map((m) => (m[1] ?? "").trim()).filter(Boolean);
  const flags = text.replace(QUOTED, " ").trim();
  const unknown = flags.replace(FLAGS, "").replace(DEADLINE, "").trim();
  if (unknown !== "") return { error: "slack.poll.error.unknown", field: "flags", params: { text: truncate(unknown, 40) } };
  const deadline = DEADLINE.exec(flags);
  return checkPoll(
    {
      question,
      labels,
      multiple: /--(multi|mehrfach)\b/i.test(flags),
      anonymous: /--(anon|anonym|anonymous)\b/i.test(flags),
      datePoll: /--(termin|date|dates)\b/i.test(flags),
      ...(deadline ? { deadline: { day: deadline[1] ?? "", ...(deadline[2] ? { time: deadline[2] } : {}) } } : {}),
    },
    timeZone,
    now,
  );
}

/** "3.12. 18:00", "2026-12-03 18:00": a day and a time in the network's time zone. */
export function parseDateTime(text: string, timeZone: string, now = new Date()): Date | undefined {
  // The day is the first word; the rest is the time, which may have words of its own ("2 pm", "14 Uhr").
  const [dayText = "", ...timeWords] = text.trim().split(/\s+/);
  const day = parseDay(dayText, timeZone, now);
  const time = parseTime(timeWords.join(" "));
  return day && time ? appointmentAt(day, time, timeZone) : undefined;
}

/** Posts a new poll; with a deadline, its closing is scheduled. */
export async function createPoll(db: Database, networkId: string, input: PollInput, channel: string, createdBy: string): Promise<{ id: string }> {
  return db.transaction(async (tx) => {
    const poll = await tx.prisma.poll.create({
      data: {
        networkId,
        question: input.question,
        channel,
        createdBy,
        multiple: input.multiple,
        anonymous: input.anonymous,
        datePoll: input.datePoll,
        closesAt: input.closesAt ?? null,
        options: { create: input.options.map((o, position) => ({ position, label: o.label, startsAt: o.startsAt ?? null })) },
      },
      select: { id: true },
    });
    const messageOutboxId = await tellSlack(tx, { network: networkId, channel }, { kind: "post", template: "poll", id: poll.id });
    await tx.prisma.poll.update({ where: { id: poll.id }, data: { messageOutboxId } });
    if (input.closesAt) {
      await wakeAt(tx, { wake: "poll", id: poll.id, at: input.closesAt.toISOString(), network: networkId });
    }
    return { id: poll.id };
  });
}

export type VoteResult =
  | { kind: "voted" | "changed" | "removed" | "unchanged"; option: string }
  | { kind: "already-voted" }
  | { kind: "closed" }
  | { kind: "not-found" };

/**
 * The pseudonym of a voter in an anonymous poll: the same person votes once, and nothing says what. Keyed
 * with the server's secret: without it, trying every member's id cannot tell whose ballot a row is.
 */
export const ballotOf = (secret: string, pollId: string, slackUserId: string) => createHmac("sha256", secret).update(`${pollId}:${slackUserId}`).digest("hex");

/**
 * A member votes. Single choice replaces the member's vote; multiple choice toggles the option. In an
 * anonymous poll only a counter moves and a ballot records *that* the member voted (so the vote is final):
 * no row holds who chose what. A repeated click or a retried request changes nothing.
 */
export async function vote(db: Database, networkId: string, pollId: string, optionId: string, slackUserId: string, ballotSecret: string): Promise<VoteResult> {
  // Written in SQL on the shared pool: hundreds of members may click within the same second.
  return db.sqlTransaction(async (tx) => {
    // One member's clicks one after another (a double click toggles twice instead of failing); others in parallel.
    await tx.sql(`SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))`, [pollId, slackUserId]);
    const [poll] = await tx.sql<{ status: string; multiple: boolean; anonymous: boolean; channel: string; messageOutboxId: string | null; label: string; mine: string[] }>(`SELECT p.status::text AS status, p.multiple, p.anonymous, p.channel, p."messageOutboxId"::text AS "messageOutboxId", o.label,
         ARRAY(SELECT v."optionId" FROM "PollVote" v WHERE v."pollId" = p.id AND v."slackUserId" = $3) AS mine
       FROM "Poll" p JOIN "PollOption" o ON o."pollId" = p.id AND o.id = $2
       WHERE p.id = $1 AND p."networkId" = $4`,
      [pollId, optionId, slackUserId, networkId],
    );
    if (!poll) return { kind: "not-found" };
    if (poll.status === "CLOSED") return { kind: "closed" };
    const option = poll.label;
    let result: VoteResult;
    if (poll.anonymous) {
      const ballot = await tx.sql(`INSERT INTO "PollBallot" ("pollId", voter) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1`, [pollId, ballotOf(ballotSecret, pollId, slackUserId)]);
      if (ballot.length === 0) return { kind: "already-voted" };
      await tx.sql(`UPDATE "PollOption" SET count = count + 1 WHERE id = $1`, [optionId]);
      result = { kind: "voted", option };
    } else {
      const chosen = poll.mine.includes(optionId);
      if (poll.multiple) {
        await tx.sql(chosen
            ? `DELETE FROM "PollVote" WHERE "pollId" = $1 AND "optionId" = $2 AND "slackUserId" = $3`
            : `INSERT INTO "PollVote" ("pollId", "optionId", "slackUserId") VALUES ($1, $2, $3)`,
          [pollId, optionId, slackUserId],
        );
        result = { kind: chosen ? "removed" : "voted", option };
      } else if (chosen) {
        return { kind: "unchanged", option };
      } else {
        await tx.sql(`WITH earlier AS (DELETE FROM "PollVote" WHERE "pollId" = $1 AND "slackUserId" = $3)
           INSERT INTO "PollVote" ("pollId", "optionId", "slackUserId") VALUES ($1, $2, $3)`,
          [pollId, optionId, slackUserId],
        );
        result = { kind: poll.mine.length > 0 ? "changed" : "voted", option };
      }
    }
    if (poll.messageOutboxId !== null) {
      await refreshSoon(tx, { network: networkId, channel: poll.channel }, { kind: "update", template: "poll", id: pollId, outboxId: poll.messageOutboxId });
    }
    return result;
  });
}

export type CloseResult = { kind: "closed" } | { kind: "already-closed" } | { kind: "not-creator" } | { kind: "not-found" };

/** Closes a poll (by its creator in its network, or at its deadline when `by` is undefined) and posts the results. */
export async function closePoll(db: Database, pollId: string, by?: { slackUserId: string; networkId: string }): Promise<CloseResult> {
  return db.transaction(async (tx) => closeIn(tx, pollId, by));
}

async function closeIn(tx: Tx, pollId: string, member: { slackUserId: string; networkId: string } | undefined): Promise<CloseResult> {
  const poll = await tx.prisma.poll.findUnique({ where: { id: pollId }, select: { networkId: true, createdBy: true, closesAt: true, channel: true, messageOutboxId: true } });
  if (!poll || (member && member.networkId !== poll.networkId)) return { kind: "not-found" };
  const by = member?.slackUserId;
  if (by !== undefined && by !== poll.createdBy) return { kind: "not-creator" };
  // At the deadline only: a job that fires early (or for a poll whose deadline moved) does nothing.
  if (by === undefined && (!poll.closesAt || poll.closesAt.getTime() > Date.now() + 1000)) return { kind: "already-closed" };
  const { count } = await tx.prisma.poll.updateMany({ where: { id: pollId, status: "OPEN" }, data: { status: "CLOSED", closedAt: new Date() } });
  if (count === 0) return { kind: "already-closed" };
  if (poll.messageOutboxId !== null) {
    await tellSlack(tx, { network: poll.networkId, channel: poll.channel }, { kind: "update", template: "poll", id: pollId, outboxId: String(poll.messageOutboxId) });
  }
  const resultsOutboxId = await tellSlack(tx, { network: poll.networkId, channel: poll.channel }, { kind: "post", template: "poll-results", id: pollId });
  await tx.prisma.poll.update({ where: { id: pollId }, data: { resultsOutboxId } });
  return { kind: "closed" };
}

export type PollView = {
  id: string;
  question: string;
  channel: string;
  createdBy: string;
  multiple: boolean;
  anonymous: boolean;
  datePoll: boolean;
  closesAt: Date | null;
  status: "OPEN" | "CLOSED";
  options: { id: string; label: string; startsAt: Date | null; count: number; voters: string[] }[];
  /** People who voted. */
  participants: number;
  /** The options the member chose (not for anonymous polls), and whether they voted at all. */
  mine: string[];
  voted: boolean;
};

/** Who looks at a poll, and the key to find their ballot in an anonymous one. */
export type PollViewer = { slackUserId: string; ballotSecret: string };

/** Everything needed to show a poll of a network (to `viewer`: with their vote); undefined for another network's. Names of voters only where the poll is not anonymous. */
export async function pollView(db: DbOrTx, networkId: string, pollId: string, viewer?: PollViewer): Promise<PollView | undefined> {
  const slackUserId = viewer?.slackUserId;
  const poll = await db.prisma.poll.findFirst({
    where: { id: pollId, networkId },
    select: {
      id: true,
      question: true,
      channel: true,
      createdBy: true,
      multiple: true,
      anonymous: true,
      datePoll: true,
      closesAt: true,
      status: true,
      options: { orderBy: { position: "asc" }, select: { id: true, label: true, startsAt: true, count: true, votes: { select: { slackUserId: true } } } },
      _count: { select: { ballots: true } },
    },
  });
  if (!poll) return undefined;
  const options = poll.options.map((o) => ({
    id: o.id,
    label: o.label,
    startsAt: o.startsAt,
    count: poll.anonymous ? o.count : o.votes.length,
    voters: poll.anonymous ? [] : o.votes.map((v) => v.slackUserId),
  }));
  const participants = poll.anonymous ? poll._count.ballots : new Set(options.flatMap((o) => o.voters)).size;
  const mine = slackUserId && !poll.anonymous ? options.filter((o) => o.voters.includes(slackUserId)).map((o) => o.id) : [];
  const voted = viewer ? (poll.anonymous ? (await db.prisma.pollBallot.count({ where: { pollId, voter: ballotOf(viewer.ballotSecret, pollId, viewer.slackUserId) } })) > 0 : mine.length > 0) : false;
  const { _count: _ignored, ...rest } = poll;
  return { ...rest, options, participants, mine, voted };
}

/** The leading options (several on a tie). */
export function winners(view: PollView): PollView["options"] {
  const top = Math.max(0, ...view.options.map((o) => o.count));
  return top === 0 ? [] : view.options.filter((o) => o.count === top);
}

export async function openPolls(db: DbOrTx, networkId: string, limit: number): Promise<{ id: string }[]> {
  return db.prisma.poll.findMany({ where: { networkId, status: "OPEN" }, orderBy: { createdAt: "desc" }, take: limit, select: { id: true } });
}

/** Polls past their deadline that are still open: their closing job was lost. */
export async function overduePolls(db: DbOrTx, graceMs: number): Promise<{ id: string; networkId: string }[]> {
  return db.prisma.poll.findMany({ where: { status: "OPEN", closesAt: { lt: new Date(Date.now() - graceMs) } }, select: { id: true, networkId: true }, take: 500 });
}

