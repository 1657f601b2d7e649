import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { demoReady, npmStart } from "../helpers/npm-start.js";
import { freePort } from "../helpers/probe.js";

type SimulatorState = { telegram: { id: number; messages: { from: number | "bot"; text?: string }[] }[] };

/** A persona of the demo: Amina, a newcomer. */
const AMINA = 7001;

/**
 * The demo keeps its database in DATA_DIR across starts, while its Telegram emulator starts afresh each
 * time: the update ids of a new start must never be taken for ones the bot handled before.
 */
describe("npm start, stopped and started again on the same data", () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), "brb-demo-restart-"));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  async function demo(): Promise<{ port: number; output: () => string; stop: () => Promise<number | null> }> {
    const port = await freePort();
    const run = npmStart({ DATA_DIR: dataDir, PORT: String(port) });
    const output = () => run.stdout() + run.stderr();
    await demoReady(run);
    if (!output().includes("Stop with Ctrl+C")) throw new Error(`the demo did not start:\n${output().slice(-3000)}`);
    return {
      port,
      output,
      stop: async () => {
        run.child.kill("SIGTERM");
        return run.exited;
      },
    };
  }

  /** Amina writes /start in the simulator; resolves to the number of answers she got to it. */
  async function aminaWritesStart(port: number): Promise<number> {
    const mine = async () => {
      const state = (await (await fetch(`http://127.0.0.1:${port}/sim/state`)).json()) as SimulatorState;
      return state.telegram.find((p) => p.id === AMINA)?.messages ?? [];
    };
    const before = (await mine()).length;
    const sent = await fetch(`http://127.0.0.1:${port}/sim/telegram/send`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ user: AMINA, text: "/start" }) });
    expect(sent.status).toBeLessThan(300);
    const deadline = Date.now() + 30_000;
    for (;;) {
      const answers = (await mine()).slice(before).filter((m) => m.from === "bot");
      if (answers.length > 0 || Date.now() > deadline) return answers.length;
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  it("answers after the restart as before it: no update of the new start is taken for a duplicate", async () => {
    const first = await demo();
    expect(await aminaWritesStart(first.port)).toBeGreaterThan(0);
    expect(await first.stop()).toBe(0);

    const second = await demo();
    try {
      expect(await aminaWritesStart(second.port)).toBeGreaterThan(0);
      expect(second.output()).not.toContain("duplicate update ignored");
    } finally {
      expect(await second.stop()).toBe(0);
    }
  }, 300_000);
});
