import { createDatabase, type Database } from "../core/db.js";
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { PrismaPg } from "@prisma/adapter-pg";
import { Redis } from "ioredis";
import pg from "pg";
import { migrate } from "../bot/database.js";
import { SlackEmulator } from "../sim/slack-api.js";
import { PrismaClient } from "../generated/prisma/client.js";

/** The servers the benchmarks use; the same defaults as the tests. */
// PostgreSQL on the same machine is reached through its Unix socket when there is one, as a one-server
// installation would (see README, Performance); BENCH_POSTGRES_URL chooses otherwise.
const SOCKET_DIR = "/var/run/postgresql";
export const BENCH_POSTGRES_URL =
  process.env.BENCH_POSTGRES_URL ??
  (existsSync(`${SOCKET_DIR}/.s.PGSQL.5432`) ? `postgresql://postgres@localhost:5432/postgres?host=${SOCKET_DIR}` : "postgresql://postgres@127.0.0.1:5432/postgres");
/** The Redis the benchmarks use: BENCH_REDIS_URL, which `npm run bench` points at its own redis-server (see ownRedis). */
export const benchRedisUrl = (): string => process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379";

/**
 * A redis-server of the benchmark's own on a free port, without persistence: the run neither disturbs the
 * shared Redis of other test runs nor is slowed by their keys. BENCH_REDIS_URL, when set, is used instead.
 */
export async function ownRedis(): Promise<{ url: string; stop: () => Promise<void> }> {
  if (process.env.BENCH_REDIS_URL) return { url: process.env.BENCH_REDIS_URL, stop: async () => undefined };
  const port = await freePort();
  const child = spawn(process.env.BENCH_REDIS_SERVER ?? "/usr/bin/redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--maxmemory-policy", "noeviction"], {
    stdio: "ignore",
  });
  // A run that fails half-way (process.exit, an uncaught error) takes its server with it.
  const kill = () => child.kill("SIGKILL");
  process.once("exit", kill);
  const url = `redis://127.0.0.1:${port}`;
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on("error", () => undefined);
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
    try {
      await redis.connect();
      await redis.ping();
      break;
    } catch {
      redis.disconnect();
      if (Date.now() > deadline) throw new Error("redis-server did not start");
      await sleep(100);
    }
  }
  redis.disconnect();
  process.env.BENCH_REDIS_URL = url;
  return {
    url,
    stop: async () => {
      delete process.env.BENCH_REDIS_URL;
      process.off("exit", kill);
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await Promise.race([exited, sleep(5000)]);
    },
  };
}

export const TELEGRAM_TOKEN = "777000:bench-token";
export const SLACK_TOKEN = "xoxb-bench";
export const SLACK_SECRET = "bench-signing-secret";
export const WEBHOOK_SECRET = "bench_webhook_secret";
export const COORDINATORS = "C0BENCHCOORD";

