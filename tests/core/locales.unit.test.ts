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

describe("wording the first review asked for", () => {
  const i18n = createI18n({ timeZone: "Europe/Berlin" });
  const translations = (locale: string) => flatten(read(locale));

  it("counts hours and assignments in the singular too, with count flowing through labels and the outbox", async () => {
    const { renderLabel } = await import("../../core/messages.js");
    const closed = (count: number) => renderLabel(i18n, "de", JSON.parse(JSON.stringify({ key: "jobs.closed", params: { reference: "ABC-234", count } })));
    expect(withoutDirectionMarks(closed(1))).toBe("Danke! Anfrage ABC-234 ist abgeschlossen, 1 Stunde eingetragen.");
    expect(withoutDirectionMarks(closed(1.5))).toBe("Danke! Anfrage ABC-234 ist abgeschlossen, 1,5 Stunden eingetragen.");
    const stats = renderLabel(i18n, "de", {
      key: "mydata.volunteerStats",
      params: { languages: "ar", capacity: 2, jobs: { key: "mydata.jobs", params: { count: 1 } }, hours: { key: "mydata.hours", params: { count: 1 } } },
    });
    expect(withoutDirectionMarks(stats)).toBe("Sprachen: ar · höchstens 2 pro Woche · 1 Einsatz · 1 Stunde");
    expect(withoutDirectionMarks(renderLabel(i18n, "ru", { key: "mydata.hours", params: { count: 5 } }))).toBe("5 часов");
    expect(withoutDirectionMarks(renderLabel(i18n, "ar", { key: "mydata.hours", params: { count: 2 } }))).toBe("ساعتان");
  });

  it("names the offices as on the door, with an explanation in the reader's language", () => {
    for (const locale of LOCALES.filter((l) => l !== "de")) {
      const entries = translations(locale);
      for (const [purpose, german] of [["JOBCENTER", "Jobcenter"], ["FOREIGNERS_OFFICE", "Ausländerbehörde"], ["CITIZENS_OFFICE", "Bürgerbüro"]]) {
        expect(entries.get(`mediation.purpose.${purpose}`), `${locale} ${purpose}`).toMatch(new RegExp(`^${german} \\(.+\\)$`));
      }
    }
    expect(translations("en").get("mediation.purpose.CITIZENS_OFFICE")).not.toMatch(/citizen/i);
  });

  it("calls the Somali mentor a supporter, never an adviser (the guide says volunteers give no advice)", () => {
    for (const [key, text] of translations("so")) expect(text, key).not.toMatch(/latali/i);
  });

  it("does not call a Russian or Ukrainian newcomer's appointment a meeting", () => {
    const keys = ["mediation.ask.district", "mediation.ask.place", "request.done", "reminder.evening.newcomer", "reminder.hour.newcomer"];
    for (const key of keys) {
      expect(translations("ru").get(key), key).not.toMatch(/встреч/i);
      expect(translations("uk").get(key), key).not.toMatch(/зустріч/i);
    }
  });

  it("tells a Turkish volunteer that someone else took the request, not that it was received", () => {
    expect(translations("tr").get("offer.answer.taken")).not.toMatch(/alındı/);
  });

  it("addresses Arabic readers without masculine-only verbs", () => {
    const gendered = /(^|[\s(«])(اختر|اكتب|اضغط|أرسل|أخبرنا|ترجم|قل|تريد|تحتاج|تستطيع|تتحدث|توافق|تفضّل|تحب|ستحضر)(?=[\s؟،.]|$)|أنت (غير )?مسجل/;
    for (const [key, text] of translations("ar")) expect(text, key).not.toMatch(gendered);
  });
});
