import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { skipIfRedisAbsent } from "../helpers/env.js";
import { startStack, type QueueBackend, type Stack } from "../helpers/stack.js";
import { QUEUE_NAMES } from "../../jobs/names.js";

const PASSWORD = "board-password-for-tests";

/** What Bull Board's page reads from its API, as far as this test looks. */
type BoardQueues = { queues: { name: string; hasWorkers: boolean | null }[] };
type BoardWorkers = { workers: { id: string; addr: string; age: number }[] | null };

describe.each<QueueBackend>(["redis", "postgres"])("the queue board on %s", (queue) => {
  let stack: Stack | undefined;
  beforeEach(skipIfRedisAbsent(queue));
  afterEach(async () => {
    await stack?.stop();
    stack = undefined;
  });

  it("shows the workers of every queue, with where they connect from", async () => {
    stack = await startStack({ queue, env: { ADMIN_PASSWORD: PASSWORD } });
    const board = async <T,>(path: string) => {
      const res = await fetch(`${stack?.url ?? ""}/admin/queues/api${path}`, { headers: { authorization: `Basic ${Buffer.from(`admin:${PASSWORD}`).toString("base64")}` } });
      expect(res.status, `${path}: ${res.status === 200 ? "" : await res.text()}`).toBe(200);
      return (await res.json()) as T;
    };
    const { queues } = await board<BoardQueues>("/queues");
    expect(queues.map((q) => [q.name, q.hasWorkers]).sort()).toEqual(QUEUE_NAMES.map((name) => [name, true]).sort());
    for (const name of QUEUE_NAMES) {
      const { workers } = await board<BoardWorkers>(`/queues/${encodeURIComponent(name)}/workers`);
      expect(workers?.length, name).toBeGreaterThanOrEqual(1);
      for (const worker of workers ?? []) expect(worker.addr, name).toMatch(/^\S+:\d+$/);
    }
  });
});
