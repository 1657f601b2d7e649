import { describe, expect, it } from "vitest";
import { appointmentAt, nextDays, parseDay, parseTime } from "../../core/appointments.js";
import { reminderTimes } from "../../core/reminders.js";
import { eveningBefore } from "../../core/time.js";
import { newReference } from "../../core/requests.js";
import { LOCALES } from "../../core/i18n.js";
import { languageName } from "../../core/messages.js";
import { MEDIATION_LANGUAGES } from "../../core/vocabulary.js";

const TZ = "Europe/Berlin";
const now = new Date("2026-11-25T10:00:00Z");

describe("typed dates and times", () => {
  it.each([
    ["24.12.", "2026-12-24"],
    ["24.12.2026", "2026-12-24"],
    ["3/1", "2027-01-03"],
    ["2027-02-28", "2027-02-28"],
    ["1.1.27", "2027-01-01"],
    ["24/12/2026", "2026-12-24"],
    ["24-12-26", "2026-12-24"],
    ["24 . 12", "2026-12-24"],
    ["٢٤/١٢", "2026-12-24"],
    ["٢٤‏/١٢‏/٢٠٢٦", "2026-12-24"],
    ["۲۴٫۱۲", "2026-12-24"],
    ["۲۴٬۱۲٬۲۰۲۶", "2026-12-24"],
    ["۲۴/۱۲", "2026-12-24"],
    ["\u200f24.12.", "2026-12-24"],
    ["2026/12/24", "2026-12-24"],
    // Solar Hijri, as Afghans and Iranians date their papers: 3 Jadi (Dey) 1405.
    ["1405/10/3", "2026-12-24"],
    ["۱۴۰۵/۱۰/۰۳", "2026-12-24"],
    ["1405/1/1", "2026-03-21"],
  ])("reads %s as %s", (text, day) => expect(parseDay(text, TZ, now)).toBe(day));

  it.each(["31.02.", "tomorrow", "12", "2026-13-01", "", "24.13.", "1405/13/1", "12/24/2026"])("rejects %j", (text) => expect(parseDay(text, TZ, now)).toBeUndefined());

  it.each([
    ["9", "09:00"],
    ["9:30", "09:30"],
    ["14.15", "14:15"],
    ["7 Uhr", "07:00"],
    ["14:30 Uhr", "14:30"],
    ["um 9", "09:00"],
    ["14h", "14:00"],
    ["14h30", "14:30"],
    ["14 h 30", "14:30"],
    ["9,30", "09:30"],
    ["saat 14.30", "14:30"],
    ["в 9:15", "09:15"],
    ["٩:٣٠", "09:30"],
    ["۹:۳۰", "09:30"],
    ["۹٫۳۰", "09:30"],
    ["١٤٫٣٠", "14:30"],
    ["الساعة ٩", "09:00"],
    ["ساعت ۱۴", "14:00"],
    ["2 pm", "14:00"],
    ["2pm", "14:00"],
    ["2:30 PM", "14:30"],
    ["11 a.m.", "11:00"],
    ["12 am", "00:00"],
    ["12 pm", "12:00"],
    ["9:30 ص", "09:30"],
    ["9:30 م", "21:30"],
    ["٨ مساءً", "20:00"],
    ["9 صباحاً", "09:00"],
    ["۵ ب.ظ", "17:00"],
    ["۵ بعد از ظهر", "17:00"],
    ["۸ ق.ظ", "08:00"],
    ["3 غ.و.", "15:00"],
    ["2:30 GD", "14:30"],
    ["9 GH", "09:00"],
    ["2 ድ.ቀ.", "14:00"],
    ["3 ÖS", "15:00"],
    ["13 pm", "13:00"],
  ])("reads the time %s as %s", (text, time) => expect(parseTime(text)).toBe(time));

  it.each(["25:00", "9:75", "halb zehn", "halb 10", "13 am", "0 pm", "14:30 xyz", "", "1430"])("rejects the time %j", (text) =>
    expect(parseTime(text)).toBeUndefined(),
  );

  it("places a Berlin wall-clock time at the right instant in winter and summer", () => {
    expect(appointmentAt("2026-12-24", "10:00", TZ).toISOString()).toBe("2026-12-24T09:00:00.000Z");
    expect(appointmentAt("2027-07-01", "10:00", TZ).toISOString()).toBe("2027-07-01T08:00:00.000Z");
  });

  it("offers the next days in Berlin", () => {
    expect(nextDays(3, TZ, new Date("2026-11-25T23:30:00Z"))).toEqual(["2026-11-26", "2026-11-27", "2026-11-28"]);
  });
});

