import type { Logger } from "../core/log.js";
import { SlackEmulator } from "../sim/slack-api.js";
import { TelegramEmulator } from "../sim/telegram-api.js";
import { createApp } from "./app.js";
import { DEMO, type Config } from "./config.js";
import { SLACK_EVENTS_PATH } from "./slack.js";

/**
 * Local demo mode: the Telegram Bot API and Slack Web API are emulated on 127.0.0.1, the database is
 * embedded unless DATABASE_URL is given, the queues run on it unless REDIS_URL is given.
 */
export async function startDemo(config: Config, log: Logger): Promise<{ stop: () => Promise<void> }> {
  log.info("starting in local demo mode: no tokens configured, Telegram and Slack are emulated");
  const telegram = await TelegramEmulator.start({ token: DEMO.telegramToken, limits: { perSecond: 30 } });
  const slack = await SlackEmulator.start({ token: DEMO.slackToken });
  const demoConfig: Config = {
    ...config,
    http: { ...config.http, host: config.http.host === "0.0.0.0" ? "127.0.0.1" : config.http.host },
    telegram: { ...config.telegram, apiRoot: telegram.url, mode: { kind: "polling" } },
    slack: { ...config.slack, apiUrl: slack.apiUrl, mode: { kind: "http", signingSecret: DEMO.slackSigningSecret } },
  };
  const app = await createApp(demoConfig, { migrate: true, seed: true, log, botInfo: telegram.botInfo });
  const url = await app.start();
  slack.connect(`${url}${SLACK_EVENTS_PATH}`, DEMO.slackSigningSecret);

  console.log(
    [
      "",
      "Brückenbot runs in local demo mode (nothing leaves this machine).",
      `  Emulated Telegram Bot API: ${telegram.url}`,
      `  Emulated Slack Web API:    ${slack.apiUrl}`,
      `  Queues:                    ${url}/admin/queues`,
      `  Health:                    ${url}/healthz · ${url}/readyz · ${url}/metrics`,
      "",
    ].join("\n"),
  );
  return {
    stop: async () => {
      await app.stop();
      await telegram.close();
      await slack.close();
    },
  };
}
