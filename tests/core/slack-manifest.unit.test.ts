import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { SLACK_BOT_SCOPES } from "../../bot/slack.js";
import { SLACK_REDIRECT_PATH } from "../../bot/slack-install-pages.js";

type Manifest = { oauth_config: { redirect_urls: string[]; scopes: { bot: string[] } }; settings: { event_subscriptions: { bot_events: string[] } } };
const manifest = parse(readFileSync("slack-app-manifest.yml", "utf8")) as Manifest;

describe("the Slack app manifest and the installer agree", () => {
  it("a workspace that installs the app grants the scopes the manifest declares", () => {
    expect([...SLACK_BOT_SCOPES].sort()).toEqual([...manifest.oauth_config.scopes.bot].sort());
  });

  it("Slack may send installers back to the redirect, and tells the app when a workspace removes it", () => {
    expect(manifest.oauth_config.redirect_urls.map((url) => new URL(url).pathname)).toEqual([SLACK_REDIRECT_PATH]);
    expect(manifest.settings.event_subscriptions.bot_events).toEqual(expect.arrayContaining(["app_uninstalled", "tokens_revoked"]));
  });
});
