import { Router, json, static as serveStatic, type Request, type Response } from "express";
import { projectPath } from "../core/paths.js";
import type { SlackEmulator, SlackWorkspace } from "./slack-api.js";
import type { TelegramEmulator } from "./telegram-api.js";

/** A person in the demo: a Telegram user (newcomer or volunteer) or a Slack member. */
export type TelegramPersona = {
  id: number;
  name: string;
  role: "newcomer" | "volunteer";
  language: string;
  /** Slugs of the towns a newcomer lives in or a volunteer helps in; the phone is shown with the first. */
  towns: readonly string[];
};
export type SlackPersona = { id: string; name: string; role: "coordinator" | "member" };
export type SlackChannel = { id: string; name: string };

/** A town as the simulator shows it: its posters and deep link, and its own Slack workspace with its channels and members. */
export type SimulatorTown = {
  slug: string;
  name: string;
  /** `t.me/<bot>?start=<slug>`, as its posters print it. */
  deepLink: string;
  /** The page listing its posters (`/posters/<slug>`). */
  posters: string;
  workspace: SlackWorkspace;
  members: SlackPersona[];
  channels: SlackChannel[];
};

export type SimulatorDeps = {
  telegram: TelegramEmulator;
  /** The Slack emulator holding every town's workspace (its calls tell the page that something changed). */
  slack: SlackEmulator;
  people: readonly TelegramPersona[];
  towns: SimulatorTown[];
  /** Plays the scripted demo day; resolves when it is done. */
  scenario?: (step: (label: string) => void) => Promise<void>;
};

/**
 * The browser simulator: a page with the towns side by side – phones for the Telegram personas, each town's
 * Slack workspace – and the JSON/SSE endpoints behind it. Every action goes through the emulators as a real
 * update or a real signed Slack request from that workspace, so the bots cannot tell it from the platforms.
 */
