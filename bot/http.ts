import { timingSafeEqual } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
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
import type { QueueWorkerInfo } from "../jobs/connection.js";
import type { Logger } from "../ops/log.js";
import { isOutage } from "../ops/outage.js";

export const TELEGRAM_WEBHOOK_PATH = "/telegram/webhook";
export const ADMIN_QUEUES_PATH = "/admin/queues";

/** The product's one HTTP server: created first, so that Bolt's receiver can mount on it. */
export function createHttpApp(): Express {
  const app = express();
  app.disable("x-powered-by");
  return app;
}

/**
 * Liveness, readiness and Prometheus metrics. Readiness names the part that is down ("postgres": "down") and
 * nothing more: the reason goes to the log, not to whoever asks. With a token, /metrics needs it as a bearer.
 */
export function installOperations(
  app: Express,
  deps: { registry: Registry; checks: Record<string, () => Promise<void>>; metricsToken: string | undefined; log: Pick<Logger, "warn"> },
): void {
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
          deps.log.warn({ check: name, err: error }, "readiness check failed");
          return [name, "down"] as const;
        }
      }),
    );
    const ready = results.every(([, state]) => state === "ok");
    res.status(ready ? 200 : 503).json({ status: ready ? "ready" : "not ready", checks: Object.fromEntries(results) });
  });
  const guard = deps.metricsToken === undefined ? [] : [bearerAuth(deps.metricsToken)];
  app.get("/metrics", ...guard, async (_req: Request, res: Response) => {
    res.type(deps.registry.contentType).send(await deps.registry.metrics());
  });
}

/**
 * Telegram posts updates here in webhook mode; a wrong secret token gets 401 and changes nothing. An update
 * that could not be committed (the database out of reach) gets 503, and Telegram delivers it again later.
 */
export function installTelegramWebhook(app: Express, bot: Bot<BotContext>, secretToken: string, log: Pick<Logger, "warn">): void {
  const handle = webhookCallback(bot, "express", { secretToken });
  app.post(TELEGRAM_WEBHOOK_PATH, express.json({ limit: "1mb" }), async (req: Request, res: Response) => {
    try {
      await handle(req, res);
    } catch (error) {
      const outage = isOutage(error);
      if (!outage) log.warn({ err: error }, "telegram update not handled; Telegram will deliver it again");
      if (!res.headersSent) res.status(outage ? 503 : 500).json({ error: "not handled" });
    }
  });
}

/** Who may use the queue board, and what they may do there. */
export type QueueBoardAccess = {
  /** HTTP basic auth password (any user name). */
  password: string | undefined;
  /** Without a password the board is served only here (local demo mode, bound to 127.0.0.1); else it is off. */
  openWithoutPassword: boolean;
  /** Pausing, retrying, removing jobs; read-only unless explicitly allowed. */
  writable: boolean;
};

/**
 * Bull Board at /admin/queues: behind HTTP basic auth, and read-only unless made writable. Without a
 * password it is not served at all (outside demo mode), with one log line saying so.
 */
export function installQueueBoard(
  app: Express,
  queues: Queue[],
  access: QueueBoardAccess,
  log: Pick<Logger, "info" | "warn">,
  workersOf: (name: string) => Promise<QueueWorkerInfo[]>,
): void {
  if (access.password === undefined && !access.openWithoutPassword) {
    log.warn(`${ADMIN_QUEUES_PATH} is off: set ADMIN_PASSWORD to use the queue board`);
    return;
  }
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(ADMIN_QUEUES_PATH);
  createBullBoard({ queues: queues.map((queue) => new BoardQueue(queue, { readOnlyMode: !access.writable }, workersOf)), serverAdapter });
  serverAdapter.setViewsPath(offlineBoardViews());
  const guard = access.password === undefined ? [] : [basicAuth(access.password)];
  app.use(ADMIN_QUEUES_PATH, ...guard, serverAdapter.getRouter());
  log.info({ protected: access.password !== undefined, writable: access.writable }, `queue board at ${ADMIN_QUEUES_PATH}`);
}

/** A queue on the board, with its workers as the queue backend knows them (on PostgreSQL too, see jobs/connection.ts). */
class BoardQueue extends BullMQAdapter {
  constructor(
    queue: Queue,
    options: { readOnlyMode: boolean },
    private readonly workersOf: (name: string) => Promise<QueueWorkerInfo[]>,
  ) {
    super(queue, options);
  }

  override async getWorkers(): Promise<QueueWorkerInfo[]> {
    return this.workersOf(this.getQueueName());
  }
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
  return (await serve(app, port, host)).server;
}

/** A browser's EventSource asks for `text/event-stream` (the header written with writeHead is not kept for getHeader). */
function isEventStream(req: IncomingMessage, res: ServerResponse): boolean {
  return /text\/event-stream/.test(`${req.headers.accept ?? ""} ${String(res.getHeader("content-type") ?? "")}`);
}

/** A listening server, and how to stop it quickly without cutting off an answer under way. */
export type Serving = {
  server: Server;
  /**
   * Stops listening, ends the open event streams (the simulator's pages), closes keep-alive sockets as soon as
   * they fall idle; requests under way get `graceMs` to finish, then their sockets are closed too.
   */
  close: (graceMs?: number) => Promise<void>;
};

export async function serve(app: Express, port: number, host: string): Promise<Serving> {
  const server = await new Promise<Server>((resolve, reject) => {
    const listening = app.listen(port, host, (error?: Error) => (error ? reject(error) : resolve(listening)));
  });
  const answering = new Map<ServerResponse, IncomingMessage>();
  let closing = false;
  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    answering.set(res, req);
    res.on("close", () => {
      answering.delete(res);
      // The socket of a keep-alive connection would otherwise hold the stop until the client goes.
      if (closing) setImmediate(() => server.closeIdleConnections());
    });
  });
  let closed: Promise<void> | undefined;
  const close = (graceMs = 1000) => {
    closed ??= new Promise<void>((resolve) => {
      closing = true;
      const cutOff = setTimeout(() => server.closeAllConnections(), graceMs);
      server.close(() => {
        clearTimeout(cutOff);
        resolve();
      });
      // A page's event stream never ends by itself; its EventSource would reconnect, to a server that is gone.
      for (const [res, req] of answering) if (isEventStream(req, res)) res.end();
      server.closeIdleConnections();
    });
    return closed;
  };
  return { server, close };
}

function basicAuth(password: string) {
  return (req: Request, res: Response, next: NextFunction) => {
    const header = req.header("authorization") ?? "";
    const given = Buffer.from(header.replace(/^Basic /, ""), "base64").toString().split(":").slice(1).join(":");
    if (/^Basic /.test(header) && sameSecret(given, password)) return next();
    res.set("WWW-Authenticate", 'Basic realm="Brückenbot queues"').status(401).send();
  };
}

function bearerAuth(token: string) {
  return (req: Request, res: Response, next: NextFunction) => {
    const header = req.header("authorization") ?? "";
    if (/^Bearer /.test(header) && sameSecret(header.slice("Bearer ".length), token)) return next();
    res.set("WWW-Authenticate", 'Bearer realm="Brückenbot metrics"').status(401).send();
  };
}

/** Compares in constant time (for equal lengths: the length of a secret is no secret worth keeping). */
function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
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