export function databaseUrl(name: string): string {
  const url = new URL(BENCH_POSTGRES_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** A fresh, migrated database for one benchmark run. */
export async function freshDatabase(): Promise<{ name: string; url: string; prisma: PrismaClient; db: Database; drop: () => Promise<void> }> {
  const name = `brb_bench_${Date.now()}_${randomUUID().slice(0, 6)}`;
  const admin = new pg.Client({ connectionString: BENCH_POSTGRES_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = databaseUrl(name);
  await migrate(url);
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    name,
    url,
    prisma,
    db: createDatabase(prisma, pool),
    drop: async () => {
      await prisma.$disconnect();
      await pool.end();
      const client = new pg.Client({ connectionString: BENCH_POSTGRES_URL });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await client.end();
    },
  };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
    server.on("error", reject);
  });
}

/** Node's flags and environment of `npm run start:prod`, read from package.json: the benchmark runs what production runs. */
const PRODUCTION: { flags: string[]; env: Record<string, string> } = (() => {
  const scripts = (JSON.parse(readFileSync("package.json", "utf8")) as { scripts: Record<string, string> }).scripts;
  const words = (scripts["start:prod"] ?? "").split(/\s+/);
  const env = Object.fromEntries(words.filter((w) => /^[A-Z_]+=/.test(w)).map((w) => [w.slice(0, w.indexOf("=")), w.slice(w.indexOf("=") + 1)]));
  return { flags: words.filter((word) => word.startsWith("--")), env };
})();

export type ProductProcess = { url: string; port: number; child: ChildProcess; stop: () => Promise<void>; stderr: () => string };

/**
 * The product in its own process, as in production (`npm run start:prod` with tokens): webhook mode,
 * against the fake platforms of the benchmark, on the given database and queue backend.
 */
/**
 * A Slack emulator for the products that no benchmark talks to through Slack: real mode asks Slack at start
 * whether the coordinators' channel is private.
 */
let quietSlack: Promise<SlackEmulator> | undefined;
function slackForStart(): Promise<SlackEmulator> {
  quietSlack ??= SlackEmulator.start({ token: SLACK_TOKEN }).then((slack) => {
    slack.makePrivate(COORDINATORS);
    return slack;
  });
  return quietSlack;
}

/** Stops the emulator the products were started against (at the end of a run). */
export async function closeQuietSlack(): Promise<void> {
  await (await quietSlack)?.close();
  quietSlack = undefined;
}

export async function startProduct(env: Record<string, string>): Promise<ProductProcess> {
  const port = await freePort();
  const slackApiUrl = env.SLACK_API_URL ?? (await slackForStart()).apiUrl;
  // BENCH_PROFILE=<dir> writes a CPU profile of each product process (node --cpu-prof) for finding causes.
  const profile = process.env.BENCH_PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
  // As in production: the build (`npm run build`, which `npm run bench` runs first), not the sources through tsx.
  const child = spawn(process.execPath, [...profile, ...PRODUCTION.flags, "dist/bot/main.js"], {
    env: {
      PATH: process.env.PATH,
      ...PRODUCTION.env,
      NODE_ENV: "production",
      ADMIN_PASSWORD: "bench-admin-password",
      BALLOT_SECRET: "bench-ballot-secret-of-at-least-32-characters",
      LOG_LEVEL: "warn",
      HOST: "127.0.0.1",
      PORT: String(port),
      TELEGRAM_BOT_TOKEN: TELEGRAM_TOKEN,
      TELEGRAM_WEBHOOK_URL: `http://127.0.0.1:${port}/telegram/webhook`,
      TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET,
      SLACK_BOT_TOKEN: SLACK_TOKEN,
      SLACK_SIGNING_SECRET: SLACK_SECRET,
      SLACK_COORDINATOR_CHANNEL: COORDINATORS,
      SLACK_API_URL: slackApiUrl,
      FLOOD_LIMIT: "1000000",
      ...env,
      ...(process.env.BENCH_EXTRA_ENV ? (JSON.parse(process.env.BENCH_EXTRA_ENV) as Record<string, string>) : {}),
    },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let errors = "";
  child.stderr?.on("data", (chunk: Buffer) => (errors = (errors + chunk.toString()).slice(-4000)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the product exited: ${errors.slice(-2000)}`);
    try {
      const ready = await fetch(`${url}/readyz`);
      if (ready.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`the product did not get ready: ${errors.slice(-2000)}`);
    await sleep(200);
  }
  // The webhook and the command menus are registered right after the server listens.
  await sleep(1500);
  return {
    url,
    port,
    child,
    stderr: () => errors,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await Promise.race([exited, sleep(15_000)]);
      if (child.exitCode === null) child.kill("SIGKILL");
    },
  };
}

/**
 * `count` product processes sharing one database and one queue backend (a Redis prefix, or BullMQ on that
 * database), against the benchmark's fake Bot API; Slack is not used. Started ones stop if one fails.
 */
export async function startProducts(
  count: number,
  place: { databaseUrl: string; backend: "redis" | "postgres"; prefix: string; telegramUrl: string },
  env: Record<string, string>,
): Promise<ProductProcess[]> {
  const products: ProductProcess[] = [];
  try {
    for (let i = 0; i < count; i++) {
      products.push(
        await startProduct({
          DATABASE_URL: place.databaseUrl,
          ...(place.backend === "redis" ? { REDIS_URL: benchRedisUrl(), QUEUE_PREFIX: place.prefix } : {}),
          TELEGRAM_API_ROOT: place.telegramUrl,
          ...env,
        }),
      );
    }
    return products;
  } catch (error) {
    await Promise.all(products.map((p) => p.stop()));
    throw error;
  }
}

export async function deleteRedisPrefix(prefix: string): Promise<void> {
  const redis = new Redis(benchRedisUrl());
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
    cursor = next;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== "0");
  redis.disconnect();
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function percentile(values: number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

/** Resident memory of a process (Linux), in MB. */
export async function rssMb(pid: number): Promise<number> {
  const { readFile } = await import("node:fs/promises");
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

/** One row of the results table. */
export type Figure = {
  name: string;
  value: number;
  unit: string;
  baseline?: { value: number; label: string };
  /** value / baseline. */
  ratio?: number;
  target: string;
  pass: boolean;
  notes?: string;
};

/** A baseline of the benchmark (built like the product) in its own process; resolves once it prints "ready <port>". */
export async function startScript(name: string, env: Record<string, string>): Promise<{ url: string; child: ChildProcess; stop: () => Promise<void> }> {
  const script = `dist/bench/${name}.js`;
  const child = spawn(process.execPath, [script], { env: { PATH: process.env.PATH, ...env }, stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const match = /ready (\d+)/.exec(out);
      if (match) resolve(Number(match[1]));
    });
    child.once("exit", (code) => reject(new Error(`${script} exited with ${code}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    child,
    stop: async () => {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await Promise.race([exited, sleep(5000)]);
      if (child.exitCode === null) child.kill("SIGKILL");
    },
  };
}

/** The town of the configuration, as the product finds it at start (and keeps): the benchmark's people live there. */
export async function benchTown(prisma: PrismaClient): Promise<string> {
  const town = await prisma.network.upsert({ where: { slug: "beckum" }, create: { slug: "beckum", name: "Beckum", districts: [] }, update: {}, select: { id: true } });
  return town.id;
}

/** Consented Telegram users with a language, placed in the town, inserted in bulk (the benchmark's newcomers and volunteers). */
export async function seedUsers(prisma: PrismaClient, ids: number[], locale = "de"): Promise<void> {
  const networkId = await benchTown(prisma);
  for (let i = 0; i < ids.length; i += 1000) {
    await prisma.telegramUser.createMany({ data: ids.slice(i, i + 1000).map((telegramId) => ({ telegramId, locale, consentAt: new Date(), networkId })) });
  }
}

/** The product's resident memory after one run, when it had settled. */
export type MemorySample = { after: string; productMb: number; steadyMb?: number; bareMb?: number };

/** Resident memory once the process has settled (a few seconds without load). */
export async function settledRssMb(pid: number, settleMs = 5000): Promise<number> {
  await sleep(settleMs);
  return rssMb(pid);
}

const fmt = (value: number): string => (Number.isInteger(value) ? String(value) : value.toFixed(value < 10 ? 2 : 1));

/** The results as a Markdown table: figure, baseline, ratio, target, pass/fail. */
export function table(figures: Figure[]): string {
  const rows = figures.map((f) => [
    f.name,
    `${fmt(f.value)} ${f.unit}`,
    f.baseline ? `${fmt(f.baseline.value)} ${f.unit} (${f.baseline.label})` : "–",
    f.ratio !== undefined ? `${fmt(f.ratio)}×` : "–",
    f.target,
    f.pass ? "pass" : "FAIL",
    f.notes ?? "",
  ]);
  const header = ["Figure", "Measured", "Baseline", "Ratio", "Target", "Result", "Details"];
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}
