import type { Logger } from "../core/log.js";
import { SlackEmulator } from "../sim/slack-api.js";
import { simulatorRoutes, type SimulatorDeps } from "../sim/simulator.js";
import { TelegramEmulator } from "../sim/telegram-api.js";
import { createApp } from "./app.js";
import { DEMO, type Config } from "./config.js";
import { SLACK_EVENTS_PATH } from "./slack.js";

/** The people of the demo: a newcomer and volunteers in Telegram, the network in Slack. */
export const DEMO_PERSONAS: SimulatorDeps["personas"] = {
  telegram: [
    { id: 7001, name: "Amina", role: "newcomer", language: "ar" },
    { id: 7101, name: "Yusuf", role: "volunteer", language: "de" },
    { id: 7102, name: "Leyla", role: "volunteer", language: "tr" },
  ],
  slack: [
    { id: "U0SCHULTE", name: "Frau Schulte", role: "coordinator" },
    { id: "U0DEMIR", name: "Herr Demir", role: "member" },
  ],
  channels: [
    { id: "C0NETZWERK", name: "netzwerk-integration" },
    { id: DEMO.coordinatorChannel, name: "koordination" },
  ],
};

/**
 * Local demo mode: the Telegram Bot API and Slack Web API are emulated on 127.0.0.1, the database is
 * embedded unless DATABASE_URL is given, the queues run on it unless REDIS_URL is given, and the browser
 * simulator is served at the root of the HTTP server.
 */
export async function startDemo(config: Config, log: Logger): Promise<{ url: string; stop: () => Promise<void> }> {
  log.info("starting in local demo mode: no tokens configured, Telegram and Slack are emulated");
  const telegram = await TelegramEmulator.start({ token: DEMO.telegramToken, limits: { perSecond: 30 } });
  const slack = await SlackEmulator.start({ token: DEMO.slackToken });
  const demoConfig: Config = {
    ...config,
    http: { ...config.http, host: config.http.host === "0.0.0.0" ? "127.0.0.1" : config.http.host },
    telegram: { ...config.telegram, apiRoot: telegram.url, mode: { kind: "polling" } },
    slack: { ...config.slack, apiUrl: slack.apiUrl, mode: { kind: "http", signingSecret: DEMO.slackSigningSecret } },
  };
  const app = await createApp(demoConfig, {
    migrate: true,
    seed: true,
    log,
    botInfo: telegram.botInfo,
    routes: (http) => http.use(simulatorRoutes({ telegram, slack, personas: DEMO_PERSONAS })),
  });
  const url = await app.start();
  slack.connect(`${url}${SLACK_EVENTS_PATH}`, DEMO.slackSigningSecret);

  console.log(
    [
      "",
      "Brückenbot runs in local demo mode – nothing leaves this machine.",
      "",
      `  ➜ Open ${url}/ in a browser: you are Amina (a newcomer, in Arabic), two volunteers and the`,
      "    network’s Slack. Type /start in Amina’s phone, or press “▶ Szenario abspielen”.",
      "",
      `  Queues ${url}/admin/queues · Health ${url}/readyz · Metrics ${url}/metrics`,
      `  Emulated Telegram Bot API ${telegram.url} · Slack Web API ${slack.apiUrl}`,
      "  Stop with Ctrl+C.",
      "",
    ].join("\n"),
  );
  return {
    url,
    stop: async () => {
      await app.stop();
      await telegram.close();
      await slack.close();
    },
  };
}
