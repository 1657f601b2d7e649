import { execFile } from "node:child_process";
import { readdirSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { promisify } from "node:util";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { createDatabase, type Database } from "../core/db.js";
import { PROJECT_ROOT } from "../core/paths.js";
import { PrismaClient } from "../generated/prisma/client.js";
import { StartupError, type Config } from "./config.js";
import { embeddedDir } from "./embedded-lock.js";

/** The schema that holds BullMQ's tables when the queues run on PostgreSQL. */
export const QUEUE_SCHEMA = "bullmq";

/** The database core works with, and what the composition root needs besides: how to reach it, how to close it. */
export type DatabaseConnection = Database & {
  /** Connection settings for other PostgreSQL clients (BullMQ's backend). */
  pool: pg.PoolConfig;
  embedded: boolean;
  close: () => Promise<void>;
};

/**
 * Node-postgres settings from a URL, field by field (a `connectionString` would override `database`).
 * As with libpq, `?host=/var/run/postgresql` connects through the server's Unix socket: on one machine
 * that halves the cost of each query.
 */
export function poolConfigFromUrl(url: string, max: number): pg.PoolConfig {
  const u = new URL(url);
  return {
    host: u.searchParams.get("host") ?? decodeURIComponent(u.hostname),
    port: Number(u.port || 5432),
    user: decodeURIComponent(u.username || "postgres"),
    password: decodeURIComponent(u.password),
    database: decodeURIComponent(u.pathname.slice(1) || "postgres"),
    max,
  };
}

/**
 * Connects to PostgreSQL, or starts the embedded one when no `DATABASE_URL` is given, and applies the
 * committed migrations when asked.
 */
export async function openDatabase(config: Config, options: { migrate: boolean }): Promise<DatabaseConnection> {
  // PGlite (and its Wasm build of PostgreSQL) is loaded only when it is used.
  const embedded =
    "embedded" in config.database
      ? await (await import("./embedded-postgres.js")).startEmbeddedPostgres(embeddedDir(config.database.dataDir), QUEUE_SCHEMA)
      : undefined;
  const url = embedded?.url ?? ("url" in config.database ? config.database.url : "");
  try {
    if (options.migrate) await migrate(url).catch(async (error: unknown) => {
      throw new StartupError(await migrationProblem(url, error));
    });
    // PGlite serves one session, so more connections only queue up behind each other.
    const pool = poolConfigFromUrl(url, embedded ? 4 : 10);
    // One pool for Prisma and for the few statements that skip it (core/db.ts `sql`).
    const shared = new pg.Pool(pool);
    shared.on("error", () => undefined); // an idle connection dropped by the server; the next query reconnects
    const prisma = new PrismaClient({ adapter: new PrismaPg(shared) });
    await prisma.$connect();
    return {
      ...createDatabase(prisma, shared, { namedStatements: embedded === undefined }),
      pool,
      embedded: embedded !== undefined,
      close: async () => {
        await prisma.$disconnect();
        await shared.end().catch(() => undefined);
        await embedded?.stop();
      },
    };
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
}

/**
 * One line for migrations that could not be applied: where, how many are pending, Prisma's error code and
 * reason (its "Error: P…" paragraph, on one line), and where to see the rest.
 */
async function migrationProblem(url: string, error: unknown): Promise<string> {
  const output = `${(error as { stderr?: string }).stderr ?? ""}\n${error instanceof Error ? error.message : String(error)}`;
  const reason = /Error: (P\d{4})\s+([\s\S]*?)(?:\n\s*\n\s*\n|$)/.exec(output);
  const why = reason ? `${reason[1]}: ${(reason[2] ?? "").replace(/\s+/g, " ").trim()}` : (output.split("\n").find((line) => /error/i.test(line)) ?? "no reason given").trim();
  const pending = await pendingMigrations(url);
  const { hostname, port, pathname } = new URL(url);
  return `Database migrations could not be applied to the database ${decodeURIComponent(pathname.slice(1))} at ${hostname}:${port || 5432}${pending === undefined ? "" : ` (${pending.length} of ${committedMigrations().length} pending)`}: ${why.slice(0, 400)} Nothing was started; run npm run db:migrate with this DATABASE_URL for Prisma's full report (docs/operations.md, Upgrading).`;
}

/** The committed migrations, oldest first. */
function committedMigrations(): string[] {
  return readdirSync(path.join(PROJECT_ROOT, "prisma", "migrations"), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

/** The committed migrations this database has not finished applying; undefined when it cannot be asked. */
async function pendingMigrations(url: string): Promise<string[] | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  client.on("error", () => undefined);
  try {
    await client.connect();
    const table = await client.query<{ exists: boolean }>("SELECT to_regclass('public._prisma_migrations') IS NOT NULL AS exists");
    const applied = table.rows[0]?.exists
      ? new Set((await client.query<{ migration_name: string }>("SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL")).rows.map((r) => r.migration_name))
      : new Set<string>();
    return committedMigrations().filter((name) => !applied.has(name));
  } catch {
    return undefined;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Applies `prisma/migrations` with Prisma's own CLI (its bundled Wasm engine; nothing is downloaded). */
export async function migrate(databaseUrl: string): Promise<void> {
  const cli = createRequire(import.meta.url).resolve("prisma/build/index.js");
  await promisify(execFile)(process.execPath, [cli, "migrate", "deploy"], {
    // The CLI runs as a child process; it gets this environment plus the database to migrate.
    env: { ...process.env, DATABASE_URL: databaseUrl, CHECKPOINT_DISABLE: "1", PRISMA_HIDE_UPDATE_MESSAGE: "1" },
    cwd: PROJECT_ROOT,
    timeout: 120_000,
  });
}
