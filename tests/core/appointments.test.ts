import { describe, expect, it } from "vitest";
import { appointmentAt, nextDays, parseDay, parseTime } from "../../core/appointments.js";
import { reminderTimes } from "../../core/reminders.js";
import { eveningBefore } from "../../core/time.js";
import { newReference } from "../../core/requests.js";
import { languageName } from "../../core/messages.js";

const TZ = "Europe/Berlin";
const now = new Date("2026-11-25T10:00:00Z");

describe("typed dates and times", () => {
  it.each([
    ["24.12.", "2026-12-24"],
    ["24.12.2026", "2026-12-24"],
    ["3/1", "2027-01-03"],
    ["2027-02-28", "2027-02-28"],
    ["1.1.27", "2027-01-01"],
  ])("reads %s as %s", (text, day) => expect(parseDay(text, TZ, now)).toBe(day));

  it.each(["31.02.", "tomorrow", "12", "2026-13-01", ""])("rejects %j", (text) => expect(parseDay(text, TZ, now)).toBeUndefined());

  it.each([
    ["9", "09:00"],
    ["9:30", "09:30"],
    ["14.15", "14:15"],
    ["7 Uhr", "07:00"],
  ])("reads the time %s as %s", (text, time) => expect(parseTime(text)).toBe(time));

  it.each(["25:00", "9:75", "halb zehn"])("rejects the time %j", (text) => expect(parseTime(text)).toBeUndefined());

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
  });
});
