import { Router, json, static as serveStatic, type Request, type Response } from "express";
import { projectPath } from "../core/paths.js";
import type { SlackEmulator } from "./slack-api.js";
import type { TelegramEmulator } from "./telegram-api.js";

/** A person in the demo: a Telegram user (newcomer or volunteer) or a Slack member. */
export type TelegramPersona = { id: number; name: string; role: "newcomer" | "volunteer"; language: string };
export type SlackPersona = { id: string; name: string; role: "coordinator" | "member" };
export type SlackChannel = { id: string; name: string };

export type SimulatorDeps = {
  telegram: TelegramEmulator;
  slack: SlackEmulator;
  personas: { telegram: TelegramPersona[]; slack: SlackPersona[]; channels: SlackChannel[] };
  /** Plays the scripted demo day; resolves when it is done. */
  scenario?: (step: (label: string) => void) => Promise<void>;
};

/**
 * The browser simulator: a page with phones for the Telegram personas and a Slack-like panel, and the
 * JSON/SSE endpoints behind it. Every action goes through the emulators as a real update or a real signed
 * Slack request, so the bots cannot tell it from the platforms.
 */
export function simulatorRoutes(deps: SimulatorDeps): Router {
  const { telegram, slack, personas } = deps;
  for (const p of personas.telegram) telegram.user(p.id, { first_name: p.name, language_code: p.language });
  for (const m of personas.slack) slack.member(m.id, m.name);
  const router = Router();
  router.use(json({ limit: "64kb" }));
  router.use(serveStatic(projectPath("sim", "public"), { index: "index.html" }));

  const scenarioLog: string[] = [];
  let scenarioRunning = false;

  router.get("/sim/state", (_req, res) => {
    res.json({
      telegram: personas.telegram.map((p) => ({ ...p, messages: telegram.messages(p.id).filter((m) => !m.deleted) })),
      slack: {
        members: personas.slack,
        channels: personas.channels.map((c) => ({ ...c, messages: slack.channelMessages(c.id) })),
        homes: Object.fromEntries(personas.slack.map((m) => [m.id, slack.home(m.id)?.view ?? null])),
        modals: personas.slack.flatMap((m) => slack.modals(m.id).slice(-1).map((v) => ({ user: m.id, id: v.id, view: v.view }))),
      },
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
    if (!personas.telegram.some((p) => p.id === id)) throw new Error(`unknown persona ${String(body.user)}`);
    return id;
  };
  const slackMember = (body: Record<string, unknown>) => {
    const id = String(body.user);
    if (!personas.slack.some((m) => m.id === id)) throw new Error(`unknown member ${id}`);
    return id;
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
      const persona = personas.telegram.find((p) => p.id === user);
      if (persona) persona.language = String(b.language);
      telegram.user(user, { first_name: persona?.name ?? "", language_code: String(b.language) });
      return telegram.sendText(user, "/language");
    }),
  );
  router.post(
    "/sim/slack/command",
    act(async (b) => {
      const [command = "", ...rest] = String(b.text ?? "").trim().split(" ");
      return slack.slashCommand(slackMember(b), command, rest.join(" "), { channel: String(b.channel ?? personas.channels[0]?.id) });
    }),
  );
  router.post(
    "/sim/slack/click",
    act(async (b) => {
      const message = slack.messages.find((m) => m.channel === String(b.channel) && m.ts === String(b.ts));
      if (!message) throw new Error("message not found");
      return slack.clickButton(slackMember(b), message, String(b.actionId), b.value === undefined ? {} : { value: String(b.value) });
    }),
  );
  router.post(
    "/sim/slack/view-click",
    act(async (b) => slack.clickViewButton(slackMember(b), String(b.viewId), String(b.actionId), b.value === undefined ? {} : { value: String(b.value) })),
  );
  router.post(
    "/sim/slack/submit",
    act(async (b) => slack.submitView(slackMember(b), String(b.viewId), (b.values ?? {}) as Record<string, Record<string, unknown>>)),
  );
  router.post(
    "/sim/slack/close-view",
    act(async (b) => {
      slackMember(b);
      slack.closeView(String(b.viewId));
    }),
  );
  router.post(
    "/sim/slack/home",
    act(async (b) => slack.event({ type: "app_home_opened", user: slackMember(b), channel: "D0HOME", tab: "home" })),
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
