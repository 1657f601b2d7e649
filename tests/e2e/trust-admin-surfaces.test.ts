import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHttpApp, installOperations, listen } from "../../bot/http.js";
import { createMetrics } from "../../ops/metrics.js";
import { OUTBOUND_TELEGRAM } from "../../jobs/outbound-telegram.js";
import { startStack, type Stack } from "../helpers/stack.js";

const PASSWORD = "queue-board-password";
const METRICS_TOKEN = "metrics-token-0123456789";
const basic = (password: string) => ({ authorization: `Basic ${Buffer.from(`admin:${password}`).toString("base64")}` });
const pause = (stack: Stack, headers: Record<string, string> = {}) =>
  fetch(`${stack.url}/admin/queues/api/queues/${OUTBOUND_TELEGRAM}/pause`, { method: "PUT", headers });
const pauseAll = (stack: Stack, headers: Record<string, string> = {}) => fetch(`${stack.url}/admin/queues/api/queues/pause`, { method: "PUT", headers });
const paused = (stack: Stack) => stack.app.queues.queue(OUTBOUND_TELEGRAM).isPaused();

/**
 * The review paused the dispatch queue with one PUT to /admin/queues of a server that was not in
 * production mode. Outside demo mode the board now needs the password whatever NODE_ENV says, and it only
 * shows unless writing is explicitly allowed; /metrics can need a token; /readyz tells no internals.
 */
describe("admin surfaces", () => {
  describe("without ADMIN_PASSWORD (NODE_ENV is not production)", () => {
    let stack: Stack;
    beforeAll(async () => {
      stack = await startStack({ env: { NODE_ENV: "development" } });
    });
    afterAll(() => stack?.stop());

    it("serves no queue board at all and says so in one log line", async () => {
      expect((await fetch(`${stack.url}/admin/queues`)).status).toBe(404);
      expect((await pause(stack)).status).toBe(404);
      expect((await pauseAll(stack)).status).toBe(404);
      expect(await paused(stack)).toBe(false);
      expect(stack.logs.filter((line) => line.includes("/admin/queues is off: set ADMIN_PASSWORD"))).toHaveLength(1);
    });

    it("serves /metrics without a token when none is configured (for a private network)", async () => {
      expect((await fetch(`${stack.url}/metrics`)).status).toBe(200);
    });
  });

  describe("with ADMIN_PASSWORD and METRICS_TOKEN", () => {
    let stack: Stack;
    beforeAll(async () => {
      stack = await startStack({ env: { ADMIN_PASSWORD: PASSWORD, METRICS_TOKEN } });
    });
    afterAll(() => stack?.stop());

    it("asks for the password, and the admin with it sees the queues but cannot pause them", async () => {
      expect((await fetch(`${stack.url}/admin/queues`)).status).toBe(401);
      expect((await pause(stack)).status).toBe(401);
      expect((await pause(stack, basic("wrong-password-123"))).status).toBe(401);
      expect(await paused(stack)).toBe(false);

      expect((await fetch(`${stack.url}/admin/queues`, { headers: basic(PASSWORD) })).status).toBe(200);
      const queues = (await (await fetch(`${stack.url}/admin/queues/api/queues`, { headers: basic(PASSWORD) })).json()) as { queues: { name: string; readOnlyMode: boolean }[] };
      expect(queues.queues.map((q) => q.name)).toContain(OUTBOUND_TELEGRAM);
      expect(queues.queues.every((q) => q.readOnlyMode)).toBe(true);
      expect((await pause(stack, basic(PASSWORD))).status).toBe(405);
      await pauseAll(stack, basic(PASSWORD));
      expect(await paused(stack)).toBe(false);
    });

    it("serves /metrics only with the bearer token", async () => {
      expect((await fetch(`${stack.url}/metrics`)).status).toBe(401);
      expect((await fetch(`${stack.url}/metrics`, { headers: { authorization: "Bearer wrong-token-0123456789" } })).status).toBe(401);
      const metrics = await fetch(`${stack.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toContain("brb_process_resident_memory_bytes");
      // Health and readiness stay open for the container's checks.
      expect((await fetch(`${stack.url}/readyz`)).status).toBe(200);
    });
  });

  describe("with ADMIN_QUEUES_WRITABLE=true", () => {
    let stack: Stack;
    beforeAll(async () => {
      stack = await startStack({ env: { ADMIN_PASSWORD: PASSWORD, ADMIN_QUEUES_WRITABLE: "true" } });
    });
    afterAll(() => stack?.stop());

    it("lets the admin with the password pause and resume a queue, and nobody else", async () => {
      expect((await pause(stack)).status).toBe(401);
      expect(await paused(stack)).toBe(false);
      expect((await pause(stack, basic(PASSWORD))).ok).toBe(true);
      expect(await paused(stack)).toBe(true);
      const resumed = await fetch(`${stack.url}/admin/queues/api/queues/${OUTBOUND_TELEGRAM}/resume`, { method: "PUT", headers: basic(PASSWORD) });
      expect(resumed.ok).toBe(true);
      expect(await paused(stack)).toBe(false);
    });
  });

  it("/readyz names the part that is down, and keeps the reason for the log", async () => {
    const warnings: unknown[] = [];
    const http = createHttpApp();
    installOperations(http, {
      registry: createMetrics().registry,
      metricsToken: undefined,
      log: { warn: (...args: unknown[]) => void warnings.push(args) } as never,
      checks: {
        postgres: () => Promise.reject(new Error('password authentication failed for user "brueckenbot" at db.internal:5432')),
        queues: () => Promise.resolve(),
      },
    });
    const server = await listen(http, 0, "127.0.0.1");
    try {
      const address = server.address() as { port: number };
      const ready = await fetch(`http://127.0.0.1:${address.port}/readyz`);
      expect(ready.status).toBe(503);
      const text = await ready.text();
      expect(JSON.parse(text)).toEqual({ status: "not ready", checks: { postgres: "down", queues: "ok" } });
      expect(text).not.toMatch(/password|db\.internal|5432/);
      expect(JSON.stringify(warnings)).toContain("postgres");
    } finally {
      server.close();
    }
  });

  it("npm run start:prod runs in production mode", () => {
    const scripts = (JSON.parse(readFileSync("package.json", "utf8")) as { scripts: Record<string, string> }).scripts;
    expect(scripts["start:prod"]).toMatch(/^NODE_ENV=production /);
  });
});
