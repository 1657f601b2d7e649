import { describe, expect, it } from "vitest";
import { isOutage } from "../../ops/outage.js";
import { useCore } from "../helpers/core.js";

const world = useCore();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("a transaction whose connection the server ends", () => {
  it("fails as an outage instead of ending the process, and the pool goes on with a new connection", async () => {
    const failed = await world.database
      .sqlTransaction(async (tx) => {
        const [{ pid } = { pid: 0 }] = await tx.sql<{ pid: number }>("SELECT pg_backend_pid() AS pid", []);
        // As a PostgreSQL restart does: the server ends the connection while the transaction holds it, between
        // two statements (node-postgres then emits 'error' on the client, which unheard ends the process).
        await world.database.sql("SELECT pg_terminate_backend($1)", [pid]);
        await sleep(200);
        await tx.sql("SELECT 1", []);
      })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(isOutage(failed), String(failed)).toBe(true);
    const [row] = await world.database.sql<{ ok: number }>("SELECT 1 AS ok", []);
    expect(row?.ok).toBe(1);
  });
});
