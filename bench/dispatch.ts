import type { SimCall } from "../sim/telegram-api.js";
import { TelegramEmulator } from "../sim/telegram-api.js";
import { stepUp, type Curve, type Step } from "./knee.js";
import { queueKit, watchAdded, type Backend, type QueuePlace } from "./queues.js";
import {
  benchTown,
  deleteRedisPrefix,
  freshDatabase,
  percentile,
  settledRssMb,
  sleep,
  startProducts,
  TELEGRAM_TOKEN,
  type Figure,
  type MemorySample,
  type ProductProcess,
} from "./support.js";

const VOLUNTEERS = 1000;
const FIRST_VOLUNTEER = 2_000_000;
const FIRST_NEWCOMER = 3_000_000;
const WAVE = 3;
/** The target of issue 18: the last first-wave offer queued within 100 ms of the confirm, at p99. */
export const DISPATCH_TARGET_MS = 100;
/** The arrival rates stepped through, in confirms a second. */
export const DISPATCH_RATES = [5, 10, 25, 50, 100, 200, 400];
/** Each step long enough for some 60 requests (at the lowest rates the p99 is their maximum), at least 4 s, at most 12 s. */
const stepSeconds = (rate: number) => Math.min(12, Math.max(4, 60 / rate));
/** How long a step's requests may take to be dispatched after its load before the step counts as saturated. */
const DRAIN_MS = 6_000;
/** The steps measured whatever their p99, so that the plot shows a curve even when the knee is below them. */
const CURVE_UNTIL = 25;
/** The warm-up before the steps: 2 s at 10 a second, not counted. */
const WARM_RATE = 10;
const WARM_SECONDS = 2;

/** Stepping up the rate to the knee, or one fixed rate (the scale-out run). */
type Run = { backend: Backend; processes: number } & ({ knee: true } | { knee: false; rate: number; seconds: number });

/**
 * 1,000 approved interpreters; newcomers confirm mediation requests at a rising rate (5, 10, 25, … a
 * second, open loop) until the p99 of the time from the confirm (the update posted to the webhook) to its
 * last first-wave offer being queued for sending exceeds 100 ms: the knee. The baseline is BullMQ alone
 * doing the same hops on the same backend, stepped the same way: a job whose worker adds three jobs to a
 * second queue.
 */
