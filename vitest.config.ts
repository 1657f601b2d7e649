import { defineConfig } from "vitest/config";

/** Tests that need nothing but Node.js: no PostgreSQL, no Redis, so no global setup. */
const UNIT = "tests/**/*.unit.test.ts";

const withServers = {
  globalSetup: ["tests/helpers/global-setup.ts"],
  testTimeout: 30_000,
  hookTimeout: 60_000,
  pool: "forks" as const,
};

export default defineConfig({
  test: {
    reporters: ["default"],
    projects: [
      { test: { name: "unit", include: [UNIT], testTimeout: 30_000, pool: "forks" } },
      // Two workers on a two-core machine: more would only make every test slower.
      { test: { ...withServers, name: "main", include: ["tests/**/*.test.ts"], exclude: [UNIT, "tests/load/**", "tests/browser/**", "tests/faults/**"], maxWorkers: 2 } },
      // Load tests measure acknowledgement times, the browser test drives Chromium, the fault suite stops and kills
      // servers of its own under a product process: they run alone, after the others.
      { test: { ...withServers, name: "slow", include: ["tests/load/**/*.test.ts", "tests/browser/**/*.test.ts", "tests/faults/**/*.test.ts"], maxWorkers: 1 } },
    ],
  },
});
