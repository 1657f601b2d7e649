import { describe, expect, it } from "vitest";
import { createI18n, LOCALES, type Locale } from "../../core/i18n.js";
import { renderLabel } from "../../core/messages.js";

const i18n = createI18n({ timeZone: "Europe/Berlin" });
/** Thursday 24 December 2026, 14:30 in Berlin (winter time). */
const winter = new Date("2026-12-24T13:30:00Z");
/** Monday 5 July 2027, 09:05 in Berlin (summer time). */
const summer = new Date("2027-07-05T07:05:00Z");

/** What each language group reads; the names are in locales/<code>.json (format.*), reviewed like every text. */
const EXPECTED: Record<Locale, { dateTime: string; short: string; date: string }> = {
  de: { dateTime: "Donnerstag, 24. Dezember 2026, 14:30 Uhr", short: "Donnerstag, 24.12.", date: "Montag, 5. Juli 2027" },
  en: { dateTime: "Thursday 24 December 2026, 14:30", short: "Thursday 24.12.", date: "Monday 5 July 2027" },
  // Levantine and Egyptian month names side by side, as Arabic news and the UN write them.
  ar: { dateTime: "الخميس، 24 كانون الأول/ديسمبر 2026، الساعة 14:30", short: "الخميس 24.12", date: "الاثنين، 5 تموز/يوليو 2027" },
  // Dari as written in Afghanistan: "دسمبر", not Iran's "دسامبر".
  fa: { dateTime: "پنجشنبه، 24 دسمبر 2026، ساعت 14:30", short: "پنجشنبه 24.12", date: "دوشنبه، 5 جولای 2027" },
  uk: { dateTime: "четвер, 24 грудня 2026 р., 14:30", short: "четвер, 24.12", date: "понеділок, 5 липня 2027 р." },
  ru: { dateTime: "четверг, 24 декабря 2026 г., 14:30", short: "четверг, 24.12", date: "понедельник, 5 июля 2027 г." },
  tr: { dateTime: "24 Aralık 2026 Perşembe, saat 14:30", short: "24.12 Perşembe", date: "5 Temmuz 2027 Pazartesi" },
  // Month names differ between Kurmanji speakers from Turkey, Syria and Iraq: the date is written in digits.
  ku: { dateTime: "Pêncşem, 24.12.2026, saet 14:30", short: "Pêncşem 24.12", date: "Duşem, 05.07.2027" },
  ps: { dateTime: "پنجشنبه، 24 دسمبر 2026، ساعت 14:30", short: "پنجشنبه 24.12", date: "دوشنبه، 5 جولای 2027" },
  // Eritrea's names of the Gregorian months.
  ti: { dateTime: "ሓሙስ፣ 24 ታሕሳስ 2026፣ ሰዓት 14:30", short: "ሓሙስ 24.12", date: "ሰኑይ፣ 5 ሓምለ 2027" },
  so: { dateTime: "Khamiis, 24 Diseembar 2026, saacadda 14:30", short: "Khamiis 24.12", date: "Isniin, 5 Luulyo 2027" },
  fr: { dateTime: "jeudi 24 décembre 2026 à 14:30", short: "jeudi 24.12.", date: "lundi 5 juillet 2027" },
};

describe("dates and times in every language", () => {
  it.each(LOCALES)("%s: weekday, day before month, the 24-hour clock, Berlin time", (locale) => {
    expect(i18n.formatDateTime(locale, winter)).toBe(EXPECTED[locale].dateTime);
    expect(i18n.formatShortDate(locale, winter)).toBe(EXPECTED[locale].short);
    expect(i18n.formatDate(locale, summer)).toBe(EXPECTED[locale].date);
    expect(i18n.formatTime(locale, summer)).toBe("09:05");
  });

  it.each(LOCALES)("%s: never a 12-hour clock, a day period or another calendar", (locale) => {
    for (const hour of [0, 1, 11, 12, 13, 23]) {
      const at = new Date(Date.UTC(2026, 11, 3, hour - 1, 59));
      const text = i18n.formatDateTime(locale, at);
      expect(text).toContain(`${String(hour).padStart(2, "0")}:59`);
      expect(text).not.toMatch(/\b(?:AM|PM|GH|GD)\b|ق\.ظ|ب\.ظ|ድ\.ቀ|ቅ\.ቀ|غ\.م|غ\.و|\s[صم]$/);
      expect(text, "Gregorian year in Latin digits").toContain("2026");
      expect(text).not.toMatch(/[\u0660-\u0669\u06f0-\u06f9]/);
    }
  });

  it("shows both day and month digits day first", () => {
    for (const locale of LOCALES) expect(i18n.formatShortDate(locale, new Date("2027-01-03T11:00:00Z")), locale).toMatch(/03\.01/);
  });

  it("uses the month names of the people who read them", () => {
    expect(i18n.formatDate("ku", winter)).not.toMatch(/berfanbar|kanûn|çile/i);
    expect(i18n.formatDate("fa", winter)).not.toContain("دسامبر");
    expect(i18n.formatDate("fa", new Date("2027-01-10T12:00:00Z"))).toContain("جنوری");
    expect(i18n.formatDate("ar", winter)).toContain("كانون الأول");
    expect(i18n.formatDate("ti", new Date("2027-01-10T12:00:00Z"))).toContain("ጥሪ");
  });

  it("renders dates in messages through labels, for the reader", () => {
    const label = { key: "summary.when", params: { when: { dateTime: winter.toISOString() } } };
    expect(renderLabel(i18n, "en", label)).toBe("When: \u2068Thursday 24 December 2026, 14:30\u2069");
    expect(renderLabel(i18n, "de", { date: winter.toISOString(), short: true })).toBe("Donnerstag, 24.12.");
  });

  it("writes numbers with a fraction the reader's way, in Latin digits", () => {
    expect(i18n.t("de", "slack.digest.minutes", { count: 1.5 })).toBe("1,5 Minuten");
    expect(i18n.t("en", "slack.digest.minutes", { count: 1.5 })).toBe("1.5 minutes");
    expect(i18n.t("fa", "slack.digest.minutes", { count: 2.5 })).not.toMatch(/[\u06f0-\u06f9]/);
    expect(i18n.t("de", "slack.ag.members", { count: 1 })).toBe("1 Mitglied");
  });
});
