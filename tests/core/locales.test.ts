import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DATE_PLACEHOLDERS } from "../../core/date-format.js";
import { createI18n, LOCALES, RTL_LOCALES, withoutDirectionMarks } from "../../core/i18n.js";

type Tree = { [key: string]: string | Tree };
const PLURAL = /_(zero|one|two|few|many|other)$/;

function read(locale: string): Tree {
  return JSON.parse(readFileSync(new URL(`../../locales/${locale}.json`, import.meta.url), "utf8")) as Tree;
}

function flatten(tree: Tree, prefix = ""): Map<string, string> {
  const entries = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    if (typeof value === "string") entries.set(prefix + key, value);
    else for (const [k, v] of flatten(value, `${prefix}${key}.`)) entries.set(k, v);
  }
  return entries;
}

const placeholders = (text: string) => [...text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort();
const source = flatten(read("de"));
const sourceKeys = new Set([...source.keys()].map((k) => k.replace(PLURAL, "")));

describe("locales", () => {
  it("has one file per language of the mission, and no other", () => {
    const files = readdirSync(new URL("../../locales/", import.meta.url)).filter((f) => /^[a-z]{2,3}\.json$/.test(f));
    expect(files.sort()).toEqual(LOCALES.map((l) => `${l}.json`).sort());
  });

  describe.each(LOCALES.filter((l) => l !== "de"))("%s", (locale) => {
    const entries = flatten(read(locale));
    const keys = new Set([...entries.keys()].map((k) => k.replace(PLURAL, "")));

    it("has every key of German and nothing else", () => {
      expect([...sourceKeys].filter((k) => !keys.has(k))).toEqual([]);
      expect([...keys].filter((k) => !sourceKeys.has(k))).toEqual([]);
    });

    it("has every plural form the language needs", () => {
      const categories = new Intl.PluralRules(locale).resolvedOptions().pluralCategories;
      const plurals = new Set([...source.keys()].filter((k) => PLURAL.test(k)).map((k) => k.replace(PLURAL, "")));
      for (const key of plurals) {
        for (const category of categories) {
          if (category === "zero" && locale !== "ar") continue;
          expect(entries.has(`${key}_${category}`), `${key}_${category}`).toBe(true);
        }
      }
    });

    it("keeps the placeholders and is really translated", () => {
      let same = 0;
      for (const [key, text] of entries) {
        const base = key.replace(PLURAL, "");
        const german = source.get(key) ?? source.get(`${base}_other`) ?? "";
        expect(text.trim(), key).not.toBe("");
        // A plural form may spell out small numbers instead of {{count}} ("two members"); a date pattern
        // chooses its parts (Kurmanji writes the month in digits).
        if (key.startsWith("format.")) for (const name of placeholders(text)) expect(DATE_PLACEHOLDERS, key).toContain(name);
        else if (!PLURAL.test(key)) expect(placeholders(text), key).toEqual(placeholders(german));
        if (text === german && german.length > 12) same++;
      }
      expect(same).toBe(0);
    });
  });

  it("German itself has no empty text", () => {
    for (const [key, text] of source) expect(text.trim(), key).not.toBe("");
  });

  it("command descriptions fit Telegram's limits in every language", () => {
    const i18n = createI18n({ timeZone: "Europe/Berlin" });
    for (const locale of LOCALES) {
      for (const key of [...source.keys()].filter((k) => k.startsWith("commands."))) {
        const text = i18n.t(locale, key);
        expect(text.length, `${locale} ${key}`).toBeGreaterThanOrEqual(3);
        expect(text.length, `${locale} ${key}`).toBeLessThanOrEqual(256);
      }
    }
  });

  it("right-to-left texts start every line right to left and isolate Latin names", () => {
    const i18n = createI18n({ timeZone: "Europe/Berlin" });
    for (const locale of RTL_LOCALES) {
      const text = i18n.t(locale, "language.changed", { language: "Deutsch" });
      for (const line of text.split("\n")) expect(line.startsWith("\u200f"), locale).toBe(true);
      expect(text).toContain("\u2068Deutsch\u2069");
      expect(withoutDirectionMarks(text)).toContain("Deutsch");
    }
    expect(i18n.t("de", "language.changed", { language: "Deutsch" }).startsWith("\u200f")).toBe(false);
  });

  it("plurals and dates follow each language, in Berlin time", () => {
    const i18n = createI18n({ timeZone: "Europe/Berlin" });
    expect(i18n.t("de", "slack.ag.members", { count: 1 })).toBe("1 Mitglied");
    expect(i18n.t("de", "slack.ag.members", { count: 3 })).toBe("3 Mitglieder");
    expect(i18n.t("ru", "slack.ag.members", { count: 2 })).not.toBe(i18n.t("ru", "slack.ag.members", { count: 5 }).replace("5", "2"));
    const winter = new Date("2026-12-24T17:30:00Z");
    expect(i18n.formatDateTime("de", winter)).toContain("18:30");
    expect(i18n.formatDateTime("en", winter)).toContain("18:30");
    // Gregorian dates for appointments in Germany, also where another calendar is the default.
    expect(i18n.formatDate("fa", winter)).toMatch(/۲۰۲۶|2026/);
  });
});
