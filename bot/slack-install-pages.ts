import type { ServerResponse } from "node:http";
import { RTL_LOCALES, type I18n, type Locale } from "../core/i18n.js";

/** Where the install flow starts ("Add to Slack"), and where Slack sends the installer back. */
export const SLACK_INSTALL_PATH = "/slack/install";
export const SLACK_REDIRECT_PATH = "/slack/oauth_redirect";

/** The pages someone installing the Slack app in their network's workspace sees, in the product's default language. */
export type InstallPages = {
  /** The install page: what is installed, and the "Add to Slack" link (`id="add-to-slack"`) to Slack's consent screen. */
  start: (authorizeUrl: string) => string;
  installed: (res: ServerResponse, teamName: string) => void;
  /** They clicked "Cancel" in Slack (`error=access_denied`). */
  denied: (res: ServerResponse) => void;
  /** The state was forged, too old or used already (a replayed or reloaded redirect). */
  expired: (res: ServerResponse) => void;
  /** Slack refused the code, or the installation could not be stored. */
  failed: (res: ServerResponse) => void;
};

export function installPages(i18n: I18n, locale: Locale): InstallPages {
  // Inserted names are isolated where the page reads right to left, as in the bots' texts.
  const t = (key: string, params?: Record<string, string>) => escapeHtml(i18n.t(locale, `slack.install.${key}`, params, { isolate: RTL_LOCALES.has(locale) }));
  const page = (body: string) =>
    `<!doctype html><html lang="${locale}" dir="${RTL_LOCALES.has(locale) ? "rtl" : "ltr"}"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1"><title>${t("title")}</title>` +
    `<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;line-height:1.5}` +
    `a.button{display:inline-block;padding:.6rem 1.2rem;border-radius:.4rem;background:#4a154b;color:#fff;text-decoration:none;font-weight:600}</style>` +
    `</head><body><h1>${t("title")}</h1>${body}</body></html>`;
  const again = `<p><a href="${SLACK_INSTALL_PATH}">${t("again")}</a></p>`;
  const send = (res: ServerResponse, status: number, html: string) => {
    res.writeHead(status, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" }).end(html);
  };
  return {
    start: (authorizeUrl) => page(`<p>${t("intro")}</p><p><a class="button" id="add-to-slack" href="${escapeHtml(authorizeUrl)}">${t("button")}</a></p>`),
    installed: (res, teamName) => send(res, 200, page(`<p>${t("done", { team: teamName })}</p>`)),
    denied: (res) => send(res, 200, page(`<p>${t("denied")}</p>${again}`)),
    expired: (res) => send(res, 400, page(`<p>${t("expired")}</p>${again}`)),
    failed: (res) => send(res, 500, page(`<p>${t("failed")}</p>${again}`)),
  };
}

function escapeHtml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;").replaceAll("'", "&#39;");
}
