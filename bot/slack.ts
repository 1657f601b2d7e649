import { App, ExpressReceiver, LogLevel, SocketModeReceiver, type Logger as BoltLogger, type Receiver } from "@slack/bolt";
import type { Express, NextFunction, Request, Response } from "express";
import type { Logger } from "../core/log.js";
import { collectTold } from "../core/outbox.js";
import { register as registerWorkingGroups } from "../handlers/slack/ag.js";
import { register as registerAlerts } from "../handlers/slack/alerts.js";
import type { SlackDeps } from "../handlers/slack/context.js";
import { register as registerVolunteers } from "../handlers/slack/volunteers.js";
import type { OutboxRelay } from "../jobs/outbox.js";
import type { SlackMode } from "./config.js";

export const SLACK_EVENTS_PATH = "/slack/events";

/** Slack's limit for how far a request's timestamp may be from now, in both directions. */
const MAX_CLOCK_SKEW_SECONDS = 300;

export type SlackSettings = { token: string; apiUrl: string; mode: SlackMode };

/**
 * Builds the Bolt app. In HTTP mode its receiver serves `/slack/events` on the product's one HTTP
 * server and verifies every signature; in Socket Mode it connects out to Slack instead.
 */
export function createSlackApp(settings: SlackSettings, deps: SlackDeps, relay: OutboxRelay, http: Express): { app: App; socketMode: boolean } {
  const logger = boltLogger(deps.log.child({ part: "slack" }));
  let receiver: Receiver;
  if (settings.mode.kind === "http") {
    // Bolt rejects stale timestamps but not ones from the future; a replayed request must fail either way.
    http.use(SLACK_EVENTS_PATH, rejectFutureTimestamps);
    receiver = new ExpressReceiver({
      signingSecret: settings.mode.signingSecret,
      app: http,
      endpoints: SLACK_EVENTS_PATH,
      logger,
    });
  } else {
    receiver = new SocketModeReceiver({
      appToken: settings.mode.appToken,
      logger,
    });
  }
  const app = new App({
    token: settings.token,
    receiver,
    logger,
    clientOptions: { slackApiUrl: settings.apiUrl },
  });
  // What a listener decided to tell (Telegram messages, Slack posts, jobs) is queued once it has finished.
  app.use(async ({ next }) => {
    const { told } = await collectTold(async () => next());
    await relay.dispatch(told);
  });
  registerWorkingGroups(app, deps);
  registerVolunteers(app, deps);
  registerAlerts(app, deps);
  app.error(async (error) => {
    deps.log.error({ err: error.original ?? error, code: error.code }, "slack handler failed");
  });
  return { app, socketMode: settings.mode.kind === "socket" };
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
    debug: (...args) => log.debug(line(args)),
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
