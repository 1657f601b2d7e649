import type { IncomingMessage, ServerResponse } from "node:http";
import { App, ExpressReceiver, LogLevel, SocketModeReceiver, type Logger as BoltLogger, type Receiver, type StateStore, type webApi } from "@slack/bolt";
import type { CodedError } from "@slack/oauth";
import type { Express, NextFunction, Request, Response } from "express";
import pLimit from "p-limit";
import type { Logger } from "../ops/log.js";
import { localeFromSlack } from "../core/slack-members.js";
import { register as registerWorkingGroups } from "../handlers/slack/ag.js";
import { register as registerAlerts } from "../handlers/slack/alerts.js";
import type { SlackDeps } from "../handlers/slack/context.js";
import { register as registerCatalog } from "../handlers/slack/catalog.js";
import { register as registerDigest } from "../handlers/slack/digest.js";
import { register as registerNewcomers } from "../handlers/slack/newcomers.js";
import { register as registerHome } from "../handlers/slack/home.js";
import { register as registerMeetings } from "../handlers/slack/meetings.js";
import { register as registerPolls } from "../handlers/slack/polls.js";
import { register as registerSetup } from "../handlers/slack/setup.js";
import { register as registerVolunteers } from "../handlers/slack/volunteers.js";
import { ACTIONS, isKnownAction } from "../handlers/slack/action-ids.js";
import type { SlackMode } from "./config.js";
import type { ChannelDirectory } from "./coordinators.js";
import { backoffMs, isOutage } from "../ops/outage.js";
import { requestsInFlight } from "./requests-in-flight.js";
import { routeSlackListeners } from "./slack-router.js";
import { SLACK_INSTALL_PATH, SLACK_REDIRECT_PATH, type InstallPages } from "./slack-install-pages.js";
import type { SlackInstallations } from "./slack-installations.js";

export const SLACK_EVENTS_PATH = "/slack/events";

/** Slack's limit for how far a request's timestamp may be from now, in both directions. */
const MAX_CLOCK_SKEW_SECONDS = 300;
/** Clicks worked on at once per process after their acknowledgement; language lookups at once. */
const CLICKS_AT_ONCE = 8;
const LOOKUPS_AT_ONCE = 2;

/** The bot scopes the app asks for when a workspace installs it; the same as in slack-app-manifest.yml. */
export const SLACK_BOT_SCOPES = ["commands", "chat:write", "chat:write.public", "users:read", "channels:read", "groups:read"];

/**
 * How the app gets the bot token for a request: the one configured token, or – distributed – the token of the
 * installation of the workspace the request comes from (Bolt's installer with its `authorize`).
 */
export type SlackAccess =
  | { kind: "single"; token: string }
  | {
      kind: "distributed";
      clientId: string;
      clientSecret: string;
      installations: SlackInstallations;
      states: StateStore;
      /** `PUBLIC_URL` + /slack/oauth_redirect, as registered with the app. */
      redirectUri: string;
      pages: InstallPages;
    };

export type SlackSettings = { access: SlackAccess; apiUrl: string; mode: SlackMode };

type Body = {
  type?: string;
  command?: string;
  team_id?: string;
  team?: { id?: string } | null;
  view?: { callback_id?: string };
  actions?: { action_id?: string; url?: string }[];
  response_url?: string;
  event_id?: string;
  trigger_id?: string;
  user_id?: string;
  user?: { id?: string; team_id?: string } | string;
  event?: { user?: string };
};

/**
 * Builds the Bolt app. In HTTP mode its receiver serves `/slack/events` on the product's one HTTP
 * server and verifies every signature; in Socket Mode it connects out to Slack (or its emulator).
 * Every listener runs after a middleware that recognises and drops Slack's retries and knows the
 * member's language.
 */
