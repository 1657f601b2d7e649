import { arriveAll } from "./arrivals.js";
import { asCoordinator, type Actor, type Authority } from "./authority.js";
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
import { appointmentCheck, cancelRequest, completeRequest, createRequest, dayCheck, jobsOf, openRequestsOfNewcomer, requestsOf } from "./requests.js";
import { sessionStore, type SessionCache } from "./sessions.js";
import type { CoreSettings } from "./settings.js";
import { arriveFromSlack, rememberLocale } from "./slack-members.js";
import { chooseLocale, declineConsent, findUser, giveConsent } from "./users.js";
import { meetingsFor, pollsFor } from "./visibility.js";
import { decideChange, decideVolunteer, reactivateVolunteer, suspendVolunteer } from "./volunteer-decisions.js";
import * as volunteers from "./volunteers.js";
import * as groups from "./working-groups.js";

/** `fn` with its database already given. */
type Bound<F> = F extends (db: Database, ...args: infer A) => infer R ? (...args: A) => R : never;

function bind<T extends Record<string, (db: Database, ...args: never[]) => unknown>>(db: Database, functions: T): { [K in keyof T]: Bound<T[K]> } {
  return Object.fromEntries(Object.entries(functions).map(([name, fn]) => [name, (...args: never[]) => fn(db, ...args)])) as { [K in keyof T]: Bound<T[K]> };
}

/**
 * The domain, bound once in the composition root to its database, its settings and who may act as a
 * coordinator: handlers and workers call `core.offers.accept(offerId, telegramId)` and know nothing of
 * connections, transactions or settings. Every action is one entry point here; what it may do and to whom is
 * decided inside – a coordinator's action takes the acting member first and is refused to anyone else.
 *
 * @example
 * const core = createCore(database, settings, coordinators);
 * const result = await core.offers.accept(offerId, ctx.from.id); // { kind: "won", reference: "K7M-4Q2" }
 * await core.coordination.offerToAll({ slackUserId: body.user.id }, requestId); // or { kind: "not-coordinator" }
 */
