import { arriveAll } from "./arrivals.js";
import { meetingCalendar } from "./calendar.js";
import * as catalog from "./catalog.js";
import { closeUnmatched, offerToAll, requestOverview } from "./coordination.js";
import type { Database } from "./db.js";
import { postWeeklyDigest, weeklyDigest } from "./digest.js";
import { overdueTicks, tick } from "./dispatch.js";
import * as meetings from "./meetings.js";
import { confirmMentoring, mentoringOverview, rejectMentoring } from "./mentoring.js";
import { acceptOffer, declineOffer } from "./offers.js";
import { tellMany, tellSlack, type SlackIntent } from "./outbox.js";
import * as sending from "./outbox-sending.js";
import * as polls from "./polls.js";
import { eraseMyData, myData } from "./privacy.js";
import { chooseRelay, relay, relayTarget } from "./relay.js";
import { answerReport, reportDiscrimination, reportView } from "./reports.js";
import { applyRetention } from "./retention.js";
import { appointmentCheck, cancelRequest, completeRequest, createRequest, dayCheck, jobsOf, requestsOf } from "./requests.js";
import { sessionStore, type SessionCache } from "./sessions.js";
import type { CoreSettings } from "./settings.js";
import { arriveFromSlack, rememberLocale } from "./slack-members.js";
import { chooseLocale, declineConsent, findUser, giveConsent } from "./users.js";
import * as volunteers from "./volunteers.js";
import * as groups from "./working-groups.js";

/** `fn` with its database already given. */
type Bound<F> = F extends (db: Database, ...args: infer A) => infer R ? (...args: A) => R : never;

function bind<T extends Record<string, (db: Database, ...args: never[]) => unknown>>(db: Database, functions: T): { [K in keyof T]: Bound<T[K]> } {
  return Object.fromEntries(Object.entries(functions).map(([name, fn]) => [name, (...args: never[]) => fn(db, ...args)])) as { [K in keyof T]: Bound<T[K]> };
}

/**
 * The domain, bound once in the composition root to its database and settings: handlers and workers call
 * `core.offers.accept(offerId, telegramId)` and know nothing of connections, transactions or settings.
 * Every action is one entry point here; what it may do and to whom is decided inside.
 *
 * @example
 * const core = createCore(database, settings);
 * const result = await core.offers.accept(offerId, ctx.from.id); // { kind: "won", reference: "K7M-4Q2" }
 */
