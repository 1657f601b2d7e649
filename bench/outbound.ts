import { t } from "../core/messages.js";
import { enqueueOutboundTelegram, OUTBOUND_TELEGRAM, type OutboundJob } from "../jobs/outbound-telegram.js";
import { TelegramEmulator, type SimCall } from "../sim/telegram-api.js";
import { queueKit, type Backend, type QueuePlace } from "./queues.js";
import {
  deleteRedisPrefix,
  freshDatabase,
  settledRssMb,
  sleep,
  startProducts,
  TELEGRAM_TOKEN,
  type Figure,
  type MemorySample,
  type ProductProcess,
} from "./support.js";

const MESSAGES = 1000;
const FIRST_CHAT = 4_000_000;
const LIMIT = 30;

/**
 * 1,000 offers to 1,000 chats, all due at once, through a fake Bot API that allows 30 messages a second
 * (sliding window) and answers 429 with `retry_after` above it: all delivered, none twice, in about the
 * 33.3 s the limit allows.
 */
export async function outbound(run: { backend: Backend; processes: number }): Promise<{ figures: Figure[]; memory: MemorySample[] }> {
  const telegram = await TelegramEmulator.start({ token: TELEGRAM_TOKEN, limits: { perSecond: LIMIT } });
  const database = await freshDatabase();
  const prefix = `brbbench-outbound-${Date.now()}`;
  const place: QueuePlace = run.backend === "redis" ? { backend: "redis", prefix } : { backend: "postgres", databaseUrl: database.url };
  const products: ProductProcess[] = [];
  try {
    const chats = Array.from({ length: MESSAGES }, (_, i) => FIRST_CHAT + i);
    for (const chat of chats) telegram.user(chat);
    products.push(...(await startProducts(run.processes, { databaseUrl: database.url, backend: run.backend, prefix, telegramUrl: telegram.url }, { OUTBOX_SWEEP_MS: "60000" })));
    const delivered = new Map<number, number>();
    telegram.on("action", (call: SimCall) => {
      if (call.method === "sendMessage" && call.status === 200) {
        const chat = Number(call.params.chat_id);
        delivered.set(chat, (delivered.get(chat) ?? 0) + 1);
      }
    });
    const rateLimitedBefore = telegram.rateLimited;

    // What a wave of offers leaves behind: committed outbox rows, then their jobs (as the relay adds them).
    const rows = await database.prisma.outbox.createManyAndReturn({
      data: chats.map((chat, i) => ({
        channel: "TELEGRAM" as const,
        recipient: String(chat),
        payload: {
          kind: "send",
          locale: "de",
          parts: [t("offer.new.MEDIATION")],
          keyboard: [[{ ...t("offer.accept"), data: `offer:accept:b${i}` }, { ...t("offer.decline"), data: `offer:decline:b${i}` }]],
        },
      })),
      select: { id: true },
    });
    const queue = queueKit(place).queue<OutboundJob>(OUTBOUND_TELEGRAM);
    const started = Date.now();
    await enqueueOutboundTelegram(queue, rows.map((row) => row.id));
    const deadline = started + 120_000;
    while (delivered.size < MESSAGES && Date.now() < deadline) await sleep(100);
    const sends = telegram.acceptedSends().filter((s) => s.chatId >= FIRST_CHAT).map((s) => s.at);
    const lastSend = Math.max(...sends);
    const firstSend = Math.min(...sends);
    const seconds = (lastSend - started) / 1000;
    await sleep(2000); // anything sent twice would arrive now
    await queue.close();

    const twice = [...delivered.values()].filter((n) => n > 1).length;
    const rateLimited = telegram.rateLimited - rateLimitedBefore;
    const sentRows = await database.prisma.outbox.count({ where: { status: "SENT" } });
    const ideal = (MESSAGES - 1) / LIMIT;
    const memory: MemorySample[] = [];
    for (const [i, product] of products.entries()) {
      memory.push({ after: `outbound ${run.backend}${run.processes > 1 ? ` #${i + 1}` : ""}`, productMb: await settledRssMb(product.child.pid ?? 0, i === 0 ? 5000 : 0) });
    }
    const label = run.processes > 1 ? `6. Scale-out: outbound, ${run.processes} processes` : `3. Outbound at 30 msg/s (queues on ${run.backend})`;
    return {
      figures: [
        {
          name: `${label}: 1,000 offers to 1,000 chats`,
          value: Number(seconds.toFixed(1)),
          unit: "s",
          baseline: { value: Number(ideal.toFixed(1)), label: "what 30 msg/s allows" },
          ratio: seconds / ideal,
          target: "within 5 %, all delivered once",
          pass: delivered.size === MESSAGES && twice === 0 && seconds <= ideal * 1.05,
          notes: `${delivered.size} delivered, ${twice} twice, ${rateLimited} answered 429, ${sentRows} rows marked sent; first send after ${firstSend - started} ms, then one every ${((lastSend - firstSend) / (sends.length - 1)).toFixed(1)} ms`,
        },
      ],
      memory,
    };
  } finally {
    await Promise.all(products.map((p) => p.stop()));
    await telegram.close();
    await database.drop();
    if (run.backend === "redis") await deleteRedisPrefix(prefix);
  }
}
