// npm run locales:import -- <file.csv|file.xlf> [--reviewer "Name"] [--date YYYY-MM-DD] [--check]
// Reads a reviewed file back (from npm run locales:export). Every row is checked first: placeholders as in
// German, every plural form the language needs, length limits (locales/context.json), the language's script,
// commands kept. One problem and nothing is written: every problem is listed with its row.
// npm run locales:import -- --sync-status: adds new keys to locales/status/*.json (as machine-drafted).
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parse } from "csv-parse/sync";
import { DATE_PLACEHOLDERS } from "../core/date-format.js";
import { isLocale, LOCALES, type Locale } from "../core/i18n.js";
import {
  CSV_HEADER,
  flatten,
  hashOf,
  keysFor,
  localeFile,
  parseArgs,
  PLURAL,
  pluralCategories,
  projectFiles,
  readJson,
  sourceOf,
  STATUSES,
  statusFile,
  writeJson,
  type Context,
  type Files,
  type KeyStatus,
  type Status,
  type StatusFile,
  type Tree,
} from "./locales-export.js";

/** A row of a returned file: its number as a spreadsheet shows it (the header is row 1). */
export type ReviewRow = { row: number; key: string; text: string; status: Status | "" };
export type ReviewFile = { locale: Locale; rows: ReviewRow[] };
export type Problem = { row: number; key: string; message: string };

const STATE_STATUS: Record<string, Status> = { initial: "needs-review", translated: "machine-drafted", reviewed: "reviewed", final: "reviewed" };

/** Reads a CSV (comma or semicolon, as spreadsheets save it) or XLIFF 2.0 file from `locales:export`. */
export function readReviewFile(file: string): ReviewFile | { error: string } {
  const content = readFileSync(file, "utf8").replace(/^\ufeff/, "");
  return /\.(xlf|xliff)$/i.test(file) ? readXliff(content) : readCsv(content);
}

export function readCsv(content: string): ReviewFile | { error: string } {
  const delimiter = /^"?key"?;/.test(content) ? ";" : ",";
  let records: string[][];
  try {
    records = parse(content, { delimiter, relax_column_count: true }) as string[][];
  } catch (error) {
    return { error: `not a readable CSV file: ${(error as Error).message}` };
  }
  const header = records[0] ?? [];
  const locale = /^text \((\w+)\)$/.exec(header[3] ?? "")?.[1];
  if (!isLocale(locale) || locale === "de" || header.join() !== CSV_HEADER(locale).join()) return { error: `the first row must be: ${CSV_HEADER("xx").join(", ")} (xx: a translated language)` };
  const rows = records.slice(1).map((cells, i) => ({ row: i + 2, key: (cells[0] ?? "").trim(), text: cells[3] ?? "", status: (cells[5] ?? "").trim() as Status | "" }));
  return { locale, rows: rows.filter((r) => r.key !== "" || r.text !== "") };
}

const unescapeXml = (text: string) => text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, "&");

export function readXliff(content: string): ReviewFile | { error: string } {
  const locale = /<xliff\b[^>]*\btrgLang="([\w-]+)"/.exec(content)?.[1];
  if (!isLocale(locale) || locale === "de") return { error: "an XLIFF 2.0 file with trgLang set to one of the bot's translated languages is needed" };
  const rows: ReviewRow[] = [];
  for (const [i, unit] of [...content.matchAll(/<unit\b[^>]*\bid="([^"]*)"[^>]*>([\s\S]*?)<\/unit>/g)].entries()) {
    const body = unit[2] ?? "";
    const state = /<segment\b[^>]*\bstate="(\w+)"/.exec(body)?.[1];
    const target = /<target\b[^>]*\/>/.test(body) ? "" : (/<target\b[^>]*>([\s\S]*?)<\/target>/.exec(body)?.[1] ?? "");
    const text = /</.test(target) ? "\u0000markup" : unescapeXml(target);
    rows.push({ row: i + 1, key: unescapeXml(unit[1] ?? ""), text, status: state ? (STATE_STATUS[state] ?? "") : "" });
  }
  return { locale, rows };
}

