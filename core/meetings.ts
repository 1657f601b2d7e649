import type { Prisma } from "../generated/prisma/client.js";
import { appointmentAt } from "./appointments.js";
import type { Database, DbOrTx, Tx } from "./db.js";
import { refreshSoon, tellSlack, wakeAt } from "./outbox.js";
import type { CoreSettings } from "./settings.js";

export type Rsvp = "YES" | "MAYBE" | "NO";
export const RSVP_ANSWERS: readonly Rsvp[] = ["YES", "MAYBE", "NO"];

export type MeetingInput = { groupId: string | null; title: string; startsAt: Date; place: string; agenda?: string | null };

/** Offsets whose time has passed already count as sent: nobody needs a "3 days before" one day before. */
function passedOffsets(startsAt: Date, offsets: number[], now: number): number[] {
  return offsets.filter((offset) => startsAt.getTime() - offset <= now);
}

function nextReminderAt(startsAt: Date, offsets: number[], sent: number[], now: number): Date | null {
  const due = offsets.filter((o) => !sent.includes(o)).map((o) => startsAt.getTime() - o).filter((t) => t > now);
  return due.length === 0 ? null : new Date(Math.min(...due));
}

async function scheduleMeetingTick(tx: Tx, id: string, at: Date | null): Promise<void> {
  await tx.prisma.meeting.update({ where: { id }, data: { nextTickAt: at } });
  if (!at) return;
  await wakeAt(tx, { wake: "meeting", id, at: at.toISOString() });
}

/**
 * A coordinator schedules a meeting: it is announced in the AG's channel with RSVP buttons, and its
 * reminders are scheduled.
 */
export type ScheduleResult = { kind: "scheduled"; id: string; channel: string } | { kind: "in-the-past" };

/** The start of a meeting from a day and a time as Slack's pickers give them: only in the future. */
export function meetingStart(day: string | undefined, time: string | undefined, timeZone: string, now = new Date()): { kind: "ok"; startsAt: Date } | { kind: "in-the-past" } {
  const startsAt = day && time ? appointmentAt(day, time, timeZone) : undefined;
  return startsAt && startsAt > now ? { kind: "ok", startsAt } : { kind: "in-the-past" };
}

export async function scheduleMeeting(db: Database, input: MeetingInput, createdBy: string, settings: CoreSettings): Promise<ScheduleResult> {
  if (input.startsAt.getTime() <= Date.now()) return { kind: "in-the-past" };
  return db.transaction(async (tx) => {
    const group = input.groupId ? await tx.prisma.workingGroup.findUnique({ where: { id: input.groupId }, select: { slackChannel: true } }) : null;
    const channel = group?.slackChannel ?? settings.networkChannel;
    const now = Date.now();
    const meeting = await tx.prisma.meeting.create({
      data: {
        groupId: input.groupId,
        title: input.title,
        startsAt: input.startsAt,
        place: input.place,
        agenda: input.agenda ?? null,
        channel,
        createdBy,
        remindersSent: passedOffsets(input.startsAt, settings.meetings.reminderOffsetsMs, now),
      },
      select: { id: true, remindersSent: true },
    });
    const announcementOutboxId = await tellSlack(tx, channel, { kind: "post", template: "meeting-announcement", id: meeting.id });
    await tx.prisma.meeting.update({ where: { id: meeting.id }, data: { announcementOutboxId } });
    await scheduleMeetingTick(tx, meeting.id, nextReminderAt(input.startsAt, settings.meetings.reminderOffsetsMs, meeting.remindersSent, now));
    return { kind: "scheduled", id: meeting.id, channel };
  });
}

export type ChangeResult = { kind: "changed" } | { kind: "not-found" } | { kind: "cancelled" } | { kind: "in-the-past" };

