import type { AllMiddlewareArgs, App, BlockButtonAction, SlackActionMiddlewareArgs } from "@slack/bolt";
import type { I18n, Locale, Params } from "../../core/i18n.js";
import type { Core, Member } from "../../core/index.js";
import type { Logger } from "../../ops/log.js";
import type { Metrics } from "../../ops/metrics.js";

/** What the Slack handlers register with: Bolt's own methods, so that their listeners keep Bolt's types. */
export type SlackListeners = Pick<App, "action" | "view" | "command" | "event">;

/** What Slack handlers need. */
export type SlackDeps = {
  /** The domain, bound to its database and settings. */
  core: Core;
  i18n: I18n;
  log: Logger;
  metrics: Metrics;
  /** The network works in German; members whose Slack locale is English read English. */
  defaultLocale: Locale;
  /** The public base URL of this server (calendar files), known once it listens. */
  publicUrl: () => string;
};

/** Translator for one Slack member (German unless their Slack locale is English). */
export function slackT(deps: Pick<SlackDeps, "i18n">, locale: Locale = "de") {
  return (key: string, params?: Params) => deps.i18n.t(locale, key, params, { isolate: false });
}

export type T = ReturnType<typeof slackT>;

/**
 * The member who acts, in the network their workspace serves, as the Slack middleware found them: every
 * listener acts through it, so that nothing reaches another network. A workspace that serves no network yet
 * is answered by the middleware (`slack.notLinked`) before any listener but the set-up's runs.
 */
export function memberOf(context: Record<string, unknown>): Member {
  const member = context.member as Member | undefined;
  if (!member) throw new Error("a Slack listener ran without the member's network");
  return member;
}

/** A network's things as the renderers of its Slack messages read them. */
export type NetworkView = ReturnType<Core["inNetwork"]>;

/** The member's language, as the Slack middleware found it. */
export const localeOf = (context: Record<string, unknown>): Locale => (context.locale === "en" ? "en" : "de");

export type ActionArgs = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

/**
 * Button clicks are acknowledged before anything else (Slack waits three seconds at most, and hundreds of
 * members may click at once); then Slack's retries are dropped and the member's language is learnt (the
 * Slack middleware leaves that for this moment), then the listener runs.
 */
export function acknowledged(listener: (args: ActionArgs) => Promise<void>) {
  return async ({ body, ack, next: _next, ...rest }: ActionArgs) => {
    await ack();
    // While a click waits for its turn only what the listeners read is kept – not the request, nor the message
    // the button was on (a poll with its tally is tens of kilobytes): two thousand clicks at once stay small.
    const args = { ...rest, body: keptOf(body), ack: async () => undefined, next: async () => undefined } as unknown as ActionArgs;
    // A burst of clicks is worked off a few at a time, so that new clicks are still acknowledged at once.
    const afterAck = (args.context.afterAck as ((work: () => Promise<void>) => Promise<void>) | undefined) ?? ((work) => work());
    await afterAck(async () => {
      const prepare = args.context.prepare as (() => Promise<boolean>) | undefined;
      if (prepare && !(await prepare())) return;
      await listener(args);
    });
  };
}

/** The parts of a click's body that listeners read (who, where, which button, where to answer). */
function keptOf(body: ActionArgs["body"]): Partial<ActionArgs["body"]> {
  const { type, user, team, container, trigger_id, response_url, channel, actions, view, message } = body;
  return {
    type,
    user,
    team,
    container,
    trigger_id,
    response_url,
    channel,
    actions,
    ...(view ? { view: { ...view, blocks: [], state: { values: {} } } } : {}),
    ...(message ? { message: { type: message.type, ts: message.ts, ...(message.thread_ts ? { thread_ts: message.thread_ts } : {}) } } : {}),
  } as Partial<ActionArgs["body"]>;
}
