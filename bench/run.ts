// `npm run bench`: the product's speed and memory against baselines measured in the same run.
// `npm run bench -- ingestion votes` runs only the named parts (ingestion, dispatch, outbound, votes, scale).
import { mkdir, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { dispatch } from "./dispatch.js";
import { ingestion } from "./ingestion.js";
import { writeKneeReport, type Curve } from "./knee.js";
import { outbound } from "./outbound.js";
import { closeQuietSlack, ownRedis, table, type Figure, type MemorySample } from "./support.js";
import { votes } from "./votes.js";

// `npm run bench -- county`: the simulated county on its own (bench/county.ts, its table in bench/results/county.md).
if (process.argv.includes("county")) await import("./county.js").then((c) => c.runCounty()).then(() => process.exit(0));

const PARTS = ["ingestion", "dispatch", "outbound", "votes", "scale"] as const;
type Part = (typeof PARTS)[number];

const asked = process.argv.slice(2).filter((a) => !a.startsWith("-"));
const unknown = asked.filter((a) => !PARTS.includes(a as Part));
if (unknown.length) {
  console.error(`unknown part(s): ${unknown.join(", ")}; choose from ${PARTS.join(", ")}`);
  process.exit(2);
}
const selected = new Set<Part>(asked.length ? (asked as Part[]) : PARTS);

// The scale-out run's fixed rate and length; the single-process dispatch runs step the rate up to the knee.
const SCALE_RATE = 50;
const SCALE_SECONDS = Number(process.env.BENCH_DISPATCH_SECONDS ?? 20);
const BACKENDS = (process.env.BENCH_BACKENDS ?? "redis,postgres").split(",") as ("redis" | "postgres")[];

const started = Date.now();
const redis = await ownRedis();
console.log(`Redis for the benchmark: ${redis.url}`);
const figures: Figure[] = [];
const memory: MemorySample[] = [];
const curves: Curve[] = [];
const step = (title: string) => console.log(`\n▶ ${title} (${Math.round((Date.now() - started) / 1000)} s)`);
const record = (result: { figures: Figure[]; memory?: MemorySample[]; curves?: Curve[] }) => {
  figures.push(...result.figures);
  curves.push(...(result.curves ?? []));
  memory.push(...(result.memory ?? []));
  for (const f of result.figures) console.log(`  ${f.name}: ${f.value} ${f.unit}${f.notes ? ` (${f.notes})` : ""}`);
};

if (selected.has("ingestion")) {
  step("1. update ingestion");
  record(await ingestion(10));
}
for (const backend of BACKENDS) {
  if (selected.has("dispatch")) {
    step(`2. dispatch: stepping the rate to the knee, queues on ${backend}`);
    record(await dispatch({ backend, processes: 1, knee: true }));
  }
  if (selected.has("outbound")) {
    step(`3. outbound at the platform limit, queues on ${backend}`);
    record(await outbound({ backend, processes: 1 }));
  }
}
if (selected.has("votes")) {
  step("4. Slack votes: stepping the burst to the knee");
  record(await votes());
}
if (selected.has("scale")) {
  step("6. scale-out: two product processes, queues on redis");
  // The knee's curves are single-process; the scale-out run's are in its figures only.
  record({ ...(await dispatch({ backend: "redis", processes: 2, knee: false, rate: SCALE_RATE, seconds: SCALE_SECONDS })), curves: [] });
  record(await outbound({ backend: "redis", processes: 2 }));
}

if (memory.length) {
  // Steady: the last single-process run's product 40 s after its load (the vote burst), when its after-work
  // is done; beside it the highest reading of any product 5 s after its run, some still sending a backlog.
  const steady = memory.findLast((m) => m.steadyMb !== undefined) ?? memory.at(-1);
  const value = steady?.steadyMb ?? steady?.productMb ?? Number.NaN;
  const highest = memory.reduce((a, b) => (b.productMb > a.productMb ? b : a));
  const bare = memory.find((m) => m.bareMb !== undefined)?.bareMb;
  figures.push({
    name: "5. Memory: RSS of the product after the runs, steady",
    value: Math.round(value),
    unit: "MB",
    ...(bare !== undefined ? { baseline: { value: Math.round(bare), label: "bare grammY bot after its load" }, ratio: value / bare } : {}),
    target: "< 200 MB",
    pass: value < 200,
    notes:
      `${steady?.steadyMb !== undefined ? 40 : 5} s after ${steady?.after ?? "?"}; 5 s after each run (some still sending): ${memory.map((m) => `${m.after} ${Math.round(m.productMb)}`).join(", ")}; ` +
      `highest ${Math.round(highest.productMb)} (${highest.after})`,
  });
}

const seconds = Math.round((Date.now() - started) / 1000);
// In the order of the issue's list (memory is measured along the way, scale-out runs last).
figures.sort((a, b) => Number.parseInt(a.name) - Number.parseInt(b.name));
console.log(`\n${table(figures)}\n\n${figures.filter((f) => f.pass).length} of ${figures.length} targets met in ${seconds} s`);

const machine = { cpus: os.cpus().length, cpu: os.cpus()[0]?.model ?? "?", memoryGb: Math.round(os.totalmem() / 2 ** 30), node: process.version };
const file = path.join("bench", "results", `${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
await mkdir(path.dirname(file), { recursive: true });
await writeFile(file, `${JSON.stringify({ date: new Date().toISOString(), seconds, machine, parts: [...selected], figures, curves }, null, 2)}\n`);
// latest.md (the README's table) shows complete runs only; a partial or shortened run leaves it alone.
const complete = selected.size === PARTS.length && SCALE_SECONDS === 20 && BACKENDS.length === 2;
const when = `Measured ${new Date().toISOString().slice(0, 10)} on ${machine.cpus} × ${machine.cpu}, ${machine.memoryGb} GB, Node ${machine.node}`;
if (complete) {
  await writeFile(path.join("bench", "results", "latest.md"), `${table(figures)}\n\n${when}; the whole run took ${seconds} s.\n`);
  await writeKneeReport([curves], when);
}
console.log(`written to ${file}${complete ? ", bench/results/latest.md, knee.md and knee.png" : " (a partial run: bench/results/latest.md and the knee report unchanged)"}`);
await closeQuietSlack();
await redis.stop();
process.exit(0);