export function createSlackApp(
  settings: SlackSettings,
  deps: SlackDeps,
  channels: ChannelDirectory,
  http: Express,
): { app: App; socketMode: boolean; drain: () => Promise<void> } {
  const logger = boltLogger(deps.log.child({ part: "slack" }));
  let receiver: Receiver;
  const { access } = settings;
  const arriving = requestsInFlight();
  if (settings.mode.kind === "http") {
    http.use(SLACK_EVENTS_PATH, arriving.count);
    // Bolt rejects stale timestamps but not ones from the future; a replayed request must fail either way.
    http.use(SLACK_EVENTS_PATH, rejectFutureTimestamps);
    receiver = new ExpressReceiver({
      signingSecret: settings.mode.signingSecret,
      app: http,
      endpoints: SLACK_EVENTS_PATH,
      logger,
      ...(access.kind === "distributed" ? installer(access, settings.apiUrl, deps) : {}),
    });
  } else {
    receiver = new SocketModeReceiver({
      appToken: settings.mode.appToken,
      logger,
      installerOptions: { clientOptions: { slackApiUrl: settings.apiUrl } },
    });
  }
  // Distributed, Bolt's `authorize` comes from the installer: the request's workspace's installation.
  const app = new App({ ...(access.kind === "single" ? { token: access.token } : {}), receiver, logger, clientOptions: { slackApiUrl: settings.apiUrl } });
  const slackDeps = deps;
  const clicks = pLimit(CLICKS_AT_ONCE);
  const lookups = pLimit(LOOKUPS_AT_ONCE);
  const pendingLookups = new Set<string>();
  const inOrder = sequencer();
  // Clicks' work after their acknowledgement runs apart from Bolt's request, which ends with the ack and
  // frees it; what is still running is waited for when the product stops.
  const working = new Set<Promise<void>>();
  const afterwards = (key: string | undefined, user: string, work: () => Promise<void>) => {
    // While a burst is still arriving, acknowledging it comes first: Slack waits three seconds for each.
    const running: Promise<void> = inOrder(user, () =>
      clicks(async () => {
        await arriving.settled();
        return holdThroughOutage(work, key, deps);
      }),
    )
      .catch((error: unknown) => deps.log.error({ err: error }, "slack handler failed"))
      .finally(() => working.delete(running));
    working.add(running);
    return Promise.resolve();
  };

  app.use(async ({ body, context, client, next, ...args }) => {
    const b = body as Body;
    const user = b.user_id ?? (typeof b.user === "string" ? b.user : b.user?.id) ?? b.event?.user;
    // Slack retries what it thinks was not acknowledged: events by event id, the rest by trigger id.
    const key = b.event_id ?? b.trigger_id;
    // The workspace, as Slack signed it: the member acts in the network it serves, and nowhere else.
    const teamId = b.team_id ?? b.team?.id ?? (typeof b.user === "object" ? b.user.team_id : undefined);
    // A request held through an outage prepares again on each attempt: only its first attempt met the record.
    // It keeps only small parts of the request: a click's may wait a while behind others.
    let recorded = false;
    const answerWith = { ack: b.command ? (args as { ack?: unknown }).ack : undefined, respond: (args as { respond?: unknown }).respond };
    const asked = { command: b.command, response_url: b.response_url };
    const withoutNetwork = worksWithoutNetwork(b);
    const prepare = async () => {
      const arrival = await deps.core.slackMembers.arrive(key, user);
      if (!arrival.first && !recorded) {
        deps.metrics.slackRequests.inc({ kind: "duplicate" });
        return false;
      }
      recorded = true;
      if (user) {
        context.locale = arrival.locale ?? "de";
        if (!arrival.locale && !pendingLookups.has(user)) {
          pendingLookups.add(user);
          void lookups(() => lookUpLocale(deps, client, user)).finally(() => pendingLookups.delete(user));
        }
      }
      context.member = user && teamId ? await deps.core.member({ slackUserId: user, teamId }) : undefined;
      if (context.member || withoutNetwork) return true;
      // A workspace that serves no network yet (or no more): said once, and nothing else happens.
      deps.metrics.slackRequests.inc({ kind: "not_linked" });
      await answer(answerWith, asked, deps.i18n.t(arrival.locale ?? "de", "slack.notLinked", {}, { isolate: false }));
      context.answered = Boolean(asked.command);
      return false;
    };
    if (b.type === "block_actions" && !b.actions?.some((a) => isKnownAction(a.action_id ?? ""))) {
      // A button of an older version or a removed feature: acknowledged all the same (Slack would show an
      // error), and, unless it only opened a link, the member learns that it is out of date.
      const { ack, respond } = args as { ack?: () => Promise<void>; respond?: (message: { response_type: "ephemeral"; replace_original: false; text: string }) => Promise<unknown> };
      await ack?.();
      deps.metrics.slackRequests.inc({ kind: "outdated_button" });
      if (b.response_url && respond && !b.actions?.some((a) => a.url)) {
        const arrival = await deps.core.slackMembers.arrive(key, user);
        if (arrival.first) await respond({ response_type: "ephemeral", replace_original: false, text: deps.i18n.t(arrival.locale ?? "de", "slack.outdatedButton", {}, { isolate: false }) });
      }
      return;
    }
    if (b.type === "block_actions") {
      // Clicks acknowledge first (see `acknowledged`) and prepare after.
      context.prepare = prepare;
      // One member's clicks are worked on in the order they came (a quick "yes" then "no" counts as such).
      // Acknowledged already, a click met by an outage is kept and tried again until the database answers.
      context.afterAck = (work: () => Promise<void>) => afterwards(key, user ?? "", work);
    } else if (b.event && !(await holdThroughOutage(prepare, key, deps))) {
      // Bolt acknowledged the event before any middleware ran: it is kept through an outage like a click.
      return;
    } else if (!b.event && !(await prepare())) {
      // Not acknowledged yet unless a slash command was answered in its acknowledgement.
      if (!context.answered) await (args as { ack?: () => Promise<void> }).ack?.();
      return;
    }
    await next();
  });

  // Every request through one listener per kind, which finds the handler by its id (see slack-router.ts).
  const listeners = routeSlackListeners(app, deps.log);
  // Someone joined or left a channel (the coordinators' one, an AG's): its member list is asked again.
  listeners.event("member_joined_channel", async ({ event, context }) => channels.forget(context.teamId ?? null, event.channel));
  listeners.event("member_left_channel", async ({ event, context }) => channels.forget(context.teamId ?? null, event.channel));
  if (access.kind === "distributed") {
    // The workspace removed the app, or its bot token was revoked: the installation and its token go, and no
    // request or message of that workspace is handled with it again (Bolt lets these two events through
    // without an installation). https://docs.slack.dev/reference/events/app_uninstalled, …/tokens_revoked
    const leave = async (teamId: string | undefined, why: string) => {
      if (!teamId) return;
      await access.installations.remove(teamId);
      // Its network keeps its link and its data: added again, the workspace serves it as before.
      deps.log.info({ teamId, why }, "slack workspace left: installation deleted");
    };
    listeners.event("app_uninstalled", async ({ context }) => leave(context.teamId, "app_uninstalled"));
    listeners.event("tokens_revoked", async ({ event, context }) => {
      // The event lists the users whose tokens went; only the bot's token matters here (no user tokens are kept).
      if ((event.tokens.bot ?? []).length > 0) await leave(context.teamId, "tokens_revoked");
    });
  }

  registerWorkingGroups(listeners, slackDeps);
  registerVolunteers(listeners, slackDeps);
  registerAlerts(listeners, slackDeps);
  registerMeetings(listeners, slackDeps);
  registerPolls(listeners, slackDeps);
  registerHome(listeners, slackDeps);
  registerDigest(listeners, slackDeps);
  registerNewcomers(listeners, slackDeps);
  registerCatalog(listeners, slackDeps);
  registerSetup(listeners, slackDeps);
  app.error(async (error) => {
    deps.log.error({ err: error.original ?? error, code: error.code }, "slack handler failed");
  });
  const drain = async () => {
    while (working.size > 0) await Promise.allSettled([...working]);
  };
  return { app, socketMode: settings.mode.kind === "socket", drain };
}

