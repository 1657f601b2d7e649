import { createServer } from "node:net";
import type { Express } from "express";
import type { Logger } from "../ops/log.js";
import { POSTERS_PATH } from "../posters/http.js";
import { posterLink } from "../posters/render.js";
import { playScenario, type ScenarioTown } from "../sim/scenario.js";
import { SlackEmulator } from "../sim/slack-api.js";
import { simulatorRoutes } from "../sim/simulator.js";
import { TelegramEmulator } from "../sim/telegram-api.js";
import { createApp, type Brueckenbot } from "./app.js";
import { DEMO, type Config } from "./config.js";
import { DEMO_PEOPLE, demoTowns, prepareDemo, type DemoTown } from "./demo-towns.js";
import { SLACK_EVENTS_PATH } from "./slack.js";
import { SLACK_REDIRECT_PATH } from "./slack-install-pages.js";
import { parseTokenKey } from "./token-cipher.js";

export { prepareDemo } from "./demo-towns.js";

/** The browser simulator's routes: the two towns side by side, with the scripted day. */
export function simulator(config: Config, getApp: () => Brueckenbot, telegram: TelegramEmulator, slack: SlackEmulator, speed = 1): (http: Express) => void {
  return (http) => {
    const towns = demoTowns(config, slack);
    http.use(
      simulatorRoutes({
        telegram,
        slack,
        people: Object.values(DEMO_PEOPLE),
        towns: towns.map((town) => ({
          slug: town.slug,
          name: town.name,
          deepLink: posterLink(telegram.botInfo.username, town.slug),
          posters: `${POSTERS_PATH}/${town.slug}`,
          workspace: town.workspace,
          members: [town.coordinator, town.member],
          channels: [town.channels.network, town.channels.coordinators],
        })),
        scenario: async (step) => {
          const app = getApp();
          const [beckum, ahlen] = await Promise.all(towns.map((town) => scenarioTown(app, town)));
          if (!beckum || !ahlen) throw new Error("the demo towns are missing");
          const { amina, dawit, yusuf, leyla } = DEMO_PEOPLE;
          const knows = async (telegramId: number) => (await app.core.users.find(telegramId)) !== undefined;
          await playScenario(telegram, { beckum, ahlen, amina: amina.id, dawit: dawit.id, yusuf: yusuf.id, leyla: leyla.id, timeZone: app.config.timeZone, knows }, step, speed);
        },
      }),
    );
  };
}

/** A demo town as the scripted day needs it: with its network's id and the AG its meeting is for. */
async function scenarioTown(app: Brueckenbot, town: DemoTown): Promise<ScenarioTown> {
  const group = await app.database.prisma.workingGroup.findFirstOrThrow({ where: { slug: "zusammenleben-gestalten", network: { slug: town.slug } }, select: { id: true, networkId: true } });
  return {
    slug: town.slug,
    networkId: group.networkId,
    workspace: town.workspace,
    coordinator: town.coordinator.id,
    member: town.member.id,
    coordinatorChannel: town.channels.coordinators.id,
    networkChannel: town.channels.network.id,
    groupId: group.id,
  };
}

/**
 * Local demo mode: the Telegram Bot API and Slack Web API are emulated on 127.0.0.1, the database is
 * embedded unless DATABASE_URL is given, the queues run on it unless REDIS_URL is given, and the browser
 * simulator is served at the root of the HTTP server. The Slack app is distributed, as for several towns:
 * Beckum's and Ahlen's workspaces add it through the emulated OAuth flow and are linked with setup codes.
 */
export async function startDemo(config: Config, log: Logger): Promise<{ url: string; stop: () => Promise<void> }> {
  log.info("starting in local demo mode: no tokens configured, Telegram and Slack are emulated");
  // The demo's database outlives the emulator: update ids from the clock (1,000 a second, wrapping after 12 days,
  // long after the bot forgot them) never meet the ones an earlier start handled.
  const firstUpdateId = Date.now() % 2 ** 30;
  const telegram = await TelegramEmulator.start({ token: DEMO.telegramToken, limits: { perSecond: 30 }, firstUpdateId });
  const slack = await SlackEmulator.start({ token: DEMO.slackToken });
  const host = config.http.host === "0.0.0.0" ? "127.0.0.1" : config.http.host;
  // Slack sends installers back to a fixed address, known before the server listens.
  const port = config.http.port === 0 ? await freePort(host) : config.http.port;
  const base = `http://${host}:${port}`;
  const app = DEMO.slackApp;
  const tokenKey = parseTokenKey(app.tokenKey);
  if (!tokenKey) throw new Error("the demo's token key is no 32-byte key");
  slack.enableOAuth({ clientId: app.clientId, clientSecret: app.clientSecret });
  const demoConfig: Config = {
    ...config,
    http: { ...config.http, host, port },
    telegram: { ...config.telegram, apiRoot: telegram.url, mode: { kind: "polling" }, chatIntervalMs: Math.min(config.telegram.chatIntervalMs, 300) },
    slack: {
      ...config.slack,
      workspaces: { kind: "distributed", clientId: app.clientId, clientSecret: app.clientSecret, stateSecret: app.stateSecret, tokenKey, redirectUri: `${base}${SLACK_REDIRECT_PATH}` },
      apiUrl: slack.apiUrl,
      mode: { kind: "http", signingSecret: DEMO.slackSigningSecret },
      channelIntervalMs: Math.min(config.slack.channelIntervalMs, 300),
    },
    dispatch: {
      ...config.dispatch,
      // The demo volunteers are offered every request the scenario makes, however often it is played.
      quietMs: Math.min(config.dispatch.quietMs, 1000),
      // Coordinators hear of a request nobody took within the demo's day, not after half an hour.
      escalateAfterMs: Math.min(config.dispatch.escalateAfterMs, 30_000),
    },
  };
  // The simulator's routes are installed while the app is built; they reach the app once it exists.
  const built: { app?: Brueckenbot } = {};
  const current = () => {
    if (!built.app) throw new Error("the demo is still starting");
    return built.app;
  };
  const product = await createApp(demoConfig, { migrate: true, seed: true, log, botInfo: telegram.botInfo, routes: simulator(demoConfig, current, telegram, slack) });
  built.app = product;
  const url = await product.start();
  slack.connect(`${url}${SLACK_EVENTS_PATH}`, DEMO.slackSigningSecret);
  await prepareDemo(product, slack, url);

  console.log(
    [
      "",
      "Brückenbot runs in local demo mode – nothing leaves this machine.",
      "",
      `  ➜ Open ${url}/ in a browser: two towns side by side, Beckum and Ahlen, each with its own Slack`,
      "    workspace; newcomers and volunteers in Telegram. Press “▶ Szenario abspielen”, or type /start.",
      "",
      `  Posters ${url}${POSTERS_PATH}/beckum · ${url}${POSTERS_PATH}/ahlen`,
      `  Queues ${url}/admin/queues · Health ${url}/readyz · Metrics ${url}/metrics`,
      `  Emulated Telegram Bot API ${telegram.url} · Slack Web API ${slack.apiUrl}`,
      "  Stop with Ctrl+C.",
      "",
    ].join("\n"),
  );
  return {
    url,
    stop: async () => {
      await current().stop();
      await telegram.close();
      await slack.close();
    },
  };
}

/** A port nobody listens on now (PORT=0 asks for any). */
async function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}
