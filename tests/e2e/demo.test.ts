import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freePort, startStack } from "../helpers/stack.js";
import { demoReady, npmStart } from "../helpers/npm-start.js";
import { waitForText } from "../helpers/telegram.js";
import { ACTIONS } from "../../handlers/slack/action-ids.js";

/** What the simulator page reads from /sim/state, as far as this test looks. */
type SimulatorState = {
  scenario: { log: string[] };
  telegram: { id: number; messages: { text?: string }[] }[];
  towns: { slug: string; workspace: { teamId: string; channels: { name: string; messages: unknown[] }[] } }[];
};

describe("npm start with nothing configured", () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), "brb-demo-"));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it("boots emulators, embedded PostgreSQL and queues on it, two towns with a Slack workspace each, plays the day, then shuts down cleanly on SIGTERM", async () => {
    const port = await freePort();
    const run = npmStart({ DATA_DIR: dataDir, PORT: String(port) });
    const output = () => run.stdout() + run.stderr();
    // Ready once both towns' workspaces have added the app and are linked (the banner follows).
    await demoReady(run);
    expect(output()).toContain("brückenbot started");
    expect(output()).toContain("local demo mode");
    expect(output()).toContain('"queues":"postgres"');
    expect(output()).toContain('"embeddedDatabase":true');

    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(ready.status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${port}/admin/queues`)).status).toBe(200);
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toContain("Szenario abspielen");
    // Each town's posters, served by the product.
    for (const town of ["Beckum", "Ahlen"]) {
      const posters = await fetch(`http://127.0.0.1:${port}/posters/${town.toLowerCase()}`);
      expect(posters.status).toBe(200);
      expect(await posters.text()).toContain(`Brückenbot · ${town}`);
    }

    // The scripted day in both towns, twice, on the embedded database and the queues on it.
    const state = async () => (await (await fetch(`http://127.0.0.1:${port}/sim/state`)).json()) as SimulatorState;
    for (let run = 1; run <= 2; run++) {
      await fetch(`http://127.0.0.1:${port}/sim/scenario`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
      let last = "";
      const until = Date.now() + 300_000;
      while (!/Fertig|⚠/.test(last) && Date.now() < until) {
        await new Promise((r) => setTimeout(r, 1000));
        last = (await state()).scenario.log.at(-1) ?? "";
      }
      expect(last, `scenario run ${run}`).toContain("Fertig");
    }

    // Two workspaces, each linked to its town: Ahlen's request went to Yusuf, Beckum's alert to Beckum's coordinators only.
    const { telegram, towns } = await state();
    const lastReference = (id: number) => telegram.find((p) => p.id === id)?.messages.flatMap((m) => m.text?.match(/[A-Z2-9]{3}-[A-Z2-9]{3}/g) ?? []).at(-1) ?? "none";
    const amina = lastReference(7001);
    const dawit = lastReference(7002);
    const messagesOf = (slug: string) => towns.find((t) => t.slug === slug)?.workspace.channels.flatMap((c) => c.messages.map((m) => ({ channel: c.name, json: JSON.stringify(m) }))) ?? [];
    expect(towns.map((t) => [t.slug, t.workspace.teamId])).toEqual([["beckum", "T0BRUECKE"], ["ahlen", "T0AHLEN"]]);
    expect(telegram.find((p) => p.id === 7001)?.messages.some((m) => m.text?.includes("Yusuf") && m.text.includes(amina))).toBe(true);
    expect(messagesOf("beckum").some((m) => m.channel === "koordination" && m.json.includes(dawit) && m.json.includes(ACTIONS.offerToAll))).toBe(true);
    expect(messagesOf("ahlen").filter((m) => m.json.includes(dawit))).toEqual([]);
    expect(messagesOf("beckum").filter((m) => m.json.includes(amina))).toEqual([]);
    for (const slug of ["beckum", "ahlen"]) expect(messagesOf(slug).some((m) => m.channel === "koordination" && m.json.includes("Neue Anmeldung: Yusuf"))).toBe(true);

    const stoppedAt = Date.now();
    run.child.kill("SIGTERM");
    expect(await run.exited).toBe(0);
    expect(Date.now() - stoppedAt).toBeLessThan(10_000);
    expect(output()).toContain('"msg":"stopped"');
  }, 900_000);
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
