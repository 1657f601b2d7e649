import { arriveAll } from "./arrivals.js";
import { appointmentCheck, dayCheck } from "./appointments.js";
import type { Actor, Authority, NotCoordinator } from "./authority.js";
import { meetingCalendar } from "./calendar.js";
import * as catalog from "./catalog.js";
import { closeUnmatched, offerToAll, requestOverview } from "./coordination.js";
import type { Database } from "./db.js";
import { postWeeklyDigests, weeklyDigest } from "./digest.js";
import { overdueTicks, tick } from "./dispatch.js";
import * as meetings from "./meetings.js";
import { confirmMentoring, mentoringOverview, rejectMentoring } from "./mentoring.js";
import { acceptOffer, declineOffer } from "./offers.js";
import { tellMany, tellSlack, type SlackIntent, type SlackPlace, type WakeUp } from "./outbox.js";
import * as sending from "./outbox-sending.js";
import * as polls from "./polls.js";
import { eraseMyData, myData } from "./privacy.js";
import { chooseRelay, relay, relayTarget } from "./relay.js";
import { answerReport, reportDiscrimination, reportView } from "./reports.js";
import { applyRetention } from "./retention.js";
import { requestSentWith } from "./request-store.js";
import { cancelRequest, completeRequest, createRequest, jobsOf, openRequestsOfNewcomer, requestsOf } from "./requests.js";
import { sessionStore, type SessionCache } from "./sessions.js";
import type { CoreSettings } from "./settings.js";
import { arriveFromSlack, rememberLocale } from "./slack-members.js";
import { chooseLocale, declineConsent, findUser, giveConsent } from "./users.js";
import * as networks from "./networks.js";
import { meetingsFor, pollsFor } from "./visibility.js";
import { decideChange, decideVolunteer, reactivateVolunteer, suspendVolunteer } from "./volunteer-decisions.js";
import * as volunteers from "./volunteers.js";
import * as groups from "./working-groups.js";

/** `fn` with its database already given. */
type Bound<F> = F extends (db: Database, ...args: infer A) => infer R ? (...args: A) => R : never;

function bind<T extends Record<string, (db: Database, ...args: never[]) => unknown>>(db: Database, functions: T): { [K in keyof T]: Bound<T[K]> } {
  return Object.fromEntries(Object.entries(functions).map(([name, fn]) => [name, (...args: never[]) => fn(db, ...args)])) as { [K in keyof T]: Bound<T[K]> };
}

/** How long a workspace's network is trusted before it is read again (a link or an uninstall shows within this). */
const NETWORK_FRESH_MS = 10_000;

/**
 * The domain, bound once in the composition root to its database, its settings and who is in which Slack
 * channel: handlers and workers call `core.offers.accept(offerId, telegramId)` and know nothing of
 * connections, transactions or settings. Every action is one entry point here; what it may do and to whom is
 * decided inside. A Slack member acts through `core.member(actor)`: in the network their workspace serves,
 * on that network's things only, and a coordinator's action is refused to anyone else.
 *
 * @example
 * const core = createCore(database, settings, channels);
 * const result = await core.offers.accept(offerId, ctx.from.id); // { kind: "won", reference: "K7M-4Q2" }
 * const member = await core.member({ slackUserId: body.user.id, teamId: body.team.id });
 * await member?.coordination.offerToAll(requestId); // or { kind: "not-coordinator" }
 */