/** Moves a meeting: the announcement shows the new time, the reminders follow it. */
export async function rescheduleMeeting(db: Database, id: string, change: Omit<MeetingInput, "groupId" | "title">, settings: CoreSettings): Promise<ChangeResult> {
  if (change.startsAt.getTime() <= Date.now()) return { kind: "in-the-past" };
  return db.transaction(async (tx) => {
    const meeting = await tx.prisma.meeting.findUnique({ where: { id }, select: { status: true, channel: true, announcementOutboxId: true } });
    if (!meeting) return { kind: "not-found" };
    if (meeting.status === "CANCELLED") return { kind: "cancelled" };
    const now = Date.now();
    const sent = passedOffsets(change.startsAt, settings.meetings.reminderOffsetsMs, now);
    await tx.prisma.meeting.update({ where: { id }, data: { startsAt: change.startsAt, place: change.place, agenda: change.agenda ?? null, remindersSent: sent } });
    await updateAnnouncement(tx, id, meeting);
    await scheduleMeetingTick(tx, id, nextReminderAt(change.startsAt, settings.meetings.reminderOffsetsMs, sent, now));
    return { kind: "changed" };
  });
}

export async function cancelMeeting(db: Database, id: string): Promise<ChangeResult> {
  return db.transaction(async (tx) => {
    const meeting = await tx.prisma.meeting.findUnique({ where: { id }, select: { status: true, channel: true, announcementOutboxId: true } });
    if (!meeting) return { kind: "not-found" };
    if (meeting.status === "CANCELLED") return { kind: "cancelled" };
    await tx.prisma.meeting.update({ where: { id }, data: { status: "CANCELLED", nextTickAt: null } });
    await updateAnnouncement(tx, id, meeting);
    return { kind: "changed" };
  });
}

async function updateAnnouncement(tx: Tx, id: string, meeting: { channel: string; announcementOutboxId: bigint | null }): Promise<void> {
  if (meeting.announcementOutboxId === null) return;
  await tellSlack(tx, meeting.channel, { kind: "update", template: "meeting-announcement", id, outboxId: String(meeting.announcementOutboxId) });
}

export type RsvpResult = { kind: "answered"; answer: Rsvp } | { kind: "closed" } | { kind: "not-found" };

/** A member answers (or changes their answer); the announcement's counts follow within a second. */
export async function rsvp(db: Database, meetingId: string, slackUserId: string, answer: Rsvp): Promise<RsvpResult> {
  return db.transaction(async (tx) => {
    const meeting = await tx.prisma.meeting.findUnique({ where: { id: meetingId }, select: { status: true, startsAt: true, channel: true, announcementOutboxId: true } });
    if (!meeting) return { kind: "not-found" };
    if (meeting.status === "CANCELLED" || meeting.startsAt.getTime() < Date.now()) return { kind: "closed" };
    await tx.prisma.meetingRsvp.upsert({
      where: { meetingId_slackUserId: { meetingId, slackUserId } },
      create: { meetingId, slackUserId, answer },
      update: { answer, answeredAt: new Date() },
    });
    if (meeting.announcementOutboxId !== null) {
      await refreshSoon(tx, meeting.channel, { kind: "update", template: "meeting-announcement", id: meetingId, outboxId: String(meeting.announcementOutboxId) });
    }
    return { kind: "answered", answer };
  });
}

export type MeetingTickResult = { reminded: number[]; nudged: number };

/**
 * Sends the reminders that are due: one in the channel, and a direct nudge to each AG member who has not
 * answered yet. Idempotent: each reminder offset is sent once per start time.
 */
export async function meetingTick(db: Database, id: string, settings: CoreSettings): Promise<MeetingTickResult> {
  return db.transaction(async (tx) => {
    await tx.sql(`SELECT id FROM "Meeting" WHERE id = $1 FOR UPDATE`, [id]);
    const meeting = await tx.prisma.meeting.findUnique({ where: { id }, select: { status: true, startsAt: true, channel: true, groupId: true, remindersSent: true } });
    const result: MeetingTickResult = { reminded: [], nudged: 0 };
    if (!meeting || meeting.status === "CANCELLED") return result;
    const now = Date.now();
    const due = settings.meetings.reminderOffsetsMs.filter((o) => !meeting.remindersSent.includes(o) && meeting.startsAt.getTime() - o <= now && meeting.startsAt.getTime() > now);
    if (due.length > 0) {
      // Several overdue at once (after an outage): one reminder is enough.
      await tellSlack(tx, meeting.channel, { kind: "post", template: "meeting-reminder", id });
      const answered = new Set((await tx.prisma.meetingRsvp.findMany({ where: { meetingId: id }, select: { slackUserId: true } })).map((r) => r.slackUserId));
      const members = meeting.groupId ? await tx.prisma.workingGroupMember.findMany({ where: { groupId: meeting.groupId }, select: { slackUserId: true } }) : [];
      for (const { slackUserId } of members) {
        if (answered.has(slackUserId)) continue;
        await tellSlack(tx, slackUserId, { kind: "post", template: "meeting-nudge", id });
        result.nudged++;
      }
      result.reminded = due;
    }
    const sent = [...meeting.remindersSent, ...due];
    await tx.prisma.meeting.update({ where: { id }, data: { remindersSent: sent } });
    await scheduleMeetingTick(tx, id, nextReminderAt(meeting.startsAt, settings.meetings.reminderOffsetsMs, sent, now));
    return result;
  });
}

