import { defineConfig } from "vitest/config";

const shared = {
  globalSetup: ["tests/helpers/global-setup.ts"],
  testTimeout: 30_000,
  hookTimeout: 60_000,
  pool: "forks" as const,
};

export default defineConfig({
  test: {
    reporters: ["default"],
    projects: [
      // Two workers on a two-core machine: more would only make every test slower.
      { test: { ...shared, name: "main", include: ["tests/**/*.test.ts"], exclude: ["tests/load/**"], maxWorkers: 2 } },
      // Load tests measure acknowledgement times, so they run alone, after the others.
      { test: { ...shared, name: "load", include: ["tests/load/**/*.test.ts"], maxWorkers: 1 } },
    ],
  },
});