export function createCore(db: Database, settings: CoreSettings, authority: Authority) {
  const teams = new Map<string, { network: networks.Network | undefined; at: number }>();
  const networkOfTeam = async (teamId: string): Promise<networks.Network | undefined> => {
    const known = teams.get(teamId);
    if (known && Date.now() - known.at < NETWORK_FRESH_MS) return known.network;
    const network = await networks.networkOfTeam(db, teamId);
    teams.set(teamId, { network, at: Date.now() });
    return network;
  };

  /** What one town's newcomers see of the catalogue: the town's own, and its county's. */
  const town = async (networkId: string) => {
    const network = await networks.networkById(db, networkId);
    const ids = network ? [network.id, ...(network.parentId ? [network.parentId] : [])] : [];
    return {
      network,
      contactPointsIn: (category: catalog.ContactCategory) => catalog.contactPointsIn(db, ids, category),
      searchContactPoints: (query: string, words: Parameters<typeof catalog.searchContactPoints>[3]) => catalog.searchContactPoints(db, ids, query, words),
      contactPointById: (id: string) => catalog.contactPointById(db, ids, id),
      matchingOffers: (interests: catalog.Interest[], times: catalog.FreeTime[]) => catalog.matchingOffers(db, ids, interests, times),
      leisureOfferById: (id: string) => catalog.leisureOfferById(db, ids, id),
      recordUnmetInterests: (interests: catalog.Interest[], offers: catalog.LeisureOfferView[]) => catalog.recordUnmetInterests(db, networkId, interests, offers),
    };
  };

  /** A network's things as the system reads them: to render the Slack messages core asked for in it. */
  const inNetwork = (networkId: string) => ({
    volunteer: (id: string) => volunteers.volunteerIn(db, networkId, id),
    request: (id: string) => requestOverview(db, networkId, id),
    mentoring: (id: string) => mentoringOverview(db, networkId, id),
    report: (id: string) => reportView(db, networkId, id),
    meeting: (id: string, slackUserId?: string) => meetings.meetingView(db, networkId, id, slackUserId),
    poll: (id: string) => polls.pollView(db, networkId, id),
    openRequestsOfNewcomer: (newcomerId: string) => openRequestsOfNewcomer(db, networkId, newcomerId),
    /**
     * The digest posted in the network's channel: its (and for a county its towns') figures; meetings announced
     * there or in an AG's channel, none held in a coordinators' channel (the network's, or a county's towns').
     */
    digest: async (now = new Date()) => {
      const network = await networks.networkById(db, networkId);
      const ids = await networks.networkAndTowns(db, networkId);
      const closed = new Set(await networks.coordinatorChannels(db, ids));
      return { network, digest: await weeklyDigest(db, ids, now, async (channel) => !closed.has(channel)) };
    },
  });

  /**
   * A Slack member in their network: everything they may do there. Undefined when their workspace serves no
   * network (not linked yet, or uninstalled).
   */
  const member = async (actor: Actor) => {
    const network = await networkOfTeam(actor.teamId);
    if (!network) return undefined;
    const n = network.id;
    const by = actor.slackUserId;
    const canSee = (channel: string) => authority.isMember(actor.teamId, channel, actor.slackUserId);
    const isCoordinator = async () => network.coordinatorChannel !== null && (await canSee(network.coordinatorChannel));
    /** A coordinator's action: one check, for all of them, before anything happens. */
    const coordinator =
      <A extends unknown[], R>(action: (...args: A) => Promise<R>) =>
      async (...args: A): Promise<R | NotCoordinator> =>
        (await isCoordinator()) ? action(...args) : { kind: "not-coordinator" };
    const home = { slackUserId: by, canSee };
    /**
     * Whether the member may see a poll or meeting of their network: one in the coordinators' channel is the
     * coordinators' only (a forged button or an id learnt elsewhere gets "not found"); others are the network's.
     */
    const mayReach = async (table: "Poll" | "Meeting", id: string) => {
      const [row] = await db.sql<{ channel: string }>(`SELECT channel FROM "${table}" WHERE id = $1 AND "networkId" = $2`, [id, n]);
      if (!row) return false;
      return row.channel !== network.coordinatorChannel || (await isCoordinator());
    };
    return {
      actor,
      network,
      /** Whether the member may act as a coordinator (to show them a coordinator's buttons; the actions check again). */
      isCoordinator,
      volunteers: {
        decide: coordinator((volunteerId: string, decision: "APPROVED" | "REJECTED") => decideVolunteer(db, n, volunteerId, decision, by)),
        decideChange: coordinator((volunteerId: string, agree: boolean) => decideChange(db, n, volunteerId, agree, by)),
        suspend: coordinator((volunteerId: string) => suspendVolunteer(db, n, volunteerId, by)),
        reactivate: coordinator((volunteerId: string) => reactivateVolunteer(db, n, volunteerId, by)),
        view: coordinator((volunteerId: string) => volunteers.volunteerIn(db, n, volunteerId)),
        vetted: coordinator((limit: number) => volunteers.vettedVolunteers(db, n, limit)),
      },
      mentoring: {
        confirm: coordinator((requestId: string) => confirmMentoring(db, n, requestId)),
        reject: coordinator((requestId: string) => rejectMentoring(db, n, requestId)),
      },
      coordination: {
        offerToAll: coordinator((requestId: string) => offerToAll(db, n, requestId, settings)),
        closeUnmatched: coordinator((requestId: string, note: string) => closeUnmatched(db, n, requestId, note)),
        overview: coordinator((requestId: string) => requestOverview(db, n, requestId)),
      },
      catalog: {
        contactPoints: coordinator(() => catalog.allContactPoints(db, [n])),
        leisureOffers: coordinator(() => catalog.allLeisureOffers(db, [n])),
        contactPoint: coordinator((id: string) => catalog.contactPointById(db, [n], id)),
        leisureOffer: coordinator((id: string) => catalog.leisureOfferById(db, [n], id)),
        saveContactPoint: coordinator((input: catalog.ContactPointInput, id?: string) => catalog.saveContactPoint(db, n, input, id)),
        saveLeisureOffer: coordinator((input: catalog.LeisureOfferInput, id?: string) => catalog.saveLeisureOffer(db, n, input, id)),
      },
      reports: {
        view: coordinator((id: string) => reportView(db, n, id)),
        answer: coordinator((id: string, answer: string) => answerReport(db, n, id, answer, by)),
      },
      meetings: {
        schedule: coordinator((input: meetings.MeetingInput) => meetings.scheduleMeeting(db, n, input, by, settings)),
        reschedule: coordinator((id: string, change: Parameters<typeof meetings.rescheduleMeeting>[3]) => meetings.rescheduleMeeting(db, n, id, change, settings)),
        cancel: coordinator((id: string) => meetings.cancelMeeting(db, n, id)),
        view: async (id: string) => ((await mayReach("Meeting", id)) ? meetings.meetingView(db, n, id, by) : undefined),
        rsvp: async (meetingId: string, answer: meetings.Rsvp) => ((await mayReach("Meeting", meetingId)) ? meetings.rsvp(db, n, meetingId, by, answer) : { kind: "not-found" as const }),
        events: (limit: number) => meetings.upcomingEvents(db, n, limit),
      },
      polls: {
        create: (input: polls.PollInput, channel: string) => polls.createPoll(db, n, input, channel, by),
        vote: async (pollId: string, optionId: string) => ((await mayReach("Poll", pollId)) ? polls.vote(db, n, pollId, optionId, by, settings.ballotSecret) : { kind: "not-found" as const }),
        close: (pollId: string) => polls.closePoll(db, pollId, { slackUserId: by, networkId: n }),
        view: async (pollId: string) => ((await mayReach("Poll", pollId)) ? polls.pollView(db, n, pollId, { slackUserId: by, ballotSecret: settings.ballotSecret }) : undefined),
      },
      groups: {
        list: () => groups.listWorkingGroups(db, n),
        mine: () => groups.groupsOf(db, n, by),
        join: (groupId: string) => groups.joinGroup(db, n, groupId, by),
        leave: (groupId: string) => groups.leaveGroup(db, n, groupId, by),
        create: coordinator((group: Parameters<typeof groups.createWorkingGroup>[2]) => groups.createWorkingGroup(db, n, group)),
      },
      /** `/digest`: the network's figures (a county's add up its towns'), and the meetings of the member's channels. */
      digest: async (now = new Date()) => weeklyDigest(db, await networks.networkAndTowns(db, n), now, canSee),
      /** App Home: the network's meetings and polls of the member's channels. */
      home: {
        meetings: (limit: number) => meetingsFor(db, n, home, limit),
        polls: (limit: number) => pollsFor(db, n, home, limit, settings.ballotSecret),
      },
    };
  };

  return {
    settings,
    /** Telegram updates as they arrive: duplicates, flood counts, sender and dialogue in one statement. */
    arrivals: {
      arriveAll: (updates: Parameters<typeof arriveAll>[1], floodWindowMs: number) => arriveAll(db, updates, floodWindowMs),
      sessions: <T>(cache?: SessionCache) => sessionStore<T>(db, cache),
      /** Replies of updates handled side by side, written in one statement. */
      tellMany: (messages: Parameters<typeof tellMany>[1]) => tellMany(db, messages),
    },
    users: bind(db, { find: findUser, chooseLocale, giveConsent, declineConsent, placeIn: networks.placeIn }),
    /** The towns and counties served; a Slack workspace's link to its network. */
    networks: {
      ...bind(db, { byId: networks.networkById, bySlug: networks.networkBySlug, towns: networks.towns, newSetupCode: networks.newSetupCode }),
      /** Towns whose names fit what someone typed, in any script. */
      find: async (query: string) => networks.findTowns(query, await networks.towns(db)),
      ofTeam: networkOfTeam,
      ensureFirst: (first: networks.FirstNetwork) => networks.ensureFirstNetwork(db, first),
      linkConfigured: async (networkId: string, slack: Parameters<typeof networks.linkConfiguredWorkspace>[2]) => {
        teams.clear();
        await networks.linkConfiguredWorkspace(db, networkId, slack);
      },
      import: (data: unknown) => networks.importNetworks(db, data),
      link: async (teamId: string, code: string, channels: Parameters<typeof networks.linkWorkspace>[3]) => {
        teams.delete(teamId);
        return networks.linkWorkspace(db, teamId, code, channels);
      },
      unlink: async (teamId: string) => {
        teams.delete(teamId);
        await networks.unlinkWorkspace(db, teamId);
      },
    },
    /** What a town's newcomers see of the catalogue (the town's and its county's). */
    town,
    member,
    inNetwork,
    requests: {
      create: (telegramId: number, draft: Parameters<typeof createRequest>[2], idempotencyKey: string) => createRequest(db, telegramId, draft, idempotencyKey, settings),
      cancel: (requestId: string, telegramId: number) => cancelRequest(db, requestId, telegramId),
      complete: (requestId: string, telegramId: number, hours: number) => completeRequest(db, requestId, telegramId, hours),
      ...bind(db, { listOf: requestsOf, jobsOf, sentWith: requestSentWith }),
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
      ...bind(db, { of: volunteers.volunteerOf, setPaused: volunteers.setPaused }),
      register: (telegramId: number, registration: Parameters<typeof volunteers.registerVolunteer>[2]) => volunteers.registerVolunteer(db, telegramId, registration),
    },
    reports: {
      report: (telegramId: number, input: Parameters<typeof reportDiscrimination>[2]) => reportDiscrimination(db, telegramId, input),
    },
    catalog: {
      /** `npm run catalog:import`: a network's contact points and leisure offers, all or nothing. */
      import: (networkId: string, document: unknown) => catalog.importCatalog(db, networkId, document),
    },
    privacy: {
      myData: (telegramId: number) => myData(db, telegramId),
      /** `/deletemydata`: open requests end properly, then everything about the person goes. */
      erase: (telegramId: number) => eraseMyData(db, telegramId),
    },
    meetings: {
      /** A day and a time from Slack's pickers as a meeting's start: only in the future. */
      start: (day: string | undefined, time: string | undefined, now?: Date) => meetings.meetingStart(day, time, settings.timeZone, now),
      calendar: (id: string) => meetingCalendar(db, id),
    },
    polls: {
      /** `/poll "Question?" "A" "B" --flags`, checked as the modal's answers are. */
      parseCommand: (text: string, now?: Date) => polls.parsePollCommand(text, settings.timeZone, now),
      check: (draft: polls.PollDraft, now?: Date) => polls.checkPoll(draft, settings.timeZone, now),
    },
    slackMembers: bind(db, { arrive: arriveFromSlack, rememberLocale }),
    digest: {
      /** Monday's digest in every network's channel. */
      post: (now = new Date()) => postWeeklyDigests(db, now),
    },
    /** Work the queues wake core up for, and how to find wake-ups a lost queue forgot. */
    wakeUps: {
      request: (id: string) => tick(db, id, settings),
      meeting: (id: string) => meetings.meetingTick(db, id, settings),
      poll: (id: string) => polls.closePoll(db, id),
      slackRefresh: (place: SlackPlace, message: Extract<SlackIntent, { kind: "update" }>) => tellSlack(db, place, message),
      overdue: async (graceMs: number): Promise<WakeUp[]> => [
        ...(await overdueTicks(db, graceMs)).map((r) => ({ wake: "request" as const, id: r.id, at: r.nextTickAt.toISOString(), network: r.networkId })),
        ...(await meetings.overdueMeetingTicks(db, graceMs)).map((m) => ({ wake: "meeting" as const, id: m.id, at: m.nextTickAt.toISOString(), network: m.networkId })),
        ...(await polls.overduePolls(db, graceMs)).map((p) => ({ wake: "poll" as const, id: p.id, at: new Date().toISOString(), network: p.networkId })),
      ],
    },
    /** The sending side of the outbox, for the queues' workers. */
    outbox: bind(db, {
      ...{ claimNext: sending.claimNext, markSent: sending.markSent, markFailed: sending.markFailed, release: sending.release },
      ...{ forgetSent: sending.forgetSent, sentRefOf: sending.sentRefOf, stalled: sending.stalled },
      ...{ pendingWakeUps: sending.pendingWakeUps, markWakeUpsQueued: sending.markWakeUpsQueued },
    }),
    retention: { apply: () => applyRetention(db, settings) },
  };
}

export type Core = ReturnType<typeof createCore>;
/** A Slack member in their network (see {@link Core.member}). */
export type Member = NonNullable<Awaited<ReturnType<Core["member"]>>>;
