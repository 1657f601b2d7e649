// `tsx bench/knee-report.ts bench/results/a.json b.json c.json`: the knee table and plot as the median of
// several complete runs (the machine is shared, one run's p99 moves), written to bench/results/knee.md/.png.
import { readFile } from "node:fs/promises";
import { DISPATCH_RATES } from "./dispatch.js";
import { kneeOf, writeKneeReport, type Curve } from "./knee.js";
import { VOTE_BURSTS } from "./votes.js";

type Run = { date: string; machine: { cpus: number; cpu: string; memoryGb: number; node: string }; curves?: Curve[] };
const runs = await Promise.all(process.argv.slice(2).map(async (file) => JSON.parse(await readFile(file, "utf8")) as Run));
const withCurves = runs.filter((run) => run.curves?.length);
if (withCurves.length === 0) {
  console.error("usage: tsx bench/knee-report.ts <run.json>… (runs of npm run bench with dispatch and votes)");
  process.exit(2);
}
const machine = withCurves[0]?.machine;
const dates = [...new Set(withCurves.map((run) => run.date.slice(0, 10)))].join(", ");
await writeKneeReport(
  // JSON wrote a saturated step's infinite p99 as null.
  // Each run's knee is read again from its steps, as this version of the benchmark reads it.
  withCurves.map((run) =>
    (run.curves ?? []).map((c) => {
      const steps = c.steps.map((s) => ({ ...s, p99: s.p99 ?? Number.POSITIVE_INFINITY, p50: s.p50 ?? Number.POSITIVE_INFINITY }));
      return { ...c, steps, ...kneeOf(steps, c.target, c.part === "dispatch" ? DISPATCH_RATES : VOTE_BURSTS) };
    }),
  ),
  `Measured ${dates} on ${machine?.cpus} × ${machine?.cpu}, ${machine?.memoryGb} GB, Node ${machine?.node}`,
);
console.log("written to bench/results/knee.md and knee.png");
