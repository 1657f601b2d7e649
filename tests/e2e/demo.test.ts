import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freePort, startStack } from "../helpers/stack.js";
import { waitForText } from "../helpers/telegram.js";

describe("npm start with nothing configured", () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), "brb-demo-"));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it("boots emulators, embedded PostgreSQL and queues on it, then shuts down cleanly on SIGTERM", async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ["--import", "tsx", "bot/main.ts"], {
      env: { PATH: process.env.PATH, DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: "info" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));

    const deadline = Date.now() + 60_000;
    while (!output.includes("brückenbot started") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(output).toContain("local demo mode");
    expect(output).toContain('"queues":"postgres"');
    expect(output).toContain('"embeddedDatabase":true');

    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(ready.status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${port}/admin/queues`)).status).toBe(200);
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toContain("Szenario abspielen");

    // The scripted day, twice, on the embedded database and the queues on it.
    for (let run = 1; run <= 2; run++) {
      await fetch(`http://127.0.0.1:${port}/sim/scenario`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
      let last = "";
      for (let i = 0; i < 60 && !/Fertig|⚠/.test(last); i++) {
        await new Promise((r) => setTimeout(r, 1000));
        const state = (await (await fetch(`http://127.0.0.1:${port}/sim/state`)).json()) as { scenario: { log: string[] } };
        last = state.scenario.log.at(-1) ?? "";
      }
      expect(last, `scenario run ${run}`).toContain("Fertig");
    }

    const stoppedAt = Date.now();
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(Date.now() - stoppedAt).toBeLessThan(10_000);
    expect(output).toContain('"msg":"stopped"');
  }, 180_000);
});

describe("long polling (the demo's way of receiving updates)", () => {
  it("answers /start received through getUpdates", async () => {
    const stack = await startStack({ telegramMode: "polling", queue: "postgres" });
    try {
      stack.telegram.user(4001, { language_code: "so" });
      await stack.telegram.sendText(4001, "/start");
      const picker = await waitForText(stack.telegram, 4001, stack.app.i18n.t("so", "language.choose").split("\n")[0] ?? "");
      expect(picker.reply_markup?.inline_keyboard.flat()[0]?.text).toBe("Soomaali");
    } finally {
      await stack.stop();
    }
  });
});