export function createCore(db: Database, settings: CoreSettings, authority: Authority) {
  /** A coordinator's action: one check, for all of them, before anything happens. */
  const byCoordinator =
    <A extends unknown[], R>(action: (by: string, ...args: A) => Promise<R>) =>
    (actor: Actor, ...args: A) =>
      asCoordinator(authority, actor, () => action(actor.slackUserId, ...args));
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
      ...bind(db, { listOf: requestsOf, jobsOf, openOfNewcomer: openRequestsOfNewcomer }),
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
      ...bind(db, { of: volunteers.volunteerOf, byId: volunteers.volunteerById, setPaused: volunteers.setPaused, vetted: volunteers.vettedVolunteers }),
      register: (telegramId: number, registration: volunteers.VolunteerRegistration) => volunteers.registerVolunteer(db, telegramId, registration, settings),
      decide: byCoordinator((by, volunteerId: string, decision: "APPROVED" | "REJECTED") => decideVolunteer(db, volunteerId, decision, by)),
      decideChange: byCoordinator((by, volunteerId: string, agree: boolean) => decideChange(db, volunteerId, agree, by, settings)),
      suspend: byCoordinator((by, volunteerId: string) => suspendVolunteer(db, volunteerId, by, settings)),
      reactivate: byCoordinator((by, volunteerId: string) => reactivateVolunteer(db, volunteerId, by)),
    },
    mentoring: {
      confirm: byCoordinator((_by, requestId: string) => confirmMentoring(db, requestId, settings)),
      reject: byCoordinator((_by, requestId: string) => rejectMentoring(db, requestId, settings)),
      overview: (requestId: string) => mentoringOverview(db, requestId),
    },
    coordination: {
      offerToAll: byCoordinator((_by, requestId: string) => offerToAll(db, requestId, settings)),
      closeUnmatched: byCoordinator((_by, requestId: string, note: string) => closeUnmatched(db, requestId, note, settings)),
      overview: (requestId: string) => requestOverview(db, requestId),
    },
    /** Whether a member may act as a coordinator (to show them a coordinator's buttons; the actions check again). */
    isCoordinator: (actor: Actor) => authority.isCoordinator(actor.slackUserId),
    catalog: bind(db, {
      contactPointsIn: catalog.contactPointsIn,
      allContactPoints: catalog.allContactPoints,
      contactPointById: catalog.contactPointById,
      searchContactPoints: catalog.searchContactPoints,
      matchingOffers: catalog.matchingOffers,
      allLeisureOffers: catalog.allLeisureOffers,
      leisureOfferById: catalog.leisureOfferById,
      recordUnmetInterests: catalog.recordUnmetInterests,
      importCatalog: catalog.importCatalog,
    }),
    catalogEditing: {
      saveContactPoint: byCoordinator((_by, input: catalog.ContactPointInput, id?: string) => catalog.saveContactPoint(db, input, id)),
      saveLeisureOffer: byCoordinator((_by, input: catalog.LeisureOfferInput, id?: string) => catalog.saveLeisureOffer(db, input, id)),
    },
    reports: {
      report: (telegramId: number, input: Parameters<typeof reportDiscrimination>[2]) => reportDiscrimination(db, telegramId, input, settings),
      view: (id: string) => reportView(db, id),
      answer: byCoordinator((by, id: string, answer: string) => answerReport(db, id, answer, by)),
    },
    privacy: {
      myData: (telegramId: number) => myData(db, telegramId),
      /** `/deletemydata`: open requests end properly, then everything about the person goes. */
      erase: (telegramId: number) => eraseMyData(db, telegramId, settings),
    },
    meetings: {
      schedule: byCoordinator((by, input: meetings.MeetingInput) => meetings.scheduleMeeting(db, input, by, settings)),
      reschedule: byCoordinator((_by, id: string, change: Parameters<typeof meetings.rescheduleMeeting>[2]) => meetings.rescheduleMeeting(db, id, change, settings)),
      cancel: byCoordinator((_by, id: string) => meetings.cancelMeeting(db, id)),
      /** A day and a time from Slack's pickers as a meeting's start: only in the future. */
      start: (day: string | undefined, time: string | undefined, now?: Date) => meetings.meetingStart(day, time, settings.timeZone, now),
      ...bind(db, { rsvp: meetings.rsvp, view: meetings.meetingView, upcoming: meetings.upcomingMeetings, calendar: meetingCalendar, events: meetings.upcomingEvents }),
    },
    polls: {
      ...bind(db, { create: polls.createPoll, close: polls.closePoll, open: polls.openPolls }),
      vote: (pollId: string, optionId: string, slackUserId: string) => polls.vote(db, pollId, optionId, slackUserId, settings.ballotSecret),
      view: (pollId: string, slackUserId?: string) => polls.pollView(db, pollId, slackUserId === undefined ? undefined : { slackUserId, ballotSecret: settings.ballotSecret }),
      /** `/poll "Question?" "A" "B" --flags`, checked as the modal's answers are. */
      parseCommand: (text: string, now?: Date) => polls.parsePollCommand(text, settings.timeZone, now),
      check: (draft: polls.PollDraft, now?: Date) => polls.checkPoll(draft, settings.timeZone, now),
    },
    groups: {
      ...bind(db, { list: groups.listWorkingGroups, of: groups.groupsOf, join: groups.joinGroup, leave: groups.leaveGroup }),
      create: byCoordinator((_by, group: Parameters<typeof groups.createWorkingGroup>[1]) => groups.createWorkingGroup(db, group)),
    },
    slackMembers: bind(db, { arrive: arriveFromSlack, rememberLocale }),
    digest: {
      /** The digest as `actor` may see it (`/digest`). */
      for: (actor: Actor, now = new Date()) => weeklyDigest(db, now, (channel) => authority.isMember(channel, actor.slackUserId)),
      /** The digest posted in the network channel: meetings announced there or in an AG's channel, not the coordinators'. */
      forNetwork: (now = new Date()) => weeklyDigest(db, now, async (channel) => channel !== settings.coordinatorChannel),
      post: (now = new Date()) => postWeeklyDigest(db, settings, now),
    },
    /** App Home: what a member may see of the network's meetings and polls. */
    home: {
      meetings: (actor: Actor, limit: number) => meetingsFor(db, authority, actor, limit),
      polls: (actor: Actor, limit: number) => pollsFor(db, authority, actor, limit, settings.ballotSecret),
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
