import type { Db } from "../../core/db.js";
import type { DispatchSettings } from "../../core/dispatch.js";
import type { I18n, Locale, Params } from "../../core/i18n.js";
import type { Logger } from "../../core/log.js";
import type { Metrics } from "../../core/metrics.js";

/** What Slack handlers need. */
export type SlackDeps = {
  db: Db;
  i18n: I18n;
  log: Logger;
  metrics: Metrics;
  /** The network works in German; members whose Slack locale is English read English. */
  defaultLocale: Locale;
  dispatch: DispatchSettings;
};

/** Translator for one Slack member. */
export function slackT(deps: SlackDeps, locale: Locale = "de") {
  return (key: string, params?: Params) => deps.i18n.t(locale, key, params, { isolate: false });
}