export type MeetingView = {
  id: string;
  title: string;
  groupName: string | null;
  startsAt: Date;
  durationMinutes: number;
  place: string;
  agenda: string | null;
  status: "SCHEDULED" | "CANCELLED";
  channel: string;
  counts: Record<Rsvp, number>;
  myAnswer?: Rsvp;
};

const meetingSelect = {
  id: true,
  title: true,
  startsAt: true,
  durationMinutes: true,
  place: true,
  agenda: true,
  status: true,
  channel: true,
  group: { select: { name: true } },
  rsvps: { select: { answer: true, slackUserId: true } },
} as const satisfies Prisma.MeetingSelect;

type MeetingRow = Prisma.MeetingGetPayload<{ select: typeof meetingSelect }>;

function toView(row: MeetingRow, slackUserId?: string): MeetingView {
  const counts: Record<Rsvp, number> = { YES: 0, MAYBE: 0, NO: 0 };
  for (const r of row.rsvps) counts[r.answer]++;
  const mine = slackUserId ? row.rsvps.find((r) => r.slackUserId === slackUserId)?.answer : undefined;
  return {
    id: row.id,
    title: row.title,
    groupName: row.group?.name ?? null,
    startsAt: row.startsAt,
    durationMinutes: row.durationMinutes,
    place: row.place,
    agenda: row.agenda,
    status: row.status,
    channel: row.channel,
    counts,
    ...(mine ? { myAnswer: mine } : {}),
  };
}

export async function meetingView(db: DbOrTx, id: string, slackUserId?: string): Promise<MeetingView | undefined> {
  const row = await db.prisma.meeting.findUnique({ where: { id }, select: meetingSelect });
  return row ? toView(row, slackUserId) : undefined;
}

/** The next meetings (of `groupIds`, or all), soonest first. */
export async function upcomingMeetings(db: DbOrTx, options: { limit: number; slackUserId?: string; until?: Date }): Promise<MeetingView[]> {
  const rows = await db.prisma.meeting.findMany({
    where: { status: "SCHEDULED", startsAt: { gt: new Date(), ...(options.until ? { lt: options.until } : {}) } },
    orderBy: { startsAt: "asc" },
    take: options.limit,
    select: meetingSelect,
  });
  return rows.map((row) => toView(row, options.slackUserId));
}

/** Meetings whose next reminder tick is overdue (its job was lost). */
export async function overdueMeetingTicks(db: DbOrTx, graceMs: number): Promise<{ id: string; nextTickAt: Date }[]> {
  const rows = await db.prisma.meeting.findMany({
    where: { status: "SCHEDULED", nextTickAt: { lt: new Date(Date.now() - graceMs) } },
    select: { id: true, nextTickAt: true },
    take: 500,
  });
  return rows.flatMap((r) => (r.nextTickAt ? [{ id: r.id, nextTickAt: r.nextTickAt }] : []));
}


export type NetworkEventView = { id: string; name: string; startsAt: Date | null; place: string | null };

/** The network's next events (the festival, the language café), those without a date last. */
export async function upcomingEvents(db: DbOrTx, limit: number): Promise<NetworkEventView[]> {
  return db.prisma.networkEvent.findMany({
    orderBy: [{ startsAt: { sort: "asc", nulls: "last" } }],
    take: limit,
    where: { OR: [{ startsAt: null }, { startsAt: { gte: new Date() } }] },
    select: { id: true, name: true, startsAt: true, place: true },
  });
}
