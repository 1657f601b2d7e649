// npm run locales:export -- <lang> [--xliff] [--out <file>]: one language for a native speaker's review,
// as a CSV file for a spreadsheet (or XLIFF 2.0 for a CAT tool): key, German source, English pivot, the
// current text, where it appears (locales/context.json) and its review status (locales/status/<lang>.json).
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { isLocale, LOCALES, type Locale } from "../core/i18n.js";
import { projectPath } from "../core/paths.js";

export type Tree = { [key: string]: string | Tree };
export const PLURAL = /_(zero|one|two|few|many|other)$/;
export const STATUSES = ["machine-drafted", "needs-review", "reviewed"] as const;
export type Status = (typeof STATUSES)[number];
/** A key's review: drafted (by a machine or a non-native speaker), flagged for a native speaker, or reviewed. */
export type KeyStatus = "machine-drafted" | { status: "needs-review"; why?: string } | { status: "reviewed"; by: string; on: string; german: string };
export type StatusFile = {
  language: Locale;
  /** "machine-drafted", "partly reviewed by native speakers" or "reviewed by native speakers", from `keys`. */
  review: string;
  /** Who reviewed, and when (from `keys`). */
  reviewers: { name: string; on: string }[];
  keys: Record<string, KeyStatus>;
};
export type Context = Record<string, { note: string; max?: number }>;

/** One text for review. */
export type Row = { key: string; german: string; english: string; text: string; context: string; status: Status };

/** Where the language files are; tests pass a copy. */
export type Files = { directory: string };
export const projectFiles: Files = { directory: projectPath("locales") };

export const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, "utf8")) as T;
export const writeJson = (file: string, value: unknown) => writeFileSync(file, JSON.stringify(value, null, 2) + "\n");
export const localeFile = (files: Files, locale: string) => path.join(files.directory, `${locale}.json`);
export const statusFile = (files: Files, locale: string) => path.join(files.directory, "status", `${locale}.json`);

export function flatten(tree: Tree, prefix = ""): Map<string, string> {
  const entries = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    if (typeof value === "string") entries.set(prefix + key, value);
    else for (const [k, v] of flatten(value, `${prefix}${key}.`)) entries.set(k, v);
  }
  return entries;
}

/** The plural forms a language needs (Arabic's "zero" included), in CLDR order. */
export function pluralCategories(locale: string): string[] {
  const order = ["zero", "one", "two", "few", "many", "other"];
  const categories = new Set<string>(new Intl.PluralRules(locale).resolvedOptions().pluralCategories);
  if (locale === "ar") categories.add("zero");
  return order.filter((c) => categories.has(c));
}

/** The keys of a language, in German's order: every German key, and each plural key in the language's forms. */
export function keysFor(locale: string, german: Map<string, string>): string[] {
  const keys: string[] = [];
  const seen = new Set<string>();
  for (const key of german.keys()) {
    const base = key.replace(PLURAL, "");
    if (seen.has(base)) continue;
    seen.add(base);
    if (PLURAL.test(key)) for (const category of pluralCategories(locale)) keys.push(`${base}_${category}`);
    else keys.push(key);
  }
  return keys;
}

/** The German text a key translates: the same key, or for a plural form German lacks, German's "other". */
export const sourceOf = (key: string, german: Map<string, string>): string => german.get(key) ?? german.get(`${key.replace(PLURAL, "")}_other`) ?? "";

export const hashOf = (text: string): string => createHash("sha256").update(text).digest("hex").slice(0, 12);

/** The status a key shows: "reviewed" only while the German text is the one that was reviewed. */
export function statusOf(entry: KeyStatus | undefined, german: string): { status: Status; why?: string } {
  if (!entry || entry === "machine-drafted") return { status: "machine-drafted" };
  if (entry.status === "needs-review") return { status: "needs-review", ...(entry.why ? { why: entry.why } : {}) };
  return entry.german === hashOf(german) ? { status: "reviewed" } : { status: "needs-review", why: "the German text changed after the review" };
}

