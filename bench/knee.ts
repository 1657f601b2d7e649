// The knee: the highest load whose p99 latency stays under a target, found by stepping the load up, and
// its report (a Markdown table and a PNG of latency against load), from one run or the median of several.
import { registerFonts, FONT_FAMILIES } from "../posters/fonts.js";

/** One load step: its load (confirms a second, or clicks at once), how many were measured, p50 and p99 in ms. */
export type Step = { load: number; count: number; p50: number; p99: number; notes?: string };

/** One thing measured against rising load: the product on a backend, or its baseline. */
export type Curve = {
  /** "dispatch" or "votes": which chart and which target. */
  part: "dispatch" | "votes";
  label: string;
  baseline: boolean;
  target: number;
  steps: Step[];
  /** The highest load whose p99 stayed under the target; 0: none did. */
  knee: number;
  /** The last step still passed: the knee is at least this (the stepping stopped before it broke). */
  open: boolean;
  /** The p99 at half the knee. */
  atHalf?: Step;
};

/** The share of the knee at which the p99 is reported beside it: what a town sees with headroom left. */
export const FRACTION = 0.5;

/**
 * Steps through `loads` until a step's p99 exceeds `stop.above` (or the target, with `stop.atTarget`), a
 * step that would stop it measured twice, but not before `stop.notBefore` (the curve below it is always drawn);
 * then measures half the knee when no step was there.
 */
export async function stepUp(
  curve: Omit<Curve, "steps" | "knee" | "open" | "atHalf">,
  loads: number[],
  measure: (load: number) => Promise<Step>,
  stop: { atTarget: boolean; above?: number; notBefore?: number },
): Promise<Curve> {
  const steps: Step[] = [];
  const failed = (step: Step) => (stop.atTarget && !(step.p99 < curve.target)) || (stop.above !== undefined && !(step.p99 < stop.above));
  const stops = (step: Step) => failed(step) && step.load >= (stop.notBefore ?? 0);
  for (const load of loads) {
    let step = await measure(load);
    console.log(`    ${curve.label}: ${load} → p50 ${fmt(step.p50)} / p99 ${fmt(step.p99)} ms (${step.count})${step.notes ? `; ${step.notes}` : ""}`);
    if (stops(step)) {
      // On a shared machine another run's burst can break one step: a failed step is measured once more and the better counts.
      const again = await measure(load);
      console.log(`    ${curve.label}: ${load} again → p50 ${fmt(again.p50)} / p99 ${fmt(again.p99)} ms (${again.count})${again.notes ? `; ${again.notes}` : ""}`);
      if (again.p99 < step.p99) step = { ...again, notes: `${again.notes ? `${again.notes}; ` : ""}measured twice, first p99 ${fmt(step.p99)} ms` };
    }
    steps.push(step);
    if (stops(step)) break;
  }
  const { knee, open } = kneeOf(steps, curve.target, loads);
  let atHalf = steps.find((s) => s.load === Math.round(knee * FRACTION));
  if (!atHalf && knee > 0 && Math.round(knee * FRACTION) > 0) {
    atHalf = await measure(Math.round(knee * FRACTION));
    console.log(`    ${curve.label}: ${atHalf.load} (half the knee) → p99 ${fmt(atHalf.p99)} ms`);
  }
  return { ...curve, steps, knee, open, ...(atHalf ? { atHalf } : {}) };
}

/** The highest load measured under the target (a lower step broken by a shared machine's noise does not lower it). */
export function kneeOf(steps: Step[], target: number, loads: number[]): { knee: number; open: boolean } {
  const knee = Math.max(0, ...steps.filter((s) => s.p99 < target).map((s) => s.load));
  return { knee, open: knee === Math.max(...loads) };
}

