import autocannon from "autocannon";
import { TelegramEmulator } from "../sim/telegram-api.js";
import { benchRedisUrl, freshDatabase, seedUsers, startProduct, startScript, TELEGRAM_TOKEN, WEBHOOK_SECRET, deleteRedisPrefix, type Figure, type MemorySample, settledRssMb } from "./support.js";

const USERS = 5000;
const FIRST_USER = 1_000_000;

type Load = { requestsPerSecond: number; p50: number; p99: number; errors: number; non2xx: number };

/** 40 connections for `seconds`, every request a new Telegram update (a text) from one of many users. */
async function load(url: string, seconds: number): Promise<Load> {
  let update = Math.floor(Math.random() * 1e9);
  let user = 0;
  const result = await autocannon({
    url: `${url}/telegram/webhook`,
    connections: 40,
    duration: seconds,
    method: "POST",
    headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": WEBHOOK_SECRET },
    requests: [
      {
        setupRequest: (request) => {
          const from = FIRST_USER + (user++ % USERS);
          update++;
          return {
            ...request,
            body: JSON.stringify({
              update_id: update,
              message: { message_id: update, date: Math.floor(Date.now() / 1000), chat: { id: from, type: "private", first_name: "Bench" }, from: { id: from, is_bot: false, first_name: "Bench" }, text: "hallo" },
            }),
          };
        },
      },
    ],
  });
  return { requestsPerSecond: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors, non2xx: result.non2xx };
}

/**
 * Webhook updates per second through the product's whole stack (secret check, duplicate check, user and
 * language, flood counter, session, outbox, queue), against a bare grammY echo bot under the same load and
 * the same fake Bot API.
 */
export async function ingestion(seconds: number): Promise<{ figures: Figure[]; memory: MemorySample[] }> {
  const telegram = await TelegramEmulator.start({ token: TELEGRAM_TOKEN });
  for (let i = 0; i < USERS; i++) telegram.user(FIRST_USER + i);
  const database = await freshDatabase();
  await seedUsers(database.prisma, Array.from({ length: USERS }, (_, i) => FIRST_USER + i));
  const prefix = `brbbench-ingest-${Date.now()}`;
  const product = await startProduct({ DATABASE_URL: database.url, REDIS_URL: benchRedisUrl(), QUEUE_PREFIX: prefix, TELEGRAM_API_ROOT: telegram.url });
  const bare = await startScript("bare-bot", { TELEGRAM_API_ROOT: telegram.url, TELEGRAM_BOT_TOKEN: TELEGRAM_TOKEN });
  try {
    await load(bare.url, 2);
    const baseline = await load(bare.url, seconds);
    await load(product.url, 2);
    const measured = await load(product.url, seconds);
    const [productMb, bareMb] = await Promise.all([settledRssMb(product.child.pid ?? 0), settledRssMb(bare.child.pid ?? 0)]);

    const ratio = measured.requestsPerSecond / baseline.requestsPerSecond;
    return {
      figures: [
        {
          name: "1. Update ingestion (webhook, 40 connections)",
          value: Math.round(measured.requestsPerSecond),
          unit: "updates/s",
          baseline: { value: Math.round(baseline.requestsPerSecond), label: "bare grammY echo bot" },
          ratio,
          target: "≥ 50 % of the bare bot",
          pass: ratio >= 0.5 && measured.errors === 0 && measured.non2xx === 0,
          notes: `p50 ${measured.p50} ms, p99 ${measured.p99} ms (bare ${baseline.p50} / ${baseline.p99} ms); errors ${measured.errors}, non-2xx ${measured.non2xx}`,
        },
      ],
      memory: [{ after: "ingestion", productMb, bareMb }],
    };
  } finally {
    await product.stop();
    await bare.stop();
    await telegram.close();
    await database.drop();
    await deleteRedisPrefix(prefix);
  }
}
