import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LOCALES, type Locale } from "../../core/i18n.js";
import {
  exportRows,
  flatten,
  keysFor,
  localeFile,
  PLURAL,
  projectFiles,
  readJson,
  statusFile,
  STATUSES,
  toCsv,
  toXliff,
  type Context,
  type Files,
  type StatusFile,
  type Tree,
} from "../../scripts/locales-export.js";
import { applyRows, checkRows, readCsv, readReviewFile, summarize, type ReviewFile } from "../../scripts/locales-import.js";

const german = flatten(readJson<Tree>(localeFile(projectFiles, "de")));
const TRANSLATED = LOCALES.filter((l) => l !== "de");

describe("what a native speaker's review starts from", () => {
  it.each(TRANSLATED)("%s: the status file lists every text of the language, and its summary is up to date", (locale) => {
    const status = readJson<StatusFile>(statusFile(projectFiles, locale));
    const hint = "run: npm run locales:import -- --sync-status";
    expect(Object.keys(status.keys), hint).toEqual(keysFor(locale, german));
    for (const [key, entry] of Object.entries(status.keys)) {
      if (entry === "machine-drafted") continue;
      expect(STATUSES, key).toContain(entry.status);
      if (entry.status === "reviewed") {
        expect(entry.by.trim(), key).not.toBe("");
        expect(entry.on, key).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      }
    }
    expect({ review: status.review, reviewers: status.reviewers }, hint).toEqual(summarize(status.keys));
  });

  it("has a context note for every German text, and none for texts that are gone", () => {
    const context = readJson<Context>(path.join(projectFiles.directory, "context.json"));
    const keys = [...new Set([...german.keys()].map((k) => k.replace(PLURAL, "")))];
    expect(keys.filter((k) => !context[k]?.note?.trim()), "locales/context.json: add a note (where and when the text appears)").toEqual([]);
    expect(Object.keys(context).filter((k) => !keys.includes(k))).toEqual([]);
  });

  it("keeps every text within the length its place allows (Slack titles 24, buttons 75, pop-ups 200 …)", () => {
    const context = readJson<Context>(path.join(projectFiles.directory, "context.json"));
    for (const locale of LOCALES) {
      for (const [key, text] of flatten(readJson<Tree>(localeFile(projectFiles, locale)))) {
        const max = context[key.replace(PLURAL, "")]?.max;
        if (max) expect([...text].length, `${locale} ${key}: ${text}`).toBeLessThanOrEqual(max);
      }
    }
  });
});