/** The letters each language is written in; a text with letters needs some of them. */
const SCRIPT: Record<Locale, RegExp> = {
  de: /\p{Script=Latin}/u, en: /\p{Script=Latin}/u, tr: /\p{Script=Latin}/u, ku: /\p{Script=Latin}/u, so: /\p{Script=Latin}/u, fr: /\p{Script=Latin}/u,
  ar: /\p{Script=Arabic}/u, fa: /\p{Script=Arabic}/u, ps: /\p{Script=Arabic}/u, ti: /\p{Script=Ethiopic}/u, ru: /\p{Script=Cyrillic}/u, uk: /\p{Script=Cyrillic}/u,
};
/** Letters that betray the neighbouring language (a Russian text pasted for Ukrainian, and the reverse). */
const FOREIGN_LETTERS: Partial<Record<Locale, [RegExp, string]>> = { uk: [/[ыэъё]/i, "Russian"], ru: [/[іїєґ]/i, "Ukrainian"] };
const DIRECTION_MARKS = /[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]/;
const COMMAND = /(?<![\w/])\/[a-z_]+/g;
const placeholders = (text: string) => [...text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1] as string).sort();

/**
 * Every problem of a returned file, by row; none means it can be written.
 *
 * @example
 * checkRows(file, projectFiles); // [{ row: 14, key: "privacy.declined", message: "the command /start is missing" }]
 */
export function checkRows(file: ReviewFile, files: Files, options: { reviewer?: string } = {}): Problem[] {
  const { locale, rows } = file;
  const german = flatten(readJson<Tree>(localeFile(files, "de")));
  const current = flatten(readJson<Tree>(localeFile(files, locale)));
  const context = readJson<Context>(path.join(files.directory, "context.json"));
  const known = new Set(keysFor(locale, german));
  const problems: Problem[] = [];
  const seen = new Map<string, number>();
  for (const { row, key, text, status } of rows) {
    const problem = (message: string) => problems.push({ row, key, message });
    if (!known.has(key)) {
      problem(PLURAL.test(key) && german.has(key.replace(PLURAL, "_other")) ? `${locale} has no plural form "${/_(\w+)$/.exec(key)?.[1]}" (it needs ${pluralCategories(locale).join(", ")})` : "unknown key (keys come from German and must not be changed)");
      continue;
    }
    if (seen.has(key)) problem(`the same key as row ${seen.get(key)}`);
    seen.set(key, row);
    if (status !== "" && !(STATUSES as readonly string[]).includes(status)) problem(`status "${status}" is not one of ${STATUSES.join(", ")} (or empty)`);
    if (status === "reviewed" && !options.reviewer) problem('marked "reviewed": give the reviewer\'s name with --reviewer "Name"');
    if (text.trim() === "") {
      problem("the text is empty");
      continue;
    }
    if (text === "\u0000markup") {
      problem("the target has XML markup inside; only plain text is read");
      continue;
    }
    const source = sourceOf(key, german);
    if (DIRECTION_MARKS.test(text)) problem("the text has invisible direction marks (copied from a chat?): remove them, the bot adds its own");
    if (locale !== "de" && text === source && source.length > 12) problem("the text is still the German one");
    const base = key.replace(PLURAL, "");
    const mine = placeholders(text);
    const theirs = placeholders(source);
    if (key.startsWith("format.")) {
      const wrong = mine.filter((p) => !(DATE_PLACEHOLDERS as readonly string[]).includes(p));
      if (wrong.length) problem(`unknown placeholder ${wrong.map((p) => `{{${p}}}`).join(", ")} (a date pattern may use ${DATE_PLACEHOLDERS.map((p) => `{{${p}}}`).join(", ")})`);
      if (key === "format.dateTime" && !mine.includes("time")) problem("the pattern needs {{time}}");
      if (key === "format.date" && !mine.includes("year")) problem("the pattern needs {{year}}");
    } else if (PLURAL.test(key)) {
      const extra = mine.filter((p) => !theirs.includes(p) && p !== "count");
      const missing = theirs.filter((p) => !mine.includes(p) && p !== "count");
      if (extra.length || missing.length) problem(placeholderMessage(missing, extra));
    } else if (mine.join() !== theirs.join()) {
      problem(placeholderMessage(theirs.filter((p) => !mine.includes(p)), mine.filter((p) => !theirs.includes(p))));
    }
    const commands: string[] = text.match(COMMAND) ?? [];
    for (const command of new Set(source.match(COMMAND) ?? [])) if (!commands.includes(command)) problem(`the command ${command} is missing (commands stay as they are)`);
    const max = context[base]?.max;
    if (max && [...text].length > max) problem(`${[...text].length} characters, at most ${max} fit here (${context[base]?.note.split(":")[0]})`);
    const letters = text.replace(/\{\{[^}]*\}\}/g, "").replace(/https?:\/\/\S+/g, "").replace(COMMAND, "");
    if (/\p{L}/u.test(letters) && !SCRIPT[locale].test(letters)) problem(`no letter of the ${locale} script`);
    const foreign = FOREIGN_LETTERS[locale];
    if (foreign && foreign[0].test(letters)) problem(`letters of ${foreign[1]} (${letters.match(foreign[0])?.[0]})`);
  }
  // Every plural form the language needs, after the file is applied.
  const after = new Map(current);
  for (const { key, text } of rows) if (known.has(key)) after.set(key, text);
  const rowOf = (base: string) => rows.find((r) => r.key.replace(PLURAL, "") === base)?.row;
  for (const key of known) {
    if (PLURAL.test(key) && !after.get(key)?.trim()) {
      const base = key.replace(PLURAL, "");
      const row = rowOf(base);
      if (row !== undefined) problems.push({ row, key: base, message: `the plural form ${key} is missing (${locale} needs ${pluralCategories(locale).join(", ")})` });
    }
  }
  return problems.sort((a, b) => a.row - b.row);
}