export function simulatorRoutes(deps: SimulatorDeps): Router {
  const { telegram, slack, towns } = deps;
  const people = deps.people.map((p) => ({ ...p }));
  for (const p of people) telegram.user(p.id, { first_name: p.name, language_code: p.language });
  for (const town of towns) {
    for (const m of town.members) {
      town.workspace.member(m.id, m.name);
      // Everybody the page signs in is in the network's channel (listed first), as a town's members are in Slack:
      // what they see there (a meeting, a poll) is theirs in App Home too. The coordinators' channel is theirs alone.
      const network = town.channels[0];
      if (network) town.workspace.join(network.id, m.id);
    }
  }
  const router = Router();
  router.use(json({ limit: "64kb" }));
  router.use(serveStatic(projectPath("sim", "public"), { index: "index.html" }));

  const scenarioLog: string[] = [];
  let scenarioRunning = false;

  router.get("/sim/state", (_req, res) => {
    res.json({
      telegram: people.map((p) => ({ ...p, messages: telegram.messages(p.id).filter((m) => !m.deleted), popup: telegram.popup(p.id) ?? null })),
      towns: towns.map(({ workspace, members, channels, ...town }) => ({
        ...town,
        workspace: {
          teamId: workspace.teamId,
          name: workspace.teamName,
          members,
          channels: channels.map((c) => ({ ...c, messages: workspace.channelMessages(c.id) })),
          homes: Object.fromEntries(members.map((m) => [m.id, homeOf(workspace, m.id)])),
          modals: members.flatMap((m) => workspace.modals(m.id).slice(-1).map((v) => ({ user: m.id, id: v.id, view: v.view }))),
        },
      })),
      scenario: { running: scenarioRunning, log: scenarioLog },
    });
  });

  router.get("/sim/events", (req, res) => {
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
    res.write("retry: 1000\n\n");
    let pending: NodeJS.Timeout | undefined;
    const changed = () => {
      pending ??= setTimeout(() => {
        pending = undefined;
        res.write("event: change\ndata: {}\n\n");
      }, 30);
    };
    telegram.on("action", changed);
    telegram.on("user", changed);
    slack.on("call", changed);
    const keepAlive = setInterval(() => res.write(": keep-alive\n\n"), 15_000);
    req.on("close", () => {
      clearInterval(keepAlive);
      clearTimeout(pending);
      telegram.off("action", changed);
      telegram.off("user", changed);
      slack.off("call", changed);
    });
  });

  const act = (handler: (body: Record<string, unknown>) => Promise<unknown>) => async (req: Request, res: Response) => {
    try {
      const result = await handler((req.body ?? {}) as Record<string, unknown>);
      res.json({ ok: true, result: result ?? null });
    } catch (error) {
      res.status(400).json({ ok: false, error: error instanceof Error ? error.message : String(error) });
    }
  };
  const telegramUser = (body: Record<string, unknown>) => {
    const id = Number(body.user);
    if (!people.some((p) => p.id === id)) throw new Error(`unknown persona ${String(body.user)}`);
    return id;
  };
  /** The workspace a Slack action happens in, and the member of that workspace who acts. */
  const slackMember = (body: Record<string, unknown>) => {
    const town = towns.find((t) => t.workspace.teamId === String(body.team));
    if (!town) throw new Error(`unknown workspace ${String(body.team)}`);
    const id = String(body.user);
    if (!town.members.some((m) => m.id === id)) throw new Error(`${id} is no member of ${town.workspace.teamName}`);
    return { workspace: town.workspace, user: id, town };
  };

  router.post("/sim/telegram/send", act(async (b) => telegram.sendText(telegramUser(b), String(b.text ?? "").slice(0, 6000))));
  router.post(
    "/sim/telegram/press",
    act(async (b) => telegram.pressButton(telegramUser(b), Number(b.messageId), { data: String(b.data) })),
  );
  router.post(
    "/sim/telegram/media",
    act(async (b) => {
      const user = telegramUser(b);
      if (b.kind === "sticker") return telegram.sendSticker(user);
      if (b.kind === "photo") return telegram.sendPhoto(user);
      if (b.kind === "voice") return telegram.sendVoice(user);
      throw new Error("kind must be sticker, photo or voice");
    }),
  );
  router.post(
    "/sim/telegram/language",
    act(async (b) => {
      const user = telegramUser(b);
      const language = String(b.language);
      if (!/^[a-z]{2}$/.test(language)) throw new Error("language must be a two-letter code");
      const persona = people.find((p) => p.id === user);
      if (persona) persona.language = language;
      telegram.user(user, { first_name: persona?.name ?? "", language_code: language });
      // Before the first message, Telegram's language is what the bot goes by (its picker suggests it first).
      if (telegram.messages(user).length === 0) return { switched: "telegram" };
      return switchBotLanguage(telegram, user, language);
    }),
  );
  router.post(
    "/sim/slack/command",
    act(async (b) => {
      const { workspace, user, town } = slackMember(b);
      const [command = "", ...rest] = String(b.text ?? "").trim().split(" ");
      return workspace.slashCommand(user, command, rest.join(" "), { channel: String(b.channel ?? town.channels[0]?.id) });
    }),
  );
  router.post(
    "/sim/slack/click",
    act(async (b) => {
      const { workspace, user } = slackMember(b);
      const message = workspace.message({ channel: String(b.channel), ts: String(b.ts) });
      if (!message) throw new Error("message not found");
      return workspace.clickButton(user, message, String(b.actionId), b.value === undefined ? {} : { value: String(b.value) });
    }),
  );
  router.post(
    "/sim/slack/view-click",
    act(async (b) => {
      const { workspace, user } = slackMember(b);
      return workspace.clickViewButton(user, String(b.viewId), String(b.actionId), b.value === undefined ? {} : { value: String(b.value) });
    }),
  );
  router.post(
    "/sim/slack/submit",
    act(async (b) => {
      const { workspace, user } = slackMember(b);
      return workspace.submitView(user, String(b.viewId), (b.values ?? {}) as Record<string, Record<string, unknown>>);
    }),
  );
  router.post(
    "/sim/slack/close-view",
    act(async (b) => {
      slackMember(b).workspace.closeView(String(b.viewId));
    }),
  );
  router.post(
    "/sim/slack/home",
    act(async (b) => {
      const { workspace, user } = slackMember(b);
      return workspace.event({ type: "app_home_opened", user, channel: "D0HOME", tab: "home" });
    }),
  );
  router.post(
    "/sim/scenario",
    act(async () => {
      if (!deps.scenario) throw new Error("no scenario");
      if (scenarioRunning) throw new Error("the scenario is already running");
      scenarioRunning = true;
      scenarioLog.length = 0;
      void deps
        .scenario((label) => {
          scenarioLog.push(label);
          slack.emit("call", { method: "scenario", params: {}, at: Date.now() });
        })
        .catch((error: unknown) => scenarioLog.push(`⚠ ${error instanceof Error ? error.message : String(error)}`))
        .finally(() => {
          scenarioRunning = false;
          slack.emit("call", { method: "scenario", params: {}, at: Date.now() });
        });
      return { started: true };
    }),
  );
  return router;
}

/**
 * Switches the bot's language for a person as they would, without a trace in the chat: "/language" (deleted at
 * once, as a person may delete their own message), then their language in the picker the bot answers with.
 */
async function switchBotLanguage(telegram: TelegramEmulator, user: number, language: string): Promise<{ switched: "bot" }> {
  const before = telegram.botMessages(user).length;
  const update = await telegram.sendText(user, "/language");
  if (update.message) telegram.retract(user, update.message.message_id);
  const data = `lang:${language}`;
  const picker = await telegram.waitFor(
    () => telegram.botMessages(user).slice(before).find((m) => m.reply_markup?.inline_keyboard.flat().some((b) => "callback_data" in b && b.callback_data === data)),
    30_000,
    `the language picker for ${user}`,
  );
  await telegram.pressButton(user, picker.message_id, { data });
  return { switched: "bot" };
}

/** A member's App Home as the page shows it: the view's id (for its buttons) and its blocks. */
function homeOf(workspace: SlackWorkspace, user: string): { id: string; view: Record<string, unknown> } | null {
  const home = workspace.home(user);
  return home ? { id: home.id, view: home.view } : null;
}