describe("export, a native speaker's edits, import", () => {
  let files: Files;
  let dir: string;
  const snapshot = (locale: Locale) => readFileSync(localeFile(files, locale), "utf8");
  /** The exported CSV of `locale` with `edit` applied to the rows (by key). */
  const edited = (locale: Locale, edit: Record<string, { text?: string; status?: string }>): ReviewFile => {
    const rows = exportRows(locale, files).map((r) => ({ ...r, ...(edit[r.key] ?? {}) })) as ReturnType<typeof exportRows>;
    const csv = toCsv(locale, rows);
    const file = path.join(dir, `brueckenbot-${locale}.csv`);
    writeFileSync(file, csv);
    const read = readReviewFile(file);
    if ("error" in read) throw new Error(read.error);
    return read;
  };

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "locales-"));
    cpSync(projectFiles.directory, path.join(dir, "locales"), { recursive: true });
    files = { directory: path.join(dir, "locales") };
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("exports every text of a language with German, English, context and status", () => {
    const rows = exportRows("ar", files);
    expect(rows.map((r) => r.key)).toEqual(keysFor("ar", german));
    const declined = rows.find((r) => r.key === "privacy.declined");
    expect(declined?.german).toBe(german.get("privacy.declined"));
    expect(declined?.english).toContain("/start");
    expect(declined?.context).toMatch(/\/start is the only way back/);
    expect(rows.find((r) => r.key === "slack.ag.members_few")?.german).toBe(german.get("slack.ag.members_other"));
    expect(rows.find((r) => r.key === "slack.ag.addTitle")?.context).toContain("At most 24 characters");
    expect(toCsv("ar", rows).startsWith("\ufeffkey,source (de),pivot (en),text (ar),context,status\r\n")).toBe(true);
  });

  it("changes the language file exactly where a cell was edited, and records the review", () => {
    const before = flatten(readJson<Tree>(localeFile(files, "ar")));
    const file = edited("ar", { "menu.title": { text: "بماذا يمكنني المساعدة؟", status: "reviewed" }, "privacy.agree": { status: "reviewed" } });
    expect(checkRows(file, files, { reviewer: "Amal K." })).toEqual([]);
    const result = applyRows(file, files, { reviewer: "Amal K.", date: "2026-12-01" });
    expect(result.changed).toEqual(["menu.title"]);
    const after = flatten(readJson<Tree>(localeFile(files, "ar")));
    expect(after.get("menu.title")).toBe("بماذا يمكنني المساعدة؟");
    expect([...after].filter(([k, v]) => before.get(k) !== v).map(([k]) => k)).toEqual(["menu.title"]);
    expect([...after.keys()]).toEqual([...before.keys()]);
    expect(snapshot("ar")).toBe(JSON.stringify(readJson<Tree>(localeFile(files, "ar")), null, 2) + "\n");
    const status = readJson<StatusFile>(statusFile(files, "ar"));
    expect(status.keys["menu.title"]).toMatchObject({ status: "reviewed", by: "Amal K.", on: "2026-12-01" });
    expect(status.keys["privacy.agree"]).toMatchObject({ status: "reviewed" });
    expect(status.review).toMatch(/^partly reviewed by native speakers \(2 of \d+ texts\)$/);
    expect(status.reviewers).toEqual([{ name: "Amal K.", on: "2026-12-01" }]);
    expect(exportRows("ar", files).find((r) => r.key === "menu.title")?.status).toBe("reviewed");
  });

  it("refuses the whole file when a placeholder is broken, naming the row, and writes nothing", () => {
    const before = snapshot("ru");
    const file = edited("ru", {
      "menu.title": { text: "Чем я могу Вам помочь?" },
      "request.cancelled": { text: "Ваш запрос {{ref}} отменён." },
    });
    const problems = checkRows(file, files);
    expect(problems).toHaveLength(1);
    const row = file.rows.find((r) => r.key === "request.cancelled")?.row;
    expect(problems[0]).toMatchObject({ row, key: "request.cancelled" });
    expect(problems[0]?.message).toMatch(/\{\{reference\}\} missing.*\{\{ref\}\} unknown/);
    expect(snapshot("ru")).toBe(before);
  });

  it("lists every problem at once: plural forms, lengths, scripts, commands, invisible marks, statuses", () => {
    const file = edited("uk", {
      "slack.ag.members_few": { text: "" },
      "slack.ag.addTitle": { text: "Нова робоча група мережі інтеграції" },
      "menu.title": { text: "Chem ya mozhu dopomohty?" },
      "menu.back": { text: "⬅️ Назад в меню, пожалуйста, ещё раз" },
      "privacy.declined": { text: "Добре. Якщо передумаєте, напишіть старт." },
      "start.welcomeBack": { text: "\u2068Ласкаво просимо!\u2069" },
      "menu.help": { status: "reviewed" },
      "menu.soon": { status: "done" },
    });
    const messages = Object.fromEntries(checkRows(file, files).map((p) => [p.key, p.message]));
    expect(messages["slack.ag.members_few"]).toMatch(/empty/);
    expect(messages["slack.ag.addTitle"]).toMatch(/at most 24 fit here/);
    expect(messages["menu.title"]).toMatch(/no letter of the uk script/);
    expect(messages["menu.back"]).toMatch(/letters of Russian/);
    expect(messages["privacy.declined"]).toMatch(/\/start is missing/);
    expect(messages["start.welcomeBack"]).toMatch(/direction marks/);
    expect(messages["menu.help"]).toMatch(/--reviewer/);
    expect(messages["menu.soon"]).toMatch(/status "done"/);
  });

  it("refuses keys that German does not have and plural forms the language does not use", () => {
    const file: ReviewFile = {
      locale: "tr",
      rows: [
        { row: 2, key: "menu.titel", text: "Size nasıl yardımcı olabilirim?", status: "" },
        { row: 3, key: "slack.ag.members_few", text: "{{count}} üye", status: "" },
      ],
    };
    const problems = checkRows(file, files);
    expect(problems.map((p) => p.row)).toEqual([2, 3]);
    expect(problems[1]?.message).toMatch(/tr has no plural form "few" \(it needs one, other\)/);
  });

  it("reads a file saved by a spreadsheet with semicolons", () => {
    const rows = exportRows("fr", files).slice(0, 3);
    const cell = (c: string) => (/[";\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c);
    const lines = [["key", "source (de)", "pivot (en)", "text (fr)", "context", "status"], ...rows.map((r) => [r.key, r.german, r.english, r.text, r.context, r.status])];
    const csv = lines.map((cells) => cells.map(cell).join(";")).join("\r\n");
    const read = readCsv(csv);
    expect("error" in read ? read.error : read.rows.map((r) => r.text)).toEqual(rows.map((r) => r.text));
  });

  it("goes through XLIFF 2.0 for a CAT tool too", () => {
    const rows = exportRows("ti", files).map((r) => (r.key === "menu.help" ? { ...r, text: "❓ ሓገዝ <ሓጺር> & ንጹር" } : r));
    const file = path.join(dir, "brueckenbot-ti.xlf");
    writeFileSync(file, toXliff("ti", rows));
    const read = readReviewFile(file);
    if ("error" in read) throw new Error(read.error);
    expect(checkRows(read, files)).toEqual([]);
    expect(applyRows(read, files).changed).toEqual(["menu.help"]);
    expect(flatten(readJson<Tree>(localeFile(files, "ti"))).get("menu.help")).toBe("❓ ሓገዝ <ሓጺር> & ንጹር");
  });
});