export async function dispatch(run: Run): Promise<{ figures: Figure[]; memory: MemorySample[]; curves: Curve[] }> {
  const rates = run.knee ? DISPATCH_RATES : [run.rate];
  let warming = true;
  const seconds = (rate: number) => (warming ? WARM_SECONDS : run.knee ? stepSeconds(rate) : run.seconds);
  // Every step's confirms twice (a failed step is measured again), those of a step at half the knee, the warm-up's.
  const newcomers = 2 * rates.reduce((sum, rate) => sum + Math.ceil(rate * (run.knee ? stepSeconds(rate) : run.seconds)), 0) + (run.knee ? 400 : 0) + WARM_RATE * WARM_SECONDS;
  const telegram = await TelegramEmulator.start({ token: TELEGRAM_TOKEN });
  const database = await freshDatabase();
  const prefix = `brbbench-dispatch-${Date.now()}`;
  const place: QueuePlace = run.backend === "redis" ? { backend: "redis", prefix } : { backend: "postgres", databaseUrl: database.url };
  const products: ProductProcess[] = [];
  try {
    await seed(database.prisma, telegram, newcomers);
    products.push(
      ...(await startProducts(run.processes, { databaseUrl: database.url, backend: run.backend, prefix, telegramUrl: telegram.url }, {
        // Telegram's pace, as in production (30 messages a second): offers queue up behind it.
        // Each interpreter is offered a job every few seconds here; a real quiet time would run out of people.
        OFFER_QUIET_MS: "1000",
        DISPATCH_WAVE_SIZE: String(WAVE),
        OUTBOX_SWEEP_MS: "1000",
      })),
    );
    if (run.processes > 1) telegram.balanceWebhook(products.map((p) => `${p.url}/telegram/webhook`));

    const added = await watchAdded(place, "outbound-telegram");
    const offerSent = new Map<string, number>();
    telegram.on("action", (call: SimCall) => {
      if (call.method !== "sendMessage" || call.status !== 200) return;
      const markup = call.params.reply_markup;
      const offer = /offer:accept:([\w-]+)/.exec(typeof markup === "string" ? markup : JSON.stringify(markup ?? ""))?.[1];
      if (offer) offerSent.set(offer, (offerSent.get(offer) ?? 0) + 1);
    });
    const sweepsBefore = await jobCount(products, "outbox-sweep");
    const started = Date.now();
    let next = 0;

    // Open loop: a confirm every 1/rate s whatever the answers' speed, as people do not wait for each other.
    const measure = async (rate: number): Promise<Step> => {
      const count = Math.ceil(rate * seconds(rate));
      const first = next;
      next += count;
      const confirmedAt = new Map<number, number>();
      const pressing: Promise<unknown>[] = [];
      const stepStarted = Date.now();
      for (let i = first; i < first + count; i++) {
        const due = stepStarted + ((i - first) * 1000) / rate;
        if (due > Date.now()) await sleep(due - Date.now());
        const chat = FIRST_NEWCOMER + i;
        confirmedAt.set(chat, Date.now());
        pressing.push(telegram.pressButton(chat, 1, { data: `m:b${i}:confirm:yes` }));
      }
      await Promise.all(pressing);
      const loadSeconds = (Date.now() - stepStarted) / 1000;
      // Every request's first wave queued, or the step is saturated.
      const deadline = Date.now() + DRAIN_MS;
      let offers: OfferRow[];
      for (;;) {
        offers = await firstWave(database.prisma, FIRST_NEWCOMER + first, FIRST_NEWCOMER + first + count - 1);
        if ((offers.length >= count * WAVE && offers.every((r) => added.times.has(`tg-${r.outboxId}`))) || Date.now() > deadline) break;
        await sleep(250);
      }
      // Where the time goes: the request row written (the confirm handled), the offers written (the tick ran).
      const stages = { request: [] as number[], offers: [] as number[] };
      const byChat = new Map<number, OfferRow[]>();
      for (const offer of offers) {
        const t0 = confirmedAt.get(Number(offer.telegramId)) ?? Number.NaN;
        stages.request.push(offer.requestAt.getTime() - t0);
        stages.offers.push(offer.offerAt.getTime() - t0);
        byChat.set(Number(offer.telegramId), [...(byChat.get(Number(offer.telegramId)) ?? []), offer]);
      }
      // Per request: its last first-wave offer queued; a request not dispatched in time counts as infinitely late.
      const latencies = [...confirmedAt].map(([chat, t0]) => {
        const wave = byChat.get(chat) ?? [];
        const queued = wave.map((o) => added.times.get(`tg-${o.outboxId}`));
        return wave.length === WAVE && queued.every((q) => q !== undefined) ? Math.max(...(queued as number[])) - t0 : Number.POSITIVE_INFINITY;
      });
      const late = latencies.filter((l) => !Number.isFinite(l)).length;
      // The rest of the drain: the next step starts on a quiet queue.
      await sleep(1000);
      return {
        load: rate,
        count,
        p50: percentile(latencies, 0.5),
        p99: percentile(latencies, 0.99),
        notes:
          `${count} in ${loadSeconds.toFixed(1)} s; max ${Math.round(Math.max(...latencies))} ms; request written p50 ${Math.round(percentile(stages.request, 0.5))} / p99 ${Math.round(percentile(stages.request, 0.99))} ms, ` +
          `offers written p50 ${Math.round(percentile(stages.offers, 0.5))} / p99 ${Math.round(percentile(stages.offers, 0.99))} ms${late ? `; ${late} not dispatched within ${DRAIN_MS / 1000} s` : ""}`,
      };
    };

    const label = run.processes > 1 ? `${run.processes} processes, ${run.backend}` : `product, ${run.backend === "redis" ? "Redis" : "PostgreSQL"} queues`;
    // Warmed by a few requests first, as a running server is (its first ones compile code and open connections).
    await measure(WARM_RATE);
    warming = false;
    const curve = run.knee
      ? await stepUp({ part: "dispatch", label, baseline: false, target: DISPATCH_TARGET_MS }, rates, measure, { atTarget: true, notBefore: CURVE_UNTIL })
      : { part: "dispatch" as const, label, baseline: false, target: DISPATCH_TARGET_MS, steps: [await measure(run.rate)], knee: 0, open: false };
    // Once the steps are done: the offers sent to the Bot API at Telegram's pace so far, none twice.
    const offers = await firstWave(database.prisma, FIRST_NEWCOMER, FIRST_NEWCOMER + next - 1);
    await added.close();
    const sweeps = (await jobCount(products, "outbox-sweep")) - sweepsBefore;
    const sweepSeconds = (Date.now() - started) / 1000;
    const requests = await database.prisma.helpRequest.count();
    const sentTwice = [...offerSent.values()].filter((times) => times > 1).length;
    // Ticks through the queue and first ticks run inline by the process that took the confirm.
    const perProcess = await Promise.all(products.map(async (p) => {
      const counts = await jobCounts(p);
      return (counts.get("dispatch") ?? 0) + (counts.get("dispatch-inline") ?? 0);
    }));

    const memory: MemorySample[] = [];
    for (const [i, product] of products.entries()) {
      memory.push({ after: `dispatch ${run.backend}${run.processes > 1 ? ` #${i + 1}` : ""}`, productMb: await settledRssMb(product.child.pid ?? 0, i === 0 ? 5000 : 0) });
    }
    await Promise.all(products.map((p) => p.stop()));
    products.length = 0;

    const bareLabel = `BullMQ alone, ${run.backend === "redis" ? "Redis" : "PostgreSQL"}`;
    const bare = await bareDispatch(run.backend === "redis" ? { backend: "redis", prefix: `${prefix}-bare` } : { backend: "postgres", databaseUrl: database.url, schema: "bench_bare" }, async (measureBare) =>
      run.knee
        ? stepUp({ part: "dispatch", label: bareLabel, baseline: true, target: DISPATCH_TARGET_MS }, rates, (rate) => measureBare(rate, seconds(rate)), { atTarget: true, notBefore: CURVE_UNTIL })
        : { part: "dispatch" as const, label: bareLabel, baseline: true, target: DISPATCH_TARGET_MS, steps: [await measureBare(run.rate, Math.min(run.seconds, 10))], knee: 0, open: false },
    );

    const complete = requests === next && offers.length === next * WAVE && sentTwice === 0;
    const tally = `${requests} requests, ${offers.length} first-wave offers, ${sentTwice} sent twice; ${[...offerSent.values()].length} offers handed to the Bot API at Telegram's 30 msg/s by the end`;
    if (!run.knee) {
      const step = curve.steps[0] ?? { p99: Number.NaN, p50: Number.NaN, notes: "" };
      const base = bare.steps[0]?.p99 ?? Number.NaN;
      const figures: Figure[] = [
        {
          name: `6. Scale-out: dispatch, ${run.processes} processes, ${run.rate} confirms/s: confirm → last offer queued, p99`,
          value: Math.round(step.p99),
          unit: "ms",
          baseline: { value: Math.round(base), label: `BullMQ alone, job → 3 jobs, ${run.backend}` },
          ratio: step.p99 / base,
          target: `p99 < ${DISPATCH_TARGET_MS} ms`,
          pass: step.p99 < DISPATCH_TARGET_MS && complete,
          notes: `p50 ${Math.round(step.p50)} ms; ${step.notes}; ${tally}; ticks per process ${perProcess.join(" / ")}; outbox sweeps ${sweeps} in ${Math.round(sweepSeconds)} s at one a second`,
        },
      ];
      if (run.processes > 1) {
        const expected = sweepSeconds;
        figures.push({
          name: "6. Scale-out: scheduled sweep fires once per interval across processes",
          value: sweeps,
          unit: "runs",
          baseline: { value: Math.round(expected), label: "one a second" },
          ratio: sweeps / expected,
          target: "≈ 1× (2× would be double firing)",
          pass: sweeps <= expected * 1.2 && sweeps >= expected * 0.5 && perProcess.every((n) => n > 0),
          notes: `sweeps counted from both processes' brb_jobs_total; dispatch ticks per process ${perProcess.join(" / ")}`,
        });
      }
      return { figures, memory, curves: [curve, bare] };
    }
    const wanted = run.backend === "redis" ? 100 : 50;
    const steps = (c: Curve) => c.steps.map((s) => `${s.load}/s ${Number.isFinite(s.p99) ? Math.round(s.p99) : "not dispatched in time"}`).join(", ");
    const half = curve.atHalf ? `p99 at half of it (${curve.atHalf.load}/s) ${Math.round(curve.atHalf.p99)} ms` : "no half step";
    const figures: Figure[] = [
      {
        name: `2. Dispatch capacity (queues on ${run.backend}): highest confirms/s with p99 < ${DISPATCH_TARGET_MS} ms`,
        value: curve.knee,
        unit: "confirms/s",
        baseline: { value: bare.knee, label: `BullMQ alone, job → 3 jobs${bare.open ? ", not reached" : ""}` },
        ratio: curve.knee / bare.knee,
        target: `≥ ${wanted} confirms/s`,
        pass: curve.knee >= wanted && complete,
        notes: `${curve.open ? "never broke within the steps; " : ""}${half}; p99 per step: ${steps(curve)}; BullMQ alone: ${steps(bare)}; at the last step: ${curve.steps.at(-1)?.notes ?? ""}; ${tally}`,
      },
    ];
    return { figures, memory, curves: [curve, bare] };
  } finally {
    await Promise.all(products.map((p) => p.stop()));
    await telegram.close();
    await database.drop();
    if (run.backend === "redis") {
      await deleteRedisPrefix(prefix);
      await deleteRedisPrefix(`${prefix}-bare`);
    }
  }
}

type OfferRow = { id: string; outboxId: bigint; telegramId: bigint; requestAt: Date; offerAt: Date };

/** The first-wave offers of the newcomers with Telegram ids from..to. */
async function firstWave(prisma: Awaited<ReturnType<typeof freshDatabase>>["prisma"], from: number, to: number): Promise<OfferRow[]> {
  return prisma.$queryRaw<OfferRow[]>`
    SELECT o.id, o."outboxId", u."telegramId", r."createdAt" AS "requestAt", o."createdAt" AS "offerAt" FROM "Offer" o
    JOIN "HelpRequest" r ON r.id = o."requestId" JOIN "TelegramUser" u ON u.id = r."newcomerId"
    WHERE o.wave = 1 AND u."telegramId" BETWEEN ${from} AND ${to}`;
}

/** Interpreters for Arabic, and newcomers at the last step of the mediation dialogue, in bulk. */
async function seed(prisma: Awaited<ReturnType<typeof freshDatabase>>["prisma"], telegram: TelegramEmulator, newcomers: number): Promise<void> {
  const now = new Date();
  // The town of the configuration (the product finds it at start and keeps it): everybody lives and serves there.
  const networkId = await benchTown(prisma);
  const volunteerIds = Array.from({ length: VOLUNTEERS }, (_, i) => FIRST_VOLUNTEER + i);
  await prisma.telegramUser.createMany({ data: volunteerIds.map((telegramId) => ({ id: `u${telegramId}`, telegramId, locale: "de", consentAt: now, networkId })) });
  await prisma.volunteer.createMany({
    data: volunteerIds.map((telegramId) => ({
      id: `v${telegramId}`,
      userId: `u${telegramId}`,
      firstName: "Bench",
      roles: ["INTERPRETER"],
      germanLevel: "C1_C2",
      districts: [],
      remoteOnly: true,
      weeklyCapacity: 5,
      conductAcceptedAt: now,
    })),
  });
  await prisma.volunteerNetwork.createMany({ data: volunteerIds.map((telegramId) => ({ volunteerId: `v${telegramId}`, networkId, status: "APPROVED" as const, decidedAt: now })) });
  await prisma.volunteerLanguage.createMany({ data: volunteerIds.map((telegramId) => ({ volunteerId: `v${telegramId}`, language: "ar", level: "FLUENT" })) });
  for (const id of volunteerIds) telegram.user(id);

  for (let start = 0; start < newcomers; start += 1000) {
    const batch = Array.from({ length: Math.min(1000, newcomers - start) }, (_, j) => start + j);
    await prisma.telegramUser.createMany({ data: batch.map((i) => ({ telegramId: FIRST_NEWCOMER + i, locale: "ar", consentAt: now, networkId })) });
    await prisma.botSession.createMany({
      data: batch.map((i) => ({
        key: String(FIRST_NEWCOMER + i),
        value: { dialogue: { name: "mediation", step: "confirm", id: `b${i}`, data: { language: "ar", purpose: "JOBCENTER", mode: "PHONE", asap: true } } },
      })),
    });
  }
  // Statistics, as autovacuum keeps them in a running installation (a fresh database has none for a minute).
  await prisma.$executeRawUnsafe("ANALYZE");
  for (let i = 0; i < newcomers; i++) {
    const chat = FIRST_NEWCOMER + i;
    telegram.user(chat, { language_code: "ar" });
    telegram.plantBotMessage(chat, "…", { inline_keyboard: [[{ text: "✅", callback_data: `m:b${i}:confirm:yes` }]] });
  }
}

/**
 * The same hops with BullMQ alone: a job, whose worker adds three jobs to a second queue; added → added.
 * `steps` measures at the rates it chooses, each a fresh batch of jobs on the same queues.
 */
export async function bareDispatch(place: QueuePlace, steps: (measure: (rate: number, seconds: number) => Promise<Step>) => Promise<Curve>): Promise<Curve> {
  const kit = queueKit(place);
  const first = kit.queue<{ i: number }>("bare-confirm");
  const second = kit.queue<{ i: number; n: number }>("bare-offer");
  const worker = kit.worker<{ i: number }>(
    "bare-confirm",
    async (job) => {
      await second.addBulk([0, 1, 2].map((n) => ({ name: "offer", data: { i: job.data.i, n }, opts: { jobId: `o-${job.data.i}-${n}`, removeOnComplete: true } })));
    },
    8,
  );
  const added = await watchAdded(place, "bare-offer");
  await first.waitUntilReady();
  await worker.waitUntilReady();
  let next = 0;
  try {
    const measure = async (rate: number, seconds: number): Promise<Step> => {
      const count = Math.ceil(rate * seconds);
      const from = next;
      next += count;
      const startedAt = new Map<number, number>();
      const adding: Promise<unknown>[] = [];
      const started = Date.now();
      for (let i = from; i < from + count; i++) {
        const due = started + ((i - from) * 1000) / rate;
        if (due > Date.now()) await sleep(due - Date.now());
        startedAt.set(i, Date.now());
        adding.push(first.add("confirm", { i }, { jobId: `c-${i}`, removeOnComplete: true }));
      }
      await Promise.all(adding);
      const done = () => [...startedAt.keys()].every((i) => [0, 1, 2].every((n) => added.times.has(`o-${i}-${n}`)));
      const deadline = Date.now() + DRAIN_MS;
      while (!done() && Date.now() < deadline) await sleep(200);
      const latencies = [...startedAt].map(([i, t0]) => Math.max(...[0, 1, 2].map((n) => added.times.get(`o-${i}-${n}`) ?? Number.POSITIVE_INFINITY)) - t0);
      await sleep(500);
      return { load: rate, count, p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99) };
    };
    await measure(WARM_RATE, WARM_SECONDS);
    return await steps(measure);
  } finally {
    await added.close();
    await worker.close();
    await first.close();
    await second.close();
  }
}

/** Jobs of a queue finished by all product processes (their brb_jobs_total). */
async function jobCount(products: ProductProcess[], queue: string): Promise<number> {
  const counts = await Promise.all(products.map(async (p) => (await jobCounts(p)).get(queue) ?? 0));
  return counts.reduce((a, b) => a + b, 0);
}

async function jobCounts(product: ProductProcess): Promise<Map<string, number>> {
  const text = await (await fetch(`${product.url}/metrics`)).text();
  const counts = new Map<string, number>();
  for (const match of text.matchAll(/^brb_jobs_total\{queue="([^"]+)",outcome="completed"\} (\d+)/gm)) counts.set(match[1] ?? "", Number(match[2]));
  return counts;
}