export function createCore(db: Database, settings: CoreSettings) {
  return {
    settings,
    /** Telegram updates as they arrive: duplicates, flood counts, sender and dialogue in one statement. */
    arrivals: {
      arriveAll: (updates: Parameters<typeof arriveAll>[1], floodWindowMs: number) => arriveAll(db, updates, floodWindowMs),
      sessions: <T>(cache?: SessionCache) => sessionStore<T>(db, cache),
      /** Replies of updates handled side by side, written in one statement. */
      tellMany: (messages: Parameters<typeof tellMany>[1]) => tellMany(db, messages),
    },
    users: bind(db, { find: findUser, chooseLocale, giveConsent, declineConsent }),
    requests: {
      create: (telegramId: number, draft: Parameters<typeof createRequest>[2], idempotencyKey: string) => createRequest(db, telegramId, draft, idempotencyKey, settings),
      cancel: (requestId: string, telegramId: number) => cancelRequest(db, requestId, telegramId, settings),
      complete: (requestId: string, telegramId: number, hours: number) => completeRequest(db, requestId, telegramId, hours),
      ...bind(db, { listOf: requestsOf, jobsOf }),
      /** Whether a day and time typed or tapped in the dialogue make an appointment the search can work for. */
      checkAppointment: (day: string, time: string, now = new Date()) => appointmentCheck(day, time, settings.timeZone, now),
      checkDay: (day: string, now = new Date()) => dayCheck(day, settings.timeZone, now),
    },
    offers: {
      accept: (offerId: string, telegramId: number) => acceptOffer(db, offerId, telegramId, settings),
      decline: (offerId: string, telegramId: number) => declineOffer(db, offerId, telegramId),
    },
    relay: { ...bind(db, { target: relayTarget, choose: chooseRelay, send: relay }) },
    volunteers: {
      ...bind(db, { of: volunteers.volunteerOf, byId: volunteers.volunteerById, decide: volunteers.decideVolunteer, setPaused: volunteers.setPaused }),
      register: (telegramId: number, registration: volunteers.VolunteerRegistration) => volunteers.registerVolunteer(db, telegramId, registration, settings),
    },
    mentoring: {
      confirm: (requestId: string) => confirmMentoring(db, requestId, settings),
      reject: (requestId: string) => rejectMentoring(db, requestId, settings),
      overview: (requestId: string) => mentoringOverview(db, requestId),
    },
    coordination: {
      offerToAll: (requestId: string) => offerToAll(db, requestId, settings),
      closeUnmatched: (requestId: string, note: string) => closeUnmatched(db, requestId, note, settings),
      overview: (requestId: string) => requestOverview(db, requestId),
    },
    catalog: bind(db, {
      contactPointsIn: catalog.contactPointsIn,
      allContactPoints: catalog.allContactPoints,
      contactPointById: catalog.contactPointById,
      searchContactPoints: catalog.searchContactPoints,
      matchingOffers: catalog.matchingOffers,
      allLeisureOffers: catalog.allLeisureOffers,
      leisureOfferById: catalog.leisureOfferById,
      recordUnmetInterests: catalog.recordUnmetInterests,
      saveContactPoint: catalog.saveContactPoint,
      saveLeisureOffer: catalog.saveLeisureOffer,
      importCatalog: catalog.importCatalog,
    }),
    reports: {
      report: (telegramId: number, input: Parameters<typeof reportDiscrimination>[2]) => reportDiscrimination(db, telegramId, input, settings),
      ...bind(db, { view: reportView, answer: answerReport }),
    },
    privacy: {
      myData: (telegramId: number) => myData(db, telegramId),
      /** `/deletemydata`: open requests end properly, then everything about the person goes. */
      erase: (telegramId: number) => eraseMyData(db, telegramId, settings),
    },
    meetings: {
      schedule: (input: meetings.MeetingInput, createdBy: string) => meetings.scheduleMeeting(db, input, createdBy, settings),
      reschedule: (id: string, change: Parameters<typeof meetings.rescheduleMeeting>[2]) => meetings.rescheduleMeeting(db, id, change, settings),
      /** A day and a time from Slack's pickers as a meeting's start: only in the future. */
      start: (day: string | undefined, time: string | undefined, now?: Date) => meetings.meetingStart(day, time, settings.timeZone, now),
      ...bind(db, { cancel: meetings.cancelMeeting, rsvp: meetings.rsvp, view: meetings.meetingView, upcoming: meetings.upcomingMeetings, calendar: meetingCalendar, events: meetings.upcomingEvents }),
    },
    polls: {
      ...bind(db, { create: polls.createPoll, close: polls.closePoll, open: polls.openPolls }),
      vote: (pollId: string, optionId: string, slackUserId: string) => polls.vote(db, pollId, optionId, slackUserId, settings.ballotSecret),
      view: (pollId: string, slackUserId?: string) => polls.pollView(db, settings.ballotSecret, pollId, slackUserId),
      /** `/poll "Question?" "A" "B" --flags`, checked as the modal's answers are. */
      parseCommand: (text: string, now?: Date) => polls.parsePollCommand(text, settings.timeZone, now),
      check: (draft: polls.PollDraft, now?: Date) => polls.checkPoll(draft, settings.timeZone, now),
    },
    groups: bind(db, { list: groups.listWorkingGroups, of: groups.groupsOf, join: groups.joinGroup, leave: groups.leaveGroup, create: groups.createWorkingGroup }),
    slackMembers: bind(db, { arrive: arriveFromSlack, rememberLocale }),
    digest: {
      weekly: (now = new Date()) => weeklyDigest(db, now),
      post: (now = new Date()) => postWeeklyDigest(db, settings, now),
    },
    /** Work the queues wake core up for, and how to find wake-ups a lost queue forgot. */
    wakeUps: {
      request: (id: string) => tick(db, id, settings),
      meeting: (id: string) => meetings.meetingTick(db, id, settings),
      poll: (id: string) => polls.closePoll(db, id),
      slackRefresh: (channel: string, message: Extract<SlackIntent, { kind: "update" }>) => tellSlack(db, channel, message),
      overdue: async (graceMs: number) => [
        ...(await overdueTicks(db, graceMs)).map((r) => ({ wake: "request" as const, id: r.id, at: r.nextTickAt.toISOString() })),
        ...(await meetings.overdueMeetingTicks(db, graceMs)).map((m) => ({ wake: "meeting" as const, id: m.id, at: m.nextTickAt.toISOString() })),
        ...(await polls.overduePolls(db, graceMs)).map((p) => ({ wake: "poll" as const, id: p.id, at: new Date().toISOString() })),
      ],
    },
    /** The sending side of the outbox, for the queues' workers. */
    outbox: bind(db, {
      claimNext: sending.claimNext,
      markSent: sending.markSent,
      markFailed: sending.markFailed,
      release: sending.release,
      forgetSent: sending.forgetSent,
      sentRefOf: sending.sentRefOf,
      stalled: sending.stalled,
      pendingWakeUps: sending.pendingWakeUps,
      markWakeUpsQueued: sending.markWakeUpsQueued,
    }),
    retention: { apply: () => applyRetention(db, settings) },
  };
}

export type Core = ReturnType<typeof createCore>;
