import { afterAll, describe, expect, it } from "vitest";
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Queue } from "bullmq";
import { enqueueOutboundTelegram, OUTBOUND_TELEGRAM, type OutboundJob } from "../../jobs/outbound-telegram.js";
import { Scene, startServers, type Servers } from "./harness.js";

/**
 * The measurement behind README's "What a crash can do": the sender killed mid-burst, again and again, and
 * what each kill cost. Heavy (a product start per kill), so it runs only when asked:
 * `FAULT_KILLS=20 npx vitest run --project slow tests/faults/kill-sender.test.ts`.
 */
const KILLS = Number(process.env.FAULT_KILLS ?? 0);
const CHATS = Array.from({ length: 20 }, (_, i) => 73_000 + i);
const PER_CHAT = 3;

describe.skipIf(KILLS === 0)("the sender killed mid-burst, again and again", () => {
  let servers: Servers | undefined;
  let scene: Scene | undefined;
  let closeQueue = async () => undefined as unknown;
  afterAll(async () => {
    await closeQueue();
    await scene?.close();
    await servers?.stop();
  });

  it(`${KILLS} kills: nothing lost, at most one message per chat doubled per kill, each announced`, async () => {
    servers = await startServers();
    const s = (scene = await Scene.open(servers, { queue: "redis", telegramMode: "polling", volunteers: 0, newcomers: 0 }));
    for (const chat of CHATS) s.telegram.user(chat);
    await s.start();
    const queue = new Queue<OutboundJob>(OUTBOUND_TELEGRAM, { connection: { host: "127.0.0.1", port: Number(new URL(servers.redis.url).port) }, prefix: s.prefix });
    closeQueue = () => queue.close();
    const figures: { kill: number; sentBeforeKill: number; lost: number; doubled: number; announced: number }[] = [];
    for (let kill = 1; kill <= KILLS; kill++) {
      const before = s.telegram.sendsAccepted;
      const ids = await s.core.arrivals.tellMany(CHATS.flatMap((chat) => Array.from({ length: PER_CHAT }, (_, i) => ({ recipient: chat, intent: { kind: "send" as const, locale: "de" as const, parts: [{ text: `Nachricht ${kill}.${i}` }] } }))));
      // Queued as the product's relay queues what it commits (rows written here are not the product's own).
      await enqueueOutboundTelegram(queue, ids);
      // Somewhere in the burst: after 1 to 40 of its 60 messages.
      const cut = 1 + Math.floor(Math.random() * 40);
      await s.telegram.waitFor(() => s.telegram.sendsAccepted >= before + cut || undefined, 90_000, `burst ${kill} under way`).catch((error: unknown) => {
        const file = path.join(tmpdir(), "brb-kill-sender.log");
        writeFileSync(file, s.logs.join("\n"));
        throw new Error(`${String(error)} (product log: ${file})`);
      });
      await s.kill();
      const sentBeforeKill = s.telegram.sendsAccepted - before;
      await s.start();
      await s.settle(60_000);
      const tally = await s.tally();
      figures.push({ kill, sentBeforeKill, lost: tally.lost, doubled: tally.doubled, announced: tally.announced });
      console.log(`kill ${kill}: ${sentBeforeKill} of the burst sent before it, lost ${tally.lost}, doubled ${tally.doubled} (announced ${tally.announced})`);
      expect(tally.problems, `kill ${kill}`).toEqual([]);
    }
    const total = (key: "lost" | "doubled" | "announced") => figures.reduce((sum, f) => sum + f[key], 0);
    console.log(
      `\n${KILLS} kills mid-burst (${CHATS.length * PER_CHAT} messages each): lost ${total("lost")}, doubled ${total("doubled")} ` +
        `(announced ${total("announced")}), doubled per kill: ${figures.map((f) => f.doubled).join(" ")}\n`,
    );
    expect(total("lost")).toBe(0);
    expect(total("doubled")).toBeLessThanOrEqual(total("announced"));
  }, 900_000);
});
