import { timingSafeEqual } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createBullBoard } from "@bull-board/api";
import { BullMQAdapter } from "@bull-board/api/bullMQAdapter";
import { ExpressAdapter } from "@bull-board/express";
import type { Queue } from "bullmq";
import express, { type Express, type NextFunction, type Request, type Response } from "express";
import { webhookCallback, type Bot } from "grammy";
import type { Registry } from "prom-client";
import type { Core } from "../core/index.js";
import type { BotContext } from "../handlers/telegram/context.js";

export const TELEGRAM_WEBHOOK_PATH = "/telegram/webhook";
export const ADMIN_QUEUES_PATH = "/admin/queues";

/** The product's one HTTP server: created first, so that Bolt's receiver can mount on it. */
export function createHttpApp(): Express {
  const app = express();
  app.disable("x-powered-by");
  return app;
}

/** Liveness, readiness and Prometheus metrics. */
export function installOperations(app: Express, deps: { registry: Registry; checks: Record<string, () => Promise<void>> }): void {
  app.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });
  app.get("/readyz", async (_req, res) => {
    const results = await Promise.all(
      Object.entries(deps.checks).map(async ([name, check]) => {
        try {
          await withTimeout(check(), 2000);
          return [name, "ok"] as const;
        } catch (error) {
          return [name, error instanceof Error ? error.message : "failed"] as const;
        }
      }),
    );
    const ready = results.every(([, state]) => state === "ok");
    res.status(ready ? 200 : 503).json({ status: ready ? "ready" : "not ready", checks: Object.fromEntries(results) });
  });
  app.get("/metrics", async (_req, res) => {
    res.type(deps.registry.contentType).send(await deps.registry.metrics());
  });
}

/** Telegram posts updates here in webhook mode; a wrong secret token gets 401 and changes nothing. */
export function installTelegramWebhook(app: Express, bot: Bot<BotContext>, secretToken: string): void {
  app.post(TELEGRAM_WEBHOOK_PATH, express.json({ limit: "1mb" }), webhookCallback(bot, "express", { secretToken }));
}

/** Bull Board at /admin/queues, behind HTTP basic auth when a password is configured. */
export function installQueueBoard(app: Express, queues: Queue[], password: string | undefined): void {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(ADMIN_QUEUES_PATH);
  createBullBoard({ queues: queues.map((queue) => new BullMQAdapter(queue, { readOnlyMode: false })), serverAdapter });
  serverAdapter.setViewsPath(offlineBoardViews());
  const guard = password === undefined ? [] : [basicAuth(password)];
  app.use(ADMIN_QUEUES_PATH, ...guard, serverAdapter.getRouter());
}

/**
 * Bull Board's page without its link to Google's web fonts: the board must load nothing from outside the
 * server (a town's network may forbid it, and it tells a third party who opens the board). The board's
 * own fonts fall back to the system's. Written next to the temp files, derived from the installed package.
 */
function offlineBoardViews(): string {
  const manifest = createRequire(import.meta.url).resolve("@bull-board/ui/package.json");
  const { version } = JSON.parse(readFileSync(manifest, "utf8")) as { version: string };
  const page = readFileSync(join(dirname(manifest), "dist", "index.ejs"), "utf8").replace(/<link[^>]*fonts\.googleapis\.com[^>]*>\s*/g, "");
  // Every process writes the same page for the same version: no clean-up needed, nothing piles up.
  const dir = join(tmpdir(), `brueckenbot-board-${version}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "index.ejs"), page);
  return dir;
}

/** Calendar files of meetings, linked from their announcements. */
export function installCalendar(app: Express, core: Core): void {
  app.get("/meetings/:id.ics", async (req, res) => {
    const calendar = await core.meetings.calendar(req.params.id ?? "");
    if (!calendar) {
      res.status(404).json({ error: "no such meeting" });
      return;
    }
    res.type("text/calendar; charset=utf-8").set("content-disposition", `attachment; filename="meeting-${req.params.id}.ics"`).send(calendar);
  });
}

export function installNotFound(app: Express): void {
  app.use((_req, res) => {
    res.status(404).json({ error: "not found" });
  });
}

export async function listen(app: Express, port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, (error?: Error) => (error ? reject(error) : resolve(server)));
  });
}

function basicAuth(password: string) {
  const expected = Buffer.from(password);
  return (req: Request, res: Response, next: NextFunction) => {
    const header = req.header("authorization") ?? "";
    const given = Buffer.from(Buffer.from(header.replace(/^Basic /, ""), "base64").toString().split(":").slice(1).join(":"));
    if (given.length === expected.length && timingSafeEqual(given, expected)) return next();
    res.set("WWW-Authenticate", 'Basic realm="Brückenbot queues"').status(401).send();
  };
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
