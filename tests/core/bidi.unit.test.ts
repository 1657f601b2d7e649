import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createI18n, RTL_LOCALES, type Locale } from "../../core/i18n.js";
import { renderLabel } from "../../core/messages.js";

/**
 * The part of the Unicode Bidirectional Algorithm (UAX #9) that our texts need: paragraph direction from
 * the first strong character (P2/P3), isolates (X5a–X5c, X6a), weak types (W1–W7), neutrals (N1/N2),
 * implicit levels (I1/I2), trailing whitespace (L1), reordering (L2) and mirrored brackets (L4). No
 * explicit embeddings or overrides: we do not use them. Returns each line as it is shown, left to right,
 * with the invisible marks removed.
 */
type BidiClass = "L" | "R" | "AL" | "EN" | "AN" | "ES" | "ET" | "CS" | "NSM" | "B" | "WS" | "ON" | "LRI" | "RLI" | "FSI" | "PDI";

function bidiClass(c: string): BidiClass {
  const code = c.codePointAt(0) ?? 0;
  if (c === "\u2066") return "LRI";
  if (c === "\u2067") return "RLI";
  if (c === "\u2068") return "FSI";
  if (c === "\u2069") return "PDI";
  if (c === "\u200e") return "L";
  if (c === "\u200f") return "R";
  if (c === "\u061c") return "AL";
  if (c === "\n") return "B";
  if (c === " " || c === "\t") return "WS";
  if (/[0-9\u06f0-\u06f9]/.test(c)) return "EN";
  if (/[\u0660-\u0669\u066b\u066c]/.test(c)) return "AN";
  if (/[+\-\u2212]/.test(c)) return "ES";
  if (/[#$%°€£\u066a]/.test(c)) return "ET";
  if (/[,./:\u00a0\u060c]/.test(c)) return "CS";
  if (/\p{Mn}/u.test(c)) return "NSM";
  if (code >= 0x0590 && code <= 0x05ff) return "R";
  if ((code >= 0x0600 && code <= 0x07bf) || (code >= 0x0860 && code <= 0x08ff) || (code >= 0xfb50 && code <= 0xfdff) || (code >= 0xfe70 && code <= 0xfeff)) return "AL";
  if (/\p{L}/u.test(c)) return "L";
  return "ON";
}

const isStrong = (t: BidiClass) => t === "L" || t === "R" || t === "AL";
const isIsolateInitiator = (t: BidiClass) => t === "LRI" || t === "RLI" || t === "FSI";
const MIRRORED: Record<string, string> = { "(": ")", ")": "(", "[": "]", "]": "[", "{": "}", "}": "{", "«": "»", "»": "«", "<": ">", ">": "<" };

/** The first strong direction in `types` from `start`, skipping isolated parts, up to a matching PDI. */
function firstStrong(types: BidiClass[], start: number, stopAtPdi: boolean): "L" | "R" | undefined {
  let depth = 0;
  for (let i = start; i < types.length; i++) {
    const t = types[i] as BidiClass;
    if (isIsolateInitiator(t)) depth++;
    else if (t === "PDI") {
      if (depth > 0) depth--;
      else if (stopAtPdi) return undefined;
    } else if (depth === 0 && isStrong(t)) return t === "L" ? "L" : "R";
  }
  return undefined;
}

/** One paragraph (no line breaks inside), shown left to right. */
function displayParagraph(text: string): string {
  const chars = [...text];
  const original = chars.map(bidiClass);
  const types = [...original];
  const paragraphLevel = firstStrong(types, 0, false) === "R" ? 1 : 0;
  const levels: number[] = [];
  const matching = new Map<number, number>();
  const stack: { level: number; start: number }[] = [{ level: paragraphLevel, start: -1 }];
  for (let i = 0; i < chars.length; i++) {
    const t = original[i] as BidiClass;
    const top = stack[stack.length - 1] as { level: number; start: number };
    if (isIsolateInitiator(t)) {
      levels.push(top.level);
      const rtl = t === "RLI" || (t === "FSI" && firstStrong(types, i + 1, true) === "R");
      stack.push({ level: rtl ? (top.level + 1) | 1 : (top.level + 2) & ~1, start: i });
    } else if (t === "PDI" && stack.length > 1) {
      stack.pop();
      const outer = stack[stack.length - 1] as { level: number; start: number };
      matching.set(top.start, i);
      levels.push(outer.level);
    } else levels.push(top.level);
  }
  // Isolating run sequences: level runs chained from an isolate initiator to its matching PDI.
  const runs: [number, number][] = [];
  for (let i = 0; i < chars.length; ) {
    let j = i;
    while (j + 1 < chars.length && levels[j + 1] === levels[i]) j++;
    runs.push([i, j]);
    i = j + 1;
  }
  const runStartingAt = new Map(runs.map((r) => [r[0], r]));
  const continued = new Set([...matching.values()]);
  for (const run of runs) {
    if (continued.has(run[0])) continue;
    const indices: number[] = [];
    let current: [number, number] | undefined = run;
    while (current) {
      for (let k = current[0]; k <= current[1]; k++) indices.push(k);
      const next = matching.get(current[1]);
      current = next === undefined ? undefined : runStartingAt.get(next);
    }
    resolveSequence(indices, types, levels, paragraphLevel, chars.length);
  }
  for (let i = 0; i < chars.length; i++) {
    const t = types[i] as BidiClass;
    const level = levels[i] as number;
    if (level % 2 === 0) levels[i] = t === "R" ? level + 1 : t === "AN" || t === "EN" ? level + 2 : level;
    else levels[i] = t === "L" || t === "EN" || t === "AN" ? level + 1 : level;
  }
  // L1: whitespace and isolate marks at the end of the line take the paragraph level.
  for (let i = chars.length - 1; i >= 0; i--) {
    const t = original[i] as BidiClass;
    if (t === "WS" || isIsolateInitiator(t) || t === "PDI") levels[i] = paragraphLevel;
    else break;
  }
  const order = chars.map((_, i) => i);
  const highest = Math.max(0, ...levels);
  const lowestOdd = Math.min(...levels.filter((l) => l % 2 === 1), highest + 1);
  for (let level = highest; level >= lowestOdd; level--) {
    for (let i = 0; i < order.length; ) {
      if ((levels[order[i] as number] as number) < level) {
        i++;
        continue;
      }
      let j = i;
      while (j + 1 < order.length && (levels[order[j + 1] as number] as number) >= level) j++;
      order.splice(i, j - i + 1, ...order.slice(i, j + 1).reverse());
      i = j + 1;
    }
  }
  return order
    .filter((i) => !/[\u2066-\u2069\u200e\u200f]/.test(chars[i] as string))
    .map((i) => ((levels[i] as number) % 2 === 1 ? (MIRRORED[chars[i] as string] ?? chars[i]) : chars[i]))
    .join("");
}

/** W1–W7 and N1–N2 on one isolating run sequence. */
function resolveSequence(indices: number[], types: BidiClass[], levels: number[], paragraphLevel: number, length: number): void {
  const first = indices[0] as number;
  const last = indices[indices.length - 1] as number;
  const level = levels[first] as number;
  const before = first > 0 ? (levels[first - 1] as number) : paragraphLevel;
  const after = isIsolateInitiator(types[last] as BidiClass) || last + 1 >= length ? paragraphLevel : (levels[last + 1] as number);
  const sos: BidiClass = Math.max(level, before) % 2 ? "R" : "L";
  const eos: BidiClass = Math.max(level, after) % 2 ? "R" : "L";
  const at = (k: number) => types[indices[k] as number] as BidiClass;
  const set = (k: number, t: BidiClass) => {
    types[indices[k] as number] = t;
  };
  const n = indices.length;
  for (let k = 0; k < n; k++) if (at(k) === "NSM") set(k, k === 0 ? sos : isIsolateInitiator(at(k - 1)) || at(k - 1) === "PDI" ? "ON" : at(k - 1));
  let strong: BidiClass = sos;
  for (let k = 0; k < n; k++) {
    if (isStrong(at(k))) strong = at(k);
    else if (at(k) === "EN" && strong === "AL") set(k, "AN");
  }
  for (let k = 0; k < n; k++) if (at(k) === "AL") set(k, "R");
  for (let k = 1; k < n - 1; k++) {
    const [p, c, x] = [at(k - 1), at(k), at(k + 1)];
    if (c === "ES" && p === "EN" && x === "EN") set(k, "EN");
    else if (c === "CS" && p === x && (p === "EN" || p === "AN")) set(k, p);
  }
  for (let k = 0; k < n; k++) {
    if (at(k) !== "ET") continue;
    let j = k;
    while (j < n && at(j) === "ET") j++;
    if ((k > 0 && at(k - 1) === "EN") || (j < n && at(j) === "EN")) for (let m = k; m < j; m++) set(m, "EN");
    k = j - 1;
  }
  for (let k = 0; k < n; k++) if (at(k) === "ES" || at(k) === "ET" || at(k) === "CS") set(k, "ON");
  strong = sos;
  for (let k = 0; k < n; k++) {
    if (at(k) === "L" || at(k) === "R") strong = at(k);
    else if (at(k) === "EN" && strong === "L") set(k, "L");
  }
  const direction = (t: BidiClass): "L" | "R" | undefined => (t === "L" ? "L" : t === "R" || t === "EN" || t === "AN" ? "R" : undefined);
  for (let k = 0; k < n; k++) {
    if (direction(at(k))) continue;
    let j = k;
    while (j < n && !direction(at(j))) j++;
    const left = k === 0 ? direction(sos) : direction(at(k - 1));
    const right = j === n ? direction(eos) : direction(at(j));
    const resolved: BidiClass = left === right && left ? left : level % 2 ? "R" : "L";
    for (let m = k; m < j; m++) set(m, resolved);
    k = j - 1;
  }
}

/** A text as a reader sees it: each line left to right. */
function display(text: string): string[] {
  return text.split("\n").map(displayParagraph);
}

const i18n = createI18n({ timeZone: "Europe/Berlin" });
type Tree = { [key: string]: string | Tree };
const flatten = (tree: Tree, prefix = ""): [string, string][] =>
  Object.entries(tree).flatMap(([k, v]) => (typeof v === "string" ? [[prefix + k, v] as [string, string]] : flatten(v, `${prefix}${k}.`)));
const read = (locale: string) => flatten(JSON.parse(readFileSync(new URL(`../../locales/${locale}.json`, import.meta.url), "utf8")) as Tree);
const placeholders = (text: string) => [...new Set([...text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1] as string))];
const COMMAND = /\/[a-z_]+/g;

describe("the bidi algorithm of this test", () => {
  it("shows Latin, Arabic and numbers as clients do", () => {
    expect(display("abc")).toEqual(["abc"]);
    expect(display("\u200fسلام")).toEqual(["مالس"]);
    expect(display("\u200fالساعة 14:30")).toEqual(["14:30 ةعاسلا"]);
    expect(display("\u200fأرسل /start.")).toEqual([".start/ لسرأ"]);
  });

  it("sees the mistake the issue reports: a bare command in Arabic shows as 'start/'", () => {
    const raw = "\u200f" + (read("ar").find(([key]) => key === "privacy.declined")?.[1] ?? "");
    expect(display(raw)[0]).toContain("start/");
  });
});

describe("right-to-left texts", () => {
  const sample = (name: string) => (name === "count" || name === "max" || name === "days" ? 3 : `Dr. Müller-${name}.`);

  describe.each([...RTL_LOCALES])("%s", (locale: Locale) => {
    const keys = read(locale).map(([key]) => key).filter((key) => !key.startsWith("format."));

    it("starts every line right to left, isolates every command, Latin word and inserted value", () => {
      for (const key of keys) {
        const base = key.replace(/_(zero|one|two|few|many|other)$/, "");
        const text = (read(locale).find(([k]) => k === key) as [string, string])[1];
        const params = Object.fromEntries(placeholders(text).map((name) => [name, sample(name)]));
        const category = /_(zero|one|two|few|many|other)$/.exec(key)?.[1];
        const counts: Record<string, number> = { zero: 0, one: 1, two: 2, few: 3, many: 11, other: 100 };
        if (category) params.count = counts[category] ?? 100;
        const shown = i18n.t(locale, base, params);
        for (const line of shown.split("\n")) expect(line.startsWith("\u200f"), `${key}: ${line}`).toBe(true);
        // Outside isolates there is no Latin letter and no command left.
        const outside = shown.replace(/[\u2066\u2068][^\u2066-\u2069]*(?:[\u2066-\u2068][^\u2066-\u2069]*\u2069[^\u2066-\u2069]*)*\u2069/g, "");
        expect(outside, key).not.toMatch(/[A-Za-zÀ-ɏ]/);
        expect(outside, key).not.toMatch(COMMAND);
        for (const value of Object.values(params)) if (typeof value === "string") expect(shown, key).toContain(`\u2068${value}\u2069`);
      }
    });

    it("shows every command as '/command' and every inserted name with its own punctuation", () => {
      for (const key of keys) {
        const base = key.replace(/_(zero|one|two|few|many|other)$/, "");
        const text = (read(locale).find(([k]) => k === key) as [string, string])[1];
        const params = Object.fromEntries(placeholders(text).map((name) => [name, sample(name)]));
        if (/_(zero|one|two|few|many|other)$/.test(key)) params.count = 5;
        const seen = display(i18n.t(locale, base, params)).join("\n");
        for (const command of text.match(COMMAND) ?? []) expect(seen, `${key}: ${command}`).toContain(command);
        for (const value of Object.values(params)) if (typeof value === "string") expect(seen, key).toContain(value);
      }
    });

    it("keeps a German contact point's name and description readable inside the message", () => {
      const shown = renderLabel(i18n, locale, {
        lines: [{ text: "📍 Beratung bei Schwangerschaft" }, { text: "Caritas, Termine nach Absprache." }, { key: "contacts.phone", params: { phone: "+49 2521 1234" } }],
      });
      const lines = display(shown);
      expect(lines[0]).toContain("Beratung bei Schwangerschaft");
      expect(lines[1]).toContain("Caritas, Termine nach Absprache.");
      expect(lines[2]).toContain("+49 2521 1234");
    });

    it("shows the German office names as on the door, next to the explanation", () => {
      for (const purpose of ["JOBCENTER", "FOREIGNERS_OFFICE", "CITIZENS_OFFICE"]) {
        const german = (read("de").find(([k]) => k === `mediation.purpose.${purpose}`) as [string, string])[1];
        expect(display(i18n.t(locale, `mediation.purpose.${purpose}`))[0]).toContain(german);
      }
    });
  });
});
