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
      { test: { ...shared, name: "main", include: ["tests/**/*.test.ts"], exclude: ["tests/load/**", "tests/browser/**"], maxWorkers: 2 } },
      // Load tests measure acknowledgement times and the browser test drives Chromium: they run alone, after the others.
      { test: { ...shared, name: "slow", include: ["tests/load/**/*.test.ts", "tests/browser/**/*.test.ts"], maxWorkers: 1 } },
    ],
  },
});