/** The rows of one language, in German's order. */
export function exportRows(locale: Locale, files: Files = projectFiles): Row[] {
  const german = flatten(readJson<Tree>(localeFile(files, "de")));
  const english = flatten(readJson<Tree>(localeFile(files, "en")));
  const current = flatten(readJson<Tree>(localeFile(files, locale)));
  const context = readJson<Context>(path.join(files.directory, "context.json"));
  const status = readJson<StatusFile>(statusFile(files, locale));
  return keysFor(locale, german).map((key) => {
    const source = sourceOf(key, german);
    const about = context[key.replace(PLURAL, "")];
    const { status: state, why } = statusOf(status.keys[key], source);
    const notes = [about?.note ?? "", about?.max ? `At most ${about.max} characters.` : "", why ? `To check: ${why}.` : ""].filter(Boolean);
    return { key, german: source, english: english.get(key) ?? sourceOf(key, english), text: current.get(key) ?? "", context: notes.join(" "), status: state };
  });
}

export const CSV_HEADER = (locale: string) => ["key", "source (de)", "pivot (en)", `text (${locale})`, "context", "status"];

const csvCell = (value: string) => (/[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);

/** RFC 4180 CSV with a byte order mark, so that spreadsheets open it as UTF-8 (Arabic, Ethiopic, Cyrillic). */
export function toCsv(locale: string, rows: Row[]): string {
  const lines = [CSV_HEADER(locale), ...rows.map((r) => [r.key, r.german, r.english, r.text, r.context, r.status])];
  return "\ufeff" + lines.map((cells) => cells.map(csvCell).join(",")).join("\r\n") + "\r\n";
}

const xml = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
/** XLIFF 2.0 segment states for our statuses. */
export const XLIFF_STATE: Record<Status, string> = { "machine-drafted": "translated", "needs-review": "initial", reviewed: "reviewed" };

/** XLIFF 2.0: one unit per key; the English pivot and the context as notes. */
export function toXliff(locale: string, rows: Row[]): string {
  const units = rows.map((r) =>
    [
      `    <unit id="${xml(r.key)}">`,
      `      <notes>`,
      `        <note category="context">${xml(r.context)}</note>`,
      `        <note category="pivot" appliesTo="source">${xml(r.english)}</note>`,
      `      </notes>`,
      `      <segment state="${XLIFF_STATE[r.status]}">`,
      `        <source>${xml(r.german)}</source>`,
      `        <target>${xml(r.text)}</target>`,
      `      </segment>`,
      `    </unit>`,
    ].join("\n"),
  );
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="de" trgLang="${locale}">`,
    `  <file id="brueckenbot-${locale}">`,
    ...units,
    `  </file>`,
    `</xliff>`,
    "",
  ].join("\n");
}

/** Command-line arguments: positional ones, and `--flag value` / `--flag`. */
export function parseArgs(args: string[], withValue: string[]): { positional: string[]; flags: Map<string, string> } {
  const positional: string[] = [];
  const flags = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (!arg.startsWith("--")) positional.push(arg);
    else if (withValue.includes(arg)) flags.set(arg, args[++i] ?? "");
    else flags.set(arg, "true");
  }
  return { positional, flags };
}

function main(args: string[]): void {
  const { positional, flags } = parseArgs(args, ["--out"]);
  const locale = positional[0];
  if (!isLocale(locale) || locale === "de") {
    console.error(`usage: npm run locales:export -- <${LOCALES.filter((l) => l !== "de").join("|")}> [--xliff] [--out file] (German is the source)`);
    process.exit(2);
  }
  const xliff = flags.has("--xliff");
  const out = flags.get("--out") || `brueckenbot-${locale}.${xliff ? "xlf" : "csv"}`;
  const rows = exportRows(locale);
  writeFileSync(out, xliff ? toXliff(locale, rows) : toCsv(locale, rows));
  const counts = new Map<string, number>();
  for (const row of rows) counts.set(row.status, (counts.get(row.status) ?? 0) + 1);
  console.log(`${out}: ${rows.length} texts (${[...counts].map(([s, n]) => `${n} ${s}`).join(", ")})`);
  console.log(`Change the texts in the column "text (${locale})", set the status of every text you checked to "reviewed", then:`);
  console.log(`npm run locales:import -- ${out} --reviewer "Your name"`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) main(process.argv.slice(2));
