import { randomUUID } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";
import { TEST_POSTGRES_URL } from "./env.js";

/** A fresh database from the migrated template. */
export async function createTestDatabase(): Promise<string> {
  // The creation time in the name lets a later run clean up what an interrupted one left behind.
  const name = `brb_test_${Math.floor(Date.now() / 1000)}_${randomUUID().replaceAll("-", "").slice(0, 12)}`;
  await adminQuery(`CREATE DATABASE "${name}" TEMPLATE "${inject("templateDatabase")}"`);
  return name;
}

export async function dropTestDatabase(name: string): Promise<void> {
  await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await client.connect();
  try {
    // Creating from a template fails while another session is connected to it; retry briefly.
    for (let attempt = 0; ; attempt++) {
      try {
        await client.query(sql);
        return;
      } catch (error) {
        if (attempt >= 20 || !String(error).includes("being accessed by other users")) throw error;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  } finally {
    await client.end();
  }
}
