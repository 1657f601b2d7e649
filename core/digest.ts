import { leisureDemandBetween } from "./catalog.js";
import type { DbOrTx, Queryable } from "./db.js";
import { upcomingMeetings, type MeetingView } from "./meetings.js";
import { visible } from "./visibility.js";
import { tellSlack } from "./outbox.js";
import type { CoreSettings } from "./settings.js";

/** The weekly figures for the network: real counts from the database, zeros where nothing happened. */
export type Digest = {
  from: Date;
  to: Date;
  requests: number;
  byKind: Record<"MEDIATION" | "LEISURE" | "MENTORING", number>;
  byLanguage: { language: string; count: number }[];
  /** Of the week's requests, the share that found a volunteer (null without requests). */
  matchedShare: number | null;
  medianMinutesToMatch: number | null;
  /** Nobody found, or still searching after a day. */
  unmet: number;
  /** Leisure interests asked for that no offer in the catalogue met. */
  leisureDemand: { interest: string; count: number }[];
  volunteerHours: number;
  newVolunteers: number;
  meetings: MeetingView[];
  events: { name: string; startsAt: Date | null; place: string | null }[];
};

const DAY = 86_400_000;

/**
 * The figures of the seven days before `now`, and the next meetings of the channels the reader may see.
 *
 * @example
 * const digest = await weeklyDigest(db, new Date(), (channel) => authority.isMember(channel, "U0123"));
 * digest.byKind.MEDIATION; // requests for interpreters this week
 */
export async function weeklyDigest(db: DbOrTx, now: Date, canSee: (channel: string) => Promise<boolean>): Promise<Digest> {
  const from = new Date(now.getTime() - 7 * DAY);
  const requests = await db.prisma.helpRequest.findMany({
    where: { createdAt: { gte: from, lt: now } },
    select: { kind: true, language: true, status: true, createdAt: true, matchedAt: true },
  });
  const byKind = { MEDIATION: 0, LEISURE: 0, MENTORING: 0 };
  const languages = new Map<string, number>();
  for (const r of requests) {
    byKind[r.kind]++;
    languages.set(r.language, (languages.get(r.language) ?? 0) + 1);
  }
  const matched = requests.filter((r) => r.matchedAt !== null);
  const minutes = matched.map((r) => ((r.matchedAt?.getTime() ?? 0) - r.createdAt.getTime()) / 60_000).sort((a, b) => a - b);
  const unmet = requests.filter((r) => r.status === "UNMATCHED" || (r.status === "SEARCHING" && r.createdAt.getTime() < now.getTime() - DAY)).length;
  const hours = await db.prisma.helpRequest.aggregate({ where: { status: "DONE", closedAt: { gte: from, lt: now } }, _sum: { hoursSpent: true } });
  const newVolunteers = await db.prisma.volunteer.count({ where: { status: "APPROVED", decidedAt: { gte: from, lt: now } } });
  const events = await db.prisma.networkEvent.findMany({
    where: { OR: [{ startsAt: null }, { startsAt: { gte: now, lt: new Date(now.getTime() + 90 * DAY) } }] },
    orderBy: [{ startsAt: { sort: "asc", nulls: "last" } }, { name: "asc" }],
    select: { name: true, startsAt: true, place: true },
  });
  return {
    from,
    to: now,
    requests: requests.length,
    byKind,
    byLanguage: [...languages].map(([language, count]) => ({ language, count })).sort((a, b) => b.count - a.count || a.language.localeCompare(b.language)),
    matchedShare: requests.length === 0 ? null : matched.length / requests.length,
    medianMinutesToMatch: median(minutes),
    unmet,
    leisureDemand: await leisureDemand(db, from, now),
    volunteerHours: Number(hours._sum.hoursSpent ?? 0),
    newVolunteers,
    meetings: (await visible(await upcomingMeetings(db, { limit: 30, until: new Date(now.getTime() + 14 * DAY) }), (m) => canSee(m.channel))).slice(0, 10),
    events,
  };
}

function median(sorted: number[]): number | null {
  if (sorted.length === 0) return null;
  const middle = Math.floor(sorted.length / 2);
  const value = sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
  return Math.round(value);
}

/** Leisure interests newcomers asked for that no catalogue offer met (anonymous counts). */
async function leisureDemand(db: DbOrTx, from: Date, to: Date): Promise<{ interest: string; count: number }[]> {
  return leisureDemandBetween(db, from, to);
}

/** ISO week of a date, "2026-W48": the digest's id, so that a week is posted once. */
export function isoWeek(date: Date): string {
  const d = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  const day = d.getUTCDay() || 7;
  d.setUTCDate(d.getUTCDate() + 4 - day);
  const yearStart = new Date(Date.UTC(d.getUTCFullYear(), 0, 1));
  const week = Math.ceil(((d.getTime() - yearStart.getTime()) / DAY + 1) / 7);
  return `${d.getUTCFullYear()}-W${String(week).padStart(2, "0")}`;
}

/** Posts the weekly digest in the network's channel; its id is the week, so a second run in a week posts again only by hand. */
export async function postWeeklyDigest(db: Queryable, settings: Pick<CoreSettings, "networkChannel">, now: Date): Promise<{ week: string }> {
  const week = isoWeek(now);
  await tellSlack(db, settings.networkChannel, { kind: "post", template: "weekly-digest", id: week });
  return { week };
}