const median = (values: number[]): number => {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

/** Several runs' curves as one: per curve the median knee, and per load the median p50 and p99 of the runs that measured it. */
export function medianCurves(runs: Curve[][]): Curve[] {
  const first = runs[0] ?? [];
  return first.map((curve) => {
    const same = runs.map((run) => run.find((c) => c.label === curve.label)).filter((c): c is Curve => c !== undefined);
    const loads = [...new Set(same.flatMap((c) => c.steps.map((s) => s.load)))].sort((a, b) => a - b);
    const steps = loads.map((load) => {
      const at = same.flatMap((c) => c.steps.filter((s) => s.load === load));
      return { load, count: Math.round(median(at.map((s) => s.count))), p50: median(at.map((s) => s.p50)), p99: median(at.map((s) => s.p99)) };
    });
    const halves = same.map((c) => c.atHalf).filter((s): s is Step => s !== undefined);
    const knee = median(same.map((c) => c.knee));
    return {
      ...curve,
      steps,
      knee,
      open: same.filter((c) => c.open).length * 2 > same.length,
      ...(halves.length && knee > 0 ? { atHalf: { load: Math.round(knee * FRACTION), count: 0, p50: median(halves.map((s) => s.p50)), p99: median(halves.map((s) => s.p99)) } } : {}),
    };
  });
}

const fmt = (ms: number): string => (!Number.isFinite(ms) ? "saturated" : ms >= 100 ? String(Math.round(ms)) : ms.toFixed(ms < 10 ? 1 : 0));
const unitOf = (part: Curve["part"]) => (part === "dispatch" ? "confirms/s" : "votes at once");

/** The knee table: per curve its capacity, the p99 at half of it, and the p99 at every load stepped through. */
export function kneeTable(curves: Curve[], runs: number): string {
  const lines: string[] = [];
  for (const part of ["dispatch", "votes"] as const) {
    const mine = curves.filter((c) => c.part === part);
    if (mine.length === 0) continue;
    const target = mine[0]?.target ?? 0;
    const loads = [...new Set(mine.flatMap((c) => c.steps.map((s) => s.load)))].sort((a, b) => a - b);
    const title = part === "dispatch" ? "confirm → last first-wave offer queued" : "Slack vote click → ack";
    lines.push(`**${part === "dispatch" ? "Dispatch" : "Slack votes"}** (${title}; target p99 < ${target} ms${runs > 1 ? `; median of ${runs} runs` : ""})`, "");
    const header = ["", `capacity (${unitOf(part)})`, `p99 at ${FRACTION * 100} % of it`, ...loads.map((l) => `p99 @ ${l}`)];
    lines.push(`| ${header.join(" | ")} |`, `| ${header.map(() => "---").join(" | ")} |`);
    for (const c of mine) {
      const cells = loads.map((load) => {
        const step = c.steps.find((s) => s.load === load);
        return step ? `${fmt(step.p99)}${step.p99 < target ? "" : " ✗"}` : "";
      });
      const knee = c.knee === 0 ? `< ${c.steps[0]?.load ?? "?"}` : `${c.open ? "≥ " : ""}${Math.round(c.knee)}`;
      const half = c.atHalf ? `${fmt(c.atHalf.p99)} ms @ ${c.atHalf.load}` : "–";
      lines.push(`| ${[c.baseline ? c.label : `**${c.label}**`, knee, half, ...cells].join(" | ")} |`);
    }
    lines.push("");
  }
  return `${lines.join("\n")}\np99 in ms. Capacity: the highest load measured under the target (≥: the highest step, never broken); ✗ over the target (dispatch stops at the first such step above 25/s, votes at p99 > 3 s above 500); an empty cell was not measured.\n`;
}

const COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"];

/** Latency against load, one panel per part, log–log, one line per curve (baselines dashed), the target as a grey line. */
export async function kneePlot(curves: Curve[], caption: string): Promise<Buffer> {
  const skia = await import("@napi-rs/canvas");
  registerFonts(skia.GlobalFonts);
  const parts = (["dispatch", "votes"] as const).filter((part) => curves.some((c) => c.part === part));
  const panelWidth = 620;
  const height = 460;
  const canvas = skia.createCanvas(panelWidth * parts.length, height + 30);
  const g = canvas.getContext("2d");
  g.fillStyle = "#ffffff";
  g.fillRect(0, 0, canvas.width, canvas.height);
  const font = (px: number, bold = false) => `${bold ? "700 " : ""}${px}px ${FONT_FAMILIES}`;
  for (const [index, part] of parts.entries()) {
    const mine = curves.filter((c) => c.part === part);
    const left = index * panelWidth + 70;
    const right = (index + 1) * panelWidth - 20;
    const top = 50;
    const bottom = height - 60;
    const points = mine.flatMap((c) => c.steps);
    const finite = points.map((p) => p.p99).filter(Number.isFinite);
    const xMin = Math.min(...points.map((p) => p.load));
    const xMax = Math.max(...points.map((p) => p.load));
    const yMin = Math.max(1, Math.min(...finite, mine[0]?.target ?? 100) / 1.5);
    const yMax = Math.max(...finite, (mine[0]?.target ?? 100) * 2) * 1.5;
    const x = (load: number) => left + ((Math.log(load) - Math.log(xMin)) / (Math.log(xMax) - Math.log(xMin) || 1)) * (right - left);
    const y = (ms: number) => bottom - ((Math.log(Math.min(Math.max(ms, yMin), yMax)) - Math.log(yMin)) / (Math.log(yMax) - Math.log(yMin))) * (bottom - top);

    g.fillStyle = "#000000";
    g.font = font(16, true);
    g.fillText(part === "dispatch" ? "Dispatch: confirm → offers queued, p99" : "Slack votes at once: ack p99", left, 28);
    g.strokeStyle = "#444444";
    g.lineWidth = 1;
    g.beginPath();
    g.moveTo(left, top);
    g.lineTo(left, bottom);
    g.lineTo(right, bottom);
    g.stroke();
    g.font = font(12);
    for (const load of [...new Set(points.map((p) => p.load))]) {
      g.fillText(String(load), x(load) - 8, bottom + 16);
      g.strokeStyle = "#eeeeee";
      g.beginPath();
      g.moveTo(x(load), top);
      g.lineTo(x(load), bottom);
      g.stroke();
    }
    for (let tick = 1; tick <= yMax; tick *= 10) {
      for (const m of [1, 2, 5]) {
        const ms = tick * m;
        if (ms < yMin || ms > yMax) continue;
        g.fillStyle = "#000000";
        g.fillText(ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`, left - 60, y(ms) + 4);
        g.strokeStyle = "#eeeeee";
        g.beginPath();
        g.moveTo(left, y(ms));
        g.lineTo(right, y(ms));
        g.stroke();
      }
    }
    g.fillText(part === "dispatch" ? "confirms per second (log)" : "simultaneous votes (log)", (left + right) / 2 - 70, bottom + 36);
    const target = mine[0]?.target ?? 100;
    g.strokeStyle = "#888888";
    g.setLineDash([2, 4]);
    g.beginPath();
    g.moveTo(left, y(target));
    g.lineTo(right, y(target));
    g.stroke();
    g.fillStyle = "#666666";
    g.fillText(`target ${target} ms`, right - 90, y(target) - 6);

    for (const [i, c] of mine.entries()) {
      const color = COLORS[i % COLORS.length] ?? "#000000";
      g.strokeStyle = color;
      g.fillStyle = color;
      g.lineWidth = 2.5;
      g.setLineDash(c.baseline ? [8, 5] : []);
      g.beginPath();
      for (const [j, s] of c.steps.entries()) {
        if (j === 0) g.moveTo(x(s.load), y(s.p99));
        else g.lineTo(x(s.load), y(s.p99));
      }
      g.stroke();
      g.setLineDash([]);
      for (const s of c.steps) {
        g.beginPath();
        g.arc(x(s.load), y(s.p99), 3.5, 0, 2 * Math.PI);
        g.fill();
      }
      g.fillRect(left + 10, top + 8 + i * 20, 18, 3);
      g.font = font(12);
      g.fillText(`${c.label}: ${c.knee === 0 ? "< first step" : `${c.open ? "≥ " : ""}${Math.round(c.knee)}`}`, left + 34, top + 14 + i * 20);
    }
  }
  g.fillStyle = "#444444";
  g.font = font(12);
  g.fillText(caption, 20, height + 18);
  return canvas.encode("png");
}

/** Writes bench/results/knee.md and knee.png from one run's curves, or the median of several runs'. */
export async function writeKneeReport(runs: Curve[][], when: string): Promise<void> {
  const { writeFile } = await import("node:fs/promises");
  const path = await import("node:path");
  const curves = runs.length > 1 ? medianCurves(runs) : (runs[0] ?? []);
  const of = runs.length > 1 ? `; the median of ${runs.length} runs` : "";
  await writeFile(path.join("bench", "results", "knee.md"), `${kneeTable(curves, runs.length)}\n${when}${of}.\n`);
  await writeFile(path.join("bench", "results", "knee.png"), await kneePlot(curves, `${when}${of}; machine shared with other test runs`));
}
