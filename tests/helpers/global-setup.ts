import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import pg from "pg";
import { migrate } from "../../bot/database.js";
import { databaseUrl, TEST_POSTGRES_URL } from "./env.js";

/**
 * Migrates a template database once per set of migrations; every test file then gets a fresh copy
 * of it in milliseconds (CREATE DATABASE … TEMPLATE).
 */
export default async function setup({ provide }: { provide: (key: "templateDatabase", value: string) => void }) {
  const hash = createHash("sha256");
  for (const dir of readdirSync("prisma/migrations").filter((d) => /^\d/.test(d)).sort()) {
    hash.update(readFileSync(`prisma/migrations/${dir}/migration.sql`));
  }
  const template = `brb_template_${hash.digest("hex").slice(0, 12)}`;
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await admin.connect();
  try {
    // Two test runs at once: one builds the template, the other waits for it.
    await admin.query("SELECT pg_advisory_lock(hashtext('brueckenbot-test-template'))");
    const exists = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [template]);
    if (exists.rowCount === 0) {
      await admin.query(`DROP DATABASE IF EXISTS "${template}_tmp" WITH (FORCE)`);
      await admin.query(`CREATE DATABASE "${template}_tmp"`);
      await migrate(databaseUrl(`${template}_tmp`));
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
  provide("templateDatabase", template);
}

declare module "vitest" {
  export interface ProvidedContext {
    templateDatabase: string;
  }
}