describe("reminders", () => {
  const settings = { eveningHour: 18, beforeMs: 3600_000 };

  it("reminds the evening before at 18:00 Berlin time and an hour before", () => {
    const appointment = new Date("2026-12-03T09:00:00Z");
    const times = reminderTimes({ appointmentAt: appointment, matchedAt: new Date("2026-12-01T10:00:00Z") }, settings, TZ);
    expect(times.evening?.toISOString()).toBe("2026-12-02T17:00:00.000Z");
    expect(times.hour?.toISOString()).toBe("2026-12-03T08:00:00.000Z");
  });

  it("skips a reminder whose time had passed when the match was made", () => {
    const appointment = new Date("2026-12-03T09:00:00Z");
    const times = reminderTimes({ appointmentAt: appointment, matchedAt: new Date("2026-12-02T20:00:00Z") }, settings, TZ);
    expect(times.evening).toBeNull();
    expect(times.hour?.toISOString()).toBe("2026-12-03T08:00:00.000Z");
  });

  it("handles the change to summer time", () => {
    expect(eveningBefore(new Date("2027-03-28T08:00:00Z"), 18, TZ).toISOString()).toBe("2027-03-27T17:00:00.000Z");
    expect(eveningBefore(new Date("2027-03-29T08:00:00Z"), 18, TZ).toISOString()).toBe("2027-03-28T16:00:00.000Z");
  });
});

describe("references and names", () => {
  it("makes short references without ambiguous characters", () => {
    for (let i = 0; i < 200; i++) expect(newReference()).toMatch(/^[A-HJ-KM-NP-Z2-9]{3}-[A-HJ-KM-NP-Z2-9]{3}$/);
  });

  it("names languages for the reader, with their own name", () => {
    expect(languageName("ar", "de")).toBe("Arabisch (العربية)");
    expect(languageName("ar", "ar")).toBe("العربية");
    expect(languageName("prs", "de")).toBe("Dari (دری)");
    expect(languageName("kmr", "ku")).toBe("Kurmancî");
    expect(languageName("kmr", "de")).toBe("Kurdisch-Kurmandschi (Kurmancî)");
    expect(languageName("prs", "fa")).toBe("دری");
    expect(languageName("fa", "fa")).toBe("فارسی ایرانی");
    expect(languageName("fa", "so")).toBe("Faarsi (فارسی)");
    expect(languageName("tr", "ti")).toBe("ቱርክኛ (Türkçe)");
    expect(languageName("es", "de")).toBe("Spanisch");
  });

  it("names every mediation language in every language of the bot, once, without runtime leftovers", () => {
    for (const reader of LOCALES) {
      for (const code of [...MEDIATION_LANGUAGES, "de"]) {
        const name = languageName(code, reader);
        expect(name, `${code} for ${reader}`).not.toMatch(/\(.*\(|\)\s*\(/);
        expect(name, `${code} for ${reader}`).not.toBe(code);
        // A name in the reader's script: English words are left only where the reader reads Latin.
        if (reader !== "en" && code !== "en") expect(name, `${code} for ${reader}`).not.toMatch(/\b(German|Arabic|Turkish|Persian|Kurdish|Russian|Ukrainian)\b/);
      }
    }
  });
});
