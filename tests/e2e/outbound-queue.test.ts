import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PrismaClient } from "../../generated/prisma/client.js";
import { createDatabase } from "../../core/db.js";
import { tellMany, type TelegramIntent } from "../../core/outbox.js";
import { OUTBOUND_TELEGRAM, outboundJobId } from "../../jobs/outbound-telegram.js";
import { OUTBOX_SWEEP } from "../../jobs/outbox.js";
import { skipIfRedisAbsent } from "../helpers/env.js";
import { eventually } from "../helpers/wait.js";
import { startStack, type QueueBackend, type Stack } from "../helpers/stack.js";

const intent = (n: number): TelegramIntent => ({ kind: "send", locale: "de", parts: [{ text: `Nachricht ${n}` }] });

describe.each<QueueBackend>(["redis", "postgres"])("outbound Telegram queue on %s", (queue) => {
  let stack: Stack | undefined;
  beforeEach(skipIfRedisAbsent(queue));
  afterEach(async () => {
    await stack?.stop();
    stack = undefined;
  });

  async function burst(s: Stack, chats: number[], perChat = 1): Promise<void> {
    for (const chat of chats) s.telegram.user(chat);
    const messages = chats.flatMap((chat) =>
      Array.from({ length: perChat }, (_, i) => ({ recipient: chat, intent: intent(i) })),
    );
    await tellMany(s.app.database, messages);
  }

  it("delivers a burst of 100 messages completely, each once, never faster than 30 a second", async () => {
    stack = await startStack({ queue, env: { TELEGRAM_MESSAGES_PER_SECOND: "30" } });
    const s = stack;
    s.telegram.setLimits({ perSecond: 30 });
    const chats = Array.from({ length: 100 }, (_, i) => 500_000 + i);
    const started = Date.now();
    await burst(s, chats);
    await s.telegram.waitFor(() => chats.every((c) => s.telegram.botMessages(c).length > 0), 20_000, "100 deliveries");
    const elapsed = Date.now() - started;

    for (const chat of chats) expect(s.telegram.botMessages(chat)).toHaveLength(1);
    const sends = s.telegram.acceptedSends().map((x) => x.at).sort((a, b) => a - b);
    expect(sends).toHaveLength(100);
    // In every sliding second at most 30 sends: the emulator enforces it and never had to refuse one.
    for (let i = 30; i < sends.length; i++) expect((sends[i] ?? 0) - (sends[i - 30] ?? 0)).toBeGreaterThanOrEqual(990);
    expect(s.telegram.rateLimited).toBe(0);
    expect(elapsed).toBeGreaterThanOrEqual(3000);
    await eventually(async () => expect(await s.app.database.prisma.outbox.count({ where: { status: { not: "SENT" } } })).toBe(0));
  });

  it("honours retry_after when Telegram answers 429, and still delivers everything exactly once", async () => {
    stack = await startStack({ queue, env: { TELEGRAM_MESSAGES_PER_SECOND: "30" } });
    const s = stack;
    s.telegram.setLimits({ perSecond: 10 });
    const chats = Array.from({ length: 30 }, (_, i) => 600_000 + i);
    await burst(s, chats);
    await s.telegram.waitFor(() => chats.every((c) => s.telegram.botMessages(c).length > 0), 20_000, "30 deliveries");
    expect(s.telegram.rateLimited).toBeGreaterThan(0);
    for (const chat of chats) expect(s.telegram.botMessages(chat)).toHaveLength(1);
    const refused = s.telegram.calls.filter((c) => c.status === 429);
    const accepted = s.telegram.calls.filter((c) => c.method === "sendMessage" && c.status === 200);
    // After a 429 the sender waits the time Telegram asked for before the next attempt (a send that was
    // already under way beside the refused one, a few milliseconds later, is not an attempt after it).
    const firstRefusal = refused[0]?.at ?? 0;
    const nextAttempt = s.telegram.calls.find((c) => c.method === "sendMessage" && c.at > firstRefusal + 30);
    expect((nextAttempt?.at ?? 0) - firstRefusal).toBeGreaterThanOrEqual(900);
    expect(accepted).toHaveLength(30);
  });

  it("keeps one chat's messages in order and paced", async () => {
    stack = await startStack({ queue, env: { TELEGRAM_CHAT_INTERVAL_MS: "200" } });
    const s = stack;
    await burst(s, [700_001], 5);
    const chat = await s.telegram.waitFor(() => {
      const messages = s.telegram.botMessages(700_001);
      return messages.length === 5 ? messages : undefined;
    }, 10_000);
    expect(chat.map((m) => m.text)).toEqual(["Nachricht 0", "Nachricht 1", "Nachricht 2", "Nachricht 3", "Nachricht 4"]);
    const times = s.telegram.acceptedSends().filter((x) => x.chatId === 700_001).map((x) => x.at);
    for (let i = 1; i < times.length; i++) expect((times[i] ?? 0) - (times[i - 1] ?? 0)).toBeGreaterThanOrEqual(190);
  });

  it("puts back what the queue lost: rows committed without a job are sent by the sweep", async () => {
    stack = await startStack({ queue });
    const s = stack;
    s.telegram.user(800_001);
    // Committed, but never queued (as if the process died right after the commit, or Redis lost it): written
    // through a client of its own, which has no relay to the queues.
    const pool = new pg.Pool(s.app.database.pool);
    const other = new PrismaClient({ adapter: new PrismaPg(pool) });
    await tellMany(createDatabase(other, pool), [{ recipient: 800_001, intent: intent(1) }]);
    await other.$disconnect();
    await pool.end();
    const message = await s.telegram.nextBotMessage(800_001, 10_000);
    expect(message.text).toBe("Nachricht 0".replace("0", "1"));
  });

  it("the sweep leaves alone messages whose jobs wait their turn, and puts back only one whose job is gone", async () => {
    stack = await startStack({ queue, env: { OUTBOX_SWEEP_MS: "300" } });
    const s = stack;
    const chats = [800_101, 800_102, 800_103, 800_104];
    for (const chat of chats) s.telegram.user(chat);
    // The scheduled sweep held, so that only the test's own sweeps run.
    await s.app.queues.queue(OUTBOX_SWEEP).pause();
    const outbound = s.app.queues.queue(OUTBOUND_TELEGRAM);
    await outbound.pause();
    const ids = await tellMany(s.app.database, chats.map((chat, i) => ({ recipient: chat, intent: intent(i) })));
    await new Promise((resolve) => setTimeout(resolve, 600));
    // Unsent for longer than the sweep's grace, but each one's job is there, waiting.
    expect(await s.app.relay.sweep()).toBe(0);
    await outbound.remove(outboundJobId(ids[2] ?? 0n));
    expect(await s.app.relay.sweep()).toBe(1);
    await outbound.resume();
    await s.telegram.waitFor(() => chats.every((chat) => s.telegram.botMessages(chat).length > 0) || undefined, 10_000, "all four");
    for (const chat of chats) expect(s.telegram.botMessages(chat)).toHaveLength(1);
  });

  it("a message whose job failed for good (its retries spent in a long outage) is sent by the sweep", async () => {
    stack = await startStack({ queue, env: { OUTBOX_SWEEP_MS: "1500" } });
    const s = stack;
    s.telegram.user(800_201);
    // Committed without a job (through a client with no relay), then a job under its id that fails for good
    // (one without an outbox id fails at once): as if its ten attempts had run out.
    const pool = new pg.Pool(s.app.database.pool);
    const other = new PrismaClient({ adapter: new PrismaPg(pool) });
    const [id = 0n] = await tellMany(createDatabase(other, pool), [{ recipient: 800_201, intent: intent(7) }]);
    await other.$disconnect();
    await pool.end();
    const outbound = s.app.queues.queue(OUTBOUND_TELEGRAM);
    await outbound.add("send", {} as never, { jobId: outboundJobId(id), attempts: 1, removeOnFail: { age: 7 * 24 * 3600 } });
    await eventually(async () => expect(await outbound.getJobState(outboundJobId(id))).toBe("failed"), 5_000);
    const message = await s.telegram.nextBotMessage(800_201, 10_000);
    expect(message.text).toBe("Nachricht 7");
    expect(s.telegram.botMessages(800_201)).toHaveLength(1);
  });
});