/**
 * Bolt's installer on the product's HTTP server: `/slack/install` shows the "Add to Slack" page (and sets the
 * state cookie), `/slack/oauth_redirect` checks the state (signed, young, this browser's, not used before),
 * exchanges the code (`oauth.v2.access`) and stores the installation – or shows why not.
 */
function installer(access: Extract<SlackAccess, { kind: "distributed" }>, apiUrl: string, deps: SlackDeps) {
  const { pages } = access;
  return {
    clientId: access.clientId,
    clientSecret: access.clientSecret,
    installationStore: access.installations,
    scopes: SLACK_BOT_SCOPES,
    redirectUri: access.redirectUri,
    installerOptions: {
      stateStore: access.states,
      installPath: SLACK_INSTALL_PATH,
      redirectUriPath: SLACK_REDIRECT_PATH,
      // slack.com/api/ → slack.com/oauth/v2/authorize (and the emulator's likewise)
      authorizationUrl: new URL("../oauth/v2/authorize", apiUrl).toString(),
      clientOptions: { slackApiUrl: apiUrl },
      renderHtmlForInstallPath: pages.start,
      callbackOptions: {
        success: (installation: { team?: { id: string; name?: string } }, _options: unknown, _req: unknown, res: ServerResponse) => {
          deps.log.info({ teamId: installation.team?.id }, "slack app installed in a workspace");
          pages.installed(res, installation.team?.name ?? installation.team?.id ?? "");
        },
        failure: (error: CodedError, _options: unknown, req: IncomingMessage, res: ServerResponse) => {
          const query = new URL(req.url ?? "/", "http://localhost").searchParams;
          if (query.get("error") === "access_denied") return pages.denied(res);
          deps.log.warn({ code: error.code, reason: error.message }, "slack installation refused");
          if (STATE_ERRORS.has(error.code)) return pages.expired(res);
          pages.failed(res);
        },
      },
    },
  };
}

