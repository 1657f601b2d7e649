// `tsx bench/ticks.ts [seconds] [rounds]`: the dispatch tick alone (core/dispatch.ts `tick`, first wave of
// offers over 1,000 interpreters), run by 8 workers at once as the dispatch queue does, without queues or
// HTTP: ticks a second and p50/p99 of one tick. Runs with the fairness index and without it, alternating,
// so that a shared machine's load falls on both alike; the median of the rounds is printed.
import { tick } from "../core/dispatch.js";
import { coreSettings, parseConfig } from "../bot/config.js";
import { freshDatabase, percentile } from "./support.js";

const VOLUNTEERS = 1000;
const WORKERS = 8;
const seconds = Number(process.argv[2] ?? 8);
const rounds = Number(process.argv[3] ?? 3);
const settings = coreSettings(parseConfig({ OFFER_QUIET_MS: "1000", DISPATCH_WAVE_SIZE: "3" }));

const database = await freshDatabase();
const sql = (text: string) => database.prisma.$executeRawUnsafe(text);
try {
  const requests = Math.ceil((rounds * 2 + 1) * seconds * 600);
  await sql(`INSERT INTO "Network" (id, slug, name, districts) VALUES ('net1', 'beckum', 'Beckum', '[]')`);
  await sql(`INSERT INTO "TelegramUser" (id, "telegramId", locale, "consentAt", "networkId") SELECT 'u' || g, 2000000 + g, 'de', now(), 'net1' FROM generate_series(1, ${VOLUNTEERS}) g`);
  await sql(`INSERT INTO "Volunteer" (id, "userId", "firstName", roles, "germanLevel", districts, "remoteOnly", "weeklyCapacity", "conductAcceptedAt")
    SELECT 'v' || g, 'u' || g, 'Bench', '{INTERPRETER}', 'C1_C2', '{}', true, 5, now() FROM generate_series(1, ${VOLUNTEERS}) g`);
  await sql(`INSERT INTO "VolunteerNetwork" ("volunteerId", "networkId", status) SELECT 'v' || g, 'net1', 'APPROVED' FROM generate_series(1, ${VOLUNTEERS}) g`);
  await sql(`INSERT INTO "VolunteerLanguage" ("volunteerId", language, level) SELECT 'v' || g, 'ar', 'FLUENT' FROM generate_series(1, ${VOLUNTEERS}) g`);
  await sql(`INSERT INTO "TelegramUser" (id, "telegramId", locale, "consentAt", "networkId") SELECT 'n' || g, 3000000 + g, 'ar', now(), 'net1' FROM generate_series(1, ${requests}) g`);
  await sql(`INSERT INTO "HelpRequest" (id, "networkId", reference, "idempotencyKey", kind, "newcomerId", locale, language, purpose, mode, "nextWaveAt", "deadlineAt")
    SELECT 'r' || g, 'net1', 'R' || g, 'k' || g, 'MEDIATION', 'n' || g, 'ar', 'ar', 'JOBCENTER', 'PHONE', now(), now() + interval '1 day' FROM generate_series(1, ${requests}) g`);
  await sql("ANALYZE");

  let next = 1;
  const run = async () => {
    const durations: number[] = [];
    const started = Date.now();
    await Promise.all(
      Array.from({ length: WORKERS }, async () => {
        while (Date.now() - started < seconds * 1000 && next <= requests) {
          const t0 = performance.now();
          await tick(database.db, `r${next++}`, settings);
          durations.push(performance.now() - t0);
        }
      }),
    );
    return { perSecond: durations.length / ((Date.now() - started) / 1000), p50: percentile(durations, 0.5), p99: percentile(durations, 0.99) };
  };
  const variants = {
    "without the index": () => sql(`DROP INDEX IF EXISTS "Volunteer_fairness_idx"`),
    "with the index": () => sql(`CREATE INDEX IF NOT EXISTS "Volunteer_fairness_idx" ON "Volunteer" ("lastAssignedAt" ASC NULLS FIRST, "lastOfferedAt" ASC NULLS FIRST, "createdAt", "id")`),
  };
  const results = new Map<string, { perSecond: number; p50: number; p99: number }[]>();
  await run(); // warm-up
  for (let round = 0; round < rounds; round++) {
    for (const [name, prepare] of Object.entries(variants)) {
      await prepare();
      const result = await run();
      console.log(`round ${round + 1}, ${name}: ${result.perSecond.toFixed(0)} ticks/s, p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms`);
      results.set(name, [...(results.get(name) ?? []), result]);
    }
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
  const twice = await database.db.sql<{ n: string }>(
    `SELECT count(*)::text AS n FROM "Offer" a JOIN "Offer" b ON a."volunteerId" = b."volunteerId" AND a.id < b.id AND abs(extract(epoch FROM a."createdAt" - b."createdAt")) < 1`,
    [],
  );
  for (const [name, list] of results) {
    console.log(`${name}: median of ${list.length}: ${median(list.map((r) => r.perSecond)).toFixed(0)} ticks/s, p50 ${median(list.map((r) => r.p50)).toFixed(1)} ms, p99 ${median(list.map((r) => r.p99)).toFixed(1)} ms`);
  }
  console.log(`offers to a volunteer within 1 s of another offer to them (the quiet time is 1 s): ${twice[0]?.n}`);
} finally {
  await database.drop();
}