function placeholderMessage(missing: string[], extra: string[]): string {
  const list = (names: string[]) => names.map((n) => `{{${n}}}`).join(", ");
  return [missing.length ? `placeholder ${list(missing)} missing` : "", extra.length ? `placeholder ${list(extra)} unknown (German has other ones)` : "", "placeholders stay exactly as in German"]
    .filter(Boolean)
    .join("; ");
}

/** Sets `key` in a language file's tree, keeping the order; a new plural form goes after its siblings. */
function setIn(tree: Tree, key: string, text: string): void {
  const parts = key.split(".");
  let node = tree;
  for (const part of parts.slice(0, -1)) {
    if (typeof node[part] !== "object") node[part] = {};
    node = node[part] as Tree;
  }
  const last = parts.at(-1) as string;
  if (last in node || !PLURAL.test(last)) {
    node[last] = text;
    return;
  }
  const base = last.replace(PLURAL, "");
  const entries = Object.entries(node);
  const after = entries.map(([k]) => k.replace(PLURAL, "")).lastIndexOf(base);
  entries.splice(after < 0 ? entries.length : after + 1, 0, [last, text]);
  for (const k of Object.keys(node)) delete node[k];
  for (const [k, v] of entries) node[k] = v;
}

/** The summary of a status file: no key reviewed, some, or all; who reviewed when. */
export function summarize(keys: Record<string, KeyStatus>): Pick<StatusFile, "review" | "reviewers"> {
  const entries = Object.values(keys);
  const reviewed = entries.filter((e): e is Extract<KeyStatus, { status: "reviewed" }> => typeof e === "object" && e.status === "reviewed");
  const review =
    reviewed.length === 0 ? "machine-drafted" : reviewed.length === entries.length ? "reviewed by native speakers" : `partly reviewed by native speakers (${reviewed.length} of ${entries.length} texts)`;
  const reviewers = [...new Map(reviewed.map((e) => [`${e.on} ${e.by}`, { name: e.by, on: e.on }])).values()].sort((a, b) => a.on.localeCompare(b.on) || a.name.localeCompare(b.name));
  return { review, reviewers };
}