/** The install link cannot be trusted (forged, too old, another browser's, used before) or came back incomplete. */
const STATE_ERRORS = new Set(["slack_oauth_invalid_state", "slack_oauth_missing_state", "slack_oauth_missing_code"]);

/**
 * German, unless the member's Slack is in English. Only a remembered language is used at once: an unknown
 * member is answered in German (acknowledgements must not wait for Slack's API) and looked up in the
 * background for next time; lookups are refreshed once a day.
 */
async function lookUpLocale(deps: Pick<SlackDeps, "core" | "log">, client: webApi.WebClient, user: string): Promise<void> {
  const locale = await client.users
    .info({ user, include_locale: true })
    .then((info) => localeFromSlack(info.user?.locale))
    .catch(() => "de" as const);
  await deps.core.slackMembers.rememberLocale(user, locale).catch((error: unknown) => deps.log.debug({ err: error }, "slack locale not remembered"));
}

/**
 * What a workspace without a network may still do: open its Home tab (where it is linked), link itself, and
 * report members joining or leaving channels.
 */
function worksWithoutNetwork(body: Body): boolean {
  if (body.type === "event_callback") return true;
  if (body.type === "block_actions") return body.actions?.every((a) => a.action_id === ACTIONS.linkWorkspace) ?? false;
  return body.type === "view_submission" && body.view?.callback_id === ACTIONS.linkWorkspaceModal;
}

/** Says something to the member where they acted: in a slash command's acknowledgement, or ephemerally by a click's response URL. */
async function answer(args: object, body: Pick<Body, "command" | "response_url">, text: string): Promise<void> {
  const { ack, respond } = args as {
    ack?: (response?: { response_type: "ephemeral"; text: string }) => Promise<void>;
    respond?: (message: { response_type: "ephemeral"; replace_original: false; text: string }) => Promise<unknown>;
  };
  if (body.command && ack) {
    await ack({ response_type: "ephemeral", text });
  } else if (body.response_url && respond) {
    await respond({ response_type: "ephemeral", replace_original: false, text });
  }
}

/** Runs the work of one key one after another, in the order asked; different keys side by side. */
function sequencer(): <T>(key: string, work: () => Promise<T>) => Promise<T> {
  const lanes = new Map<string, Promise<unknown>>();
  return (key, work) => {
    const previous = lanes.get(key) ?? Promise.resolve();
    const mine = previous.then(work, work);
    const settled = mine.catch(() => undefined);
    lanes.set(key, settled);
    void settled.then(() => {
      if (lanes.get(key) === settled) lanes.delete(key);
    });
    return mine;
  };
}

function rejectFutureTimestamps(req: Request, res: Response, next: NextFunction): void {
  const timestamp = Number(req.header("x-slack-request-timestamp"));
  if (Number.isFinite(timestamp) && timestamp - Date.now() / 1000 > MAX_CLOCK_SKEW_SECONDS) {
    res.status(401).send();
    return;
  }
  next();
}

function boltLogger(log: Logger): BoltLogger {
  let level = LogLevel.INFO;
  const line = (args: unknown[]) => args.map((a) => (a instanceof Error ? a.message : String(a))).join(" ");
  return {
    // The SDK's debug lines carry request bodies (message texts, user ids): never logged.
    debug: () => undefined,
    info: (...args) => log.info(line(args)),
    warn: (...args) => log.warn(line(args)),
    error: (...args) => log.error(line(args)),
    setLevel: (next) => {
      level = next;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}

/** A click or an event held through an outage: a quarter of an hour, then given up (and logged). */
const HOLD_MS = 15 * 60_000;

/**
 * Runs work that Slack has been told is done (acknowledged), again and again while the database is out of
 * reach, with growing pauses; anything else it throws at once. An attempt starts from the beginning.
 */
async function holdThroughOutage<T>(work: () => Promise<T>, key: string | undefined, deps: Pick<SlackDeps, "log" | "metrics">): Promise<T> {
  const since = performance.now();
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await work();
      if (attempt > 1) deps.log.info({ key, attempts: attempt }, "held slack request handled after the outage");
      return result;
    } catch (error) {
      if (!isOutage(error) || performance.now() - since > HOLD_MS) throw error;
      if (attempt === 1) {
        deps.metrics.slackRequests.inc({ kind: "held" });
        deps.log.warn({ key, err: error }, "database unreachable: acknowledged slack request held, trying again");
      }
      await new Promise((resolve) => setTimeout(resolve, backoffMs(attempt)));
    }
  }
}
