import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { databaseUrl } from "../helpers/env.js";
import { demoReady, npmStart, pressCtrlC, runScript } from "../helpers/npm-start.js";
import { createTestDatabase, dropTestDatabase, freePort } from "../helpers/stack.js";

/** `npm run db:seed [-- slug]` with only these settings: its exit code and what it printed. */
async function seed(env: Record<string, string>, slug?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const run = runScript("db:seed", env, slug === undefined ? [] : [slug]);
  const code = await run.exited;
  return { code, stdout: run.stdout().trim(), stderr: run.stderr().trim() };
}

const EVERYTHING_ADDED = "added 2 of 2 working groups, 1 of 1 events, 16 of 16 example contact points, 6 of 6 example leisure offers";
const NOTHING_ADDED = "added 0 of 2 working groups, 0 of 1 events, 0 of 16 example contact points, 0 of 6 example leisure offers";

describe("npm run db:seed on every database the product runs on", () => {
  const dataDirs: string[] = [];
  const newDataDir = () => {
    const dir = mkdtempSync(path.join(tmpdir(), "brb-seed-"));
    dataDirs.push(dir);
    return dir;
  };
  afterAll(() => {
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  });

  it("seeds the embedded database without DATABASE_URL (creating and migrating it), says what it added, and adds nothing twice", async () => {
    const dataDir = newDataDir();
    const first = await seed({ DATA_DIR: dataDir });
    expect(first).toEqual({ code: 0, stdout: `Seeded beckum in the embedded database in ${dataDir}/pglite: ${EVERYTHING_ADDED} (the rest was there already and is left as it is).`, stderr: "" });
    // Kept in DATA_DIR: a second run finds everything there.
    const second = await seed({ DATA_DIR: dataDir });
    expect(second.code).toBe(0);
    expect(second.stdout).toContain(NOTHING_ADDED);
  }, 120_000);

  it("seeds the database at DATABASE_URL, creating the configured network, and names a network that is not there", async () => {
    const database = await createTestDatabase();
    try {
      const env = { DATABASE_URL: databaseUrl(database), NETWORK_SLUG: "warendorf", NETWORK_NAME: "Warendorf" };
      const seeded = await seed(env);
      expect(seeded.code).toBe(0);
      expect(seeded.stdout).toMatch(new RegExp(`^Seeded warendorf in the database at [^ ]+/${database}: ${EVERYTHING_ADDED}`));
      const client = new pg.Client({ connectionString: databaseUrl(database) });
      await client.connect();
      const groups = await client.query<{ name: string }>(`SELECT g.name FROM "WorkingGroup" g JOIN "Network" n ON n.id = g."networkId" WHERE n.slug = 'warendorf' ORDER BY g.name`);
      await client.end();
      expect(groups.rows.map((r) => r.name)).toEqual(["AG Kontakt mit Behörden", "AG Zusammenleben gestalten"]);

      const unknown = await seed(env, "ennigerloh");
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toMatch(/^ennigerloh: no such network in the database at .+ \(npm run networks -- list; NETWORK_SLUG's network, warendorf, is created by npm start and by this seed\)$/);
    } finally {
      await dropTestDatabase(database);
    }
  }, 120_000);

  it("while npm start holds the embedded database: seeds through the running product, and a second npm start is refused in one line", async () => {
    const dataDir = newDataDir();
    const run = npmStart({ DATA_DIR: dataDir, PORT: String(await freePort()) });
    try {
      await demoReady(run);
      expect(run.stdout()).toContain("brückenbot started");

      // Ahlen, set up by the demo with the working groups only, gets the example catalogue.
      const seeded = await seed({ DATA_DIR: dataDir }, "ahlen");
      expect(seeded.code).toBe(0);
      const through = new RegExp(`^Seeded ahlen in the embedded database in ${dataDir}/pglite \\(through the running process (\\d+)\\): added 0 of 2 working groups, 0 of 1 events, 16 of 16 example contact points, 6 of 6 example leisure offers`);
      expect(seeded.stdout).toMatch(through);
      const holder = Number(through.exec(seeded.stdout)?.[1]);
      expect(holder).toBe(run.child.pid);

      // Two PGlite instances on the same files would corrupt them.
      const second = npmStart({ DATA_DIR: dataDir, PORT: String(await freePort()) });
      expect(await second.exited).toBe(1);
      expect(second.stderr().trim()).toBe(
        `Cannot start: DATA_DIR: the embedded database in ${dataDir}/pglite is in use by process ${holder} (is Brückenbot running already?): stop that process, or set DATA_DIR to another folder.`,
      );
    } finally {
      pressCtrlC(run);
      expect(await run.exited).toBe(0);
    }
  }, 300_000);
});