/** A language's status file with exactly its keys (new ones machine-drafted) and a fresh summary. */
export function syncStatus(locale: Locale, files: Files, update: (keys: Record<string, KeyStatus>) => void = () => undefined): StatusFile {
  const file = statusFile(files, locale);
  const old: StatusFile = existsSync(file) ? readJson<StatusFile>(file) : { language: locale, review: "", reviewers: [], keys: {} };
  const german = flatten(readJson<Tree>(localeFile(files, "de")));
  const keys: Record<string, KeyStatus> = {};
  for (const key of keysFor(locale, german)) keys[key] = old.keys[key] ?? "machine-drafted";
  update(keys);
  const status: StatusFile = { language: locale, ...summarize(keys), keys };
  mkdirSync(path.dirname(file), { recursive: true });
  writeJson(file, status);
  return status;
}

/**
 * Writes a checked file: the changed texts into `locales/<lang>.json` (read again just before, so that keys
 * others added meanwhile stay) and the statuses into `locales/status/<lang>.json`.
 */
export function applyRows(file: ReviewFile, files: Files, options: { reviewer?: string; date?: string } = {}): { changed: string[]; reviewed: number } {
  const { locale, rows } = file;
  const german = flatten(readJson<Tree>(localeFile(files, "de")));
  const tree = readJson<Tree>(localeFile(files, locale));
  const current = flatten(tree);
  const changed = rows.filter((r) => current.get(r.key) !== r.text).map((r) => r.key);
  for (const row of rows) if (current.get(row.key) !== row.text) setIn(tree, row.key, row.text);
  writeJson(localeFile(files, locale), tree);
  const on = options.date ?? new Date().toISOString().slice(0, 10);
  let reviewed = 0;
  syncStatus(locale, files, (keys) => {
    for (const row of rows) {
      if (row.status === "reviewed") {
        keys[row.key] = { status: "reviewed", by: options.reviewer ?? "", on, german: hashOf(sourceOf(row.key, german)) };
        reviewed++;
      } else if (row.status === "machine-drafted") keys[row.key] = "machine-drafted";
      else if (row.status === "needs-review") {
        const before = keys[row.key];
        keys[row.key] = typeof before === "object" && before.status === "needs-review" ? before : { status: "needs-review" };
      }
    }
  });
  return { changed, reviewed };
}

function main(args: string[]): void {
  const { positional, flags } = parseArgs(args, ["--reviewer", "--date"]);
  if (flags.has("--sync-status")) {
    for (const locale of LOCALES.filter((l) => l !== "de")) console.log(`locales/status/${locale}.json: ${syncStatus(locale, projectFiles).review}`);
    return;
  }
  const [input] = positional;
  const date = flags.get("--date");
  if (!input || (date !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(date))) {
    console.error('usage: npm run locales:import -- <file.csv|file.xlf> [--reviewer "Name"] [--date YYYY-MM-DD] [--check]');
    process.exit(2);
  }
  const file = readReviewFile(input);
  if ("error" in file) {
    console.error(`${input}: ${file.error}`);
    process.exit(1);
  }
  const reviewer = flags.get("--reviewer");
  const problems = checkRows(file, projectFiles, { ...(reviewer ? { reviewer } : {}) });
  if (problems.length > 0) {
    console.error(`${input}: refused, nothing was changed. ${problems.length} problem${problems.length === 1 ? "" : "s"}:`);
    for (const p of problems) console.error(`  row ${p.row} (${p.key}): ${p.message}`);
    process.exit(1);
  }
  if (flags.has("--check")) {
    console.log(`${input}: ${file.rows.length} rows, no problem (--check: nothing written)`);
    return;
  }
  const { changed, reviewed } = applyRows(file, projectFiles, { ...(reviewer ? { reviewer } : {}), ...(date ? { date } : {}) });
  console.log(`locales/${file.locale}.json: ${changed.length} text${changed.length === 1 ? "" : "s"} changed${changed.length ? ` (${changed.join(", ")})` : ""}`);
  console.log(`locales/status/${file.locale}.json: ${reviewed} marked reviewed${reviewer ? ` by ${reviewer}` : ""}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) main(process.argv.slice(2));
