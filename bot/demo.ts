import type { Express } from "express";
import type { Logger } from "../ops/log.js";
import { playScenario } from "../sim/scenario.js";
import { SlackEmulator } from "../sim/slack-api.js";
import { simulatorRoutes, type SimulatorDeps } from "../sim/simulator.js";
import { TelegramEmulator } from "../sim/telegram-api.js";
import { createApp, type Brueckenbot } from "./app.js";
import { DEMO, type Config } from "./config.js";
import { SLACK_EVENTS_PATH } from "./slack.js";

/** The people of the demo: a newcomer and volunteers in Telegram, the network in Slack. */
export function demoPersonas(channels: { network: string; coordinators: string }): SimulatorDeps["personas"] {
  return {
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
      { id: channels.network, name: "netzwerk-integration" },
      { id: channels.coordinators, name: "koordination" },
    ],
  };
}

/**
 * Makes the demo people real in the product: the two volunteers are registered and approved interpreters
 * for Arabic, the coordinator is a member of the coordinators' channel. Runs again harmlessly.
 */
export async function prepareDemoPeople(app: Brueckenbot, slack: SlackEmulator): Promise<void> {
  const { core } = app;
  slack.join(app.config.slack.coordinatorChannel, "U0SCHULTE");
  slack.makePrivate(app.config.slack.coordinatorChannel);
  const town = await core.networks.bySlug(app.config.network.slug);
  const coordinator = await core.member({ slackUserId: "U0SCHULTE", teamId: slack.teamId });
  if (!town || !coordinator) throw new Error("the demo network is not linked to the demo workspace");
  const volunteers = [
    { id: 7101, firstName: "Yusuf", locale: "de" as const, languages: [{ language: "ar", level: "NATIVE" as const }] },
    { id: 7102, firstName: "Leyla", locale: "tr" as const, languages: [{ language: "ar", level: "FLUENT" as const }, { language: "tr", level: "NATIVE" as const }] },
  ];
  for (const v of volunteers) {
    if ((await core.volunteers.of(v.id))?.status === "APPROVED") continue;
    await core.users.chooseLocale(v.id, v.locale);
    await core.users.giveConsent(v.id);
    await core.users.placeIn(v.id, town.id);
    const registered = await core.volunteers.register(v.id, {
      firstName: v.firstName,
      roles: ["INTERPRETER"],
      languages: v.languages,
      germanLevel: "C1_C2",
      districts: ["BECKUM", "NEUBECKUM"],
      remoteOnly: false,
      weeklyCapacity: 50,
      networks: [town.id],
    });
    if ("volunteerId" in registered) await coordinator.volunteers.decide(registered.volunteerId, "APPROVED");
  }
}

/** The browser simulator's routes, with the scripted day. */
export function simulator(config: Config, getApp: () => Brueckenbot, telegram: TelegramEmulator, slack: SlackEmulator, speed = 1): (http: Express) => void {
  return (http) => {
    const personas = demoPersonas({ network: config.slack.networkChannel, coordinators: config.slack.coordinatorChannel });
    http.use(
      simulatorRoutes({
        telegram,
        slack,
        personas,
        scenario: async (step) => {
          const app = getApp();
          const group = await app.database.prisma.workingGroup.findFirstOrThrow({ where: { slug: "zusammenleben-gestalten", network: { slug: app.config.network.slug } } });
          await playScenario(
            telegram,
            slack,
            { newcomer: 7001, volunteers: [7101, 7102], coordinator: "U0SCHULTE", member: "U0DEMIR", networkChannel: app.config.slack.networkChannel, groupId: group.id, timeZone: app.config.timeZone },
            step,
            speed,
          );
        },
      }),
    );
  };
}

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
    telegram: { ...config.telegram, apiRoot: telegram.url, mode: { kind: "polling" }, chatIntervalMs: Math.min(config.telegram.chatIntervalMs, 300) },
    slack: { ...config.slack, apiUrl: slack.apiUrl, mode: { kind: "http", signingSecret: DEMO.slackSigningSecret }, channelIntervalMs: Math.min(config.slack.channelIntervalMs, 300) },
    // The demo volunteers are offered every request the scenario makes, however often it is played.
    dispatch: { ...config.dispatch, quietMs: Math.min(config.dispatch.quietMs, 1000) },
  };
  // The simulator's routes are installed while the app is built; they reach the app once it exists.
  const built: { app?: Brueckenbot } = {};
  const current = () => {
    if (!built.app) throw new Error("the demo is still starting");
    return built.app;
  };
  const app = await createApp(demoConfig, { migrate: true, seed: true, log, botInfo: telegram.botInfo, routes: simulator(demoConfig, current, telegram, slack) });
  built.app = app;
  const url = await app.start();
  slack.connect(`${url}${SLACK_EVENTS_PATH}`, DEMO.slackSigningSecret);
  await prepareDemoPeople(app, slack);

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
      await current().stop();
      await telegram.close();
      await slack.close();
    },
  };
}
