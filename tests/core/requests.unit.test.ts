import { describe, expect, it } from "vitest";
import { appointmentCheck, dayCheck } from "../../core/appointments.js";

const TZ = "Europe/Berlin";
/** Wednesday 25 November 2026, 11:00 in Berlin. */
const now = new Date("2026-11-25T10:00:00Z");

describe("the day of an appointment", () => {
  it("may be today and up to 90 days ahead", () => {
    expect(dayCheck("2026-11-25", TZ, now)).toEqual({ kind: "ok" });
    expect(dayCheck("2027-02-23", TZ, now)).toEqual({ kind: "ok" });
  });

  it("may not be in the past or further than 90 days ahead", () => {
    expect(dayCheck("2026-11-24", TZ, now)).toEqual({ kind: "out-of-range" });
    expect(dayCheck("2027-02-24", TZ, now)).toEqual({ kind: "out-of-range" });
  });

  it("counts days in Berlin: half past midnight in Berlin, yesterday in UTC is yesterday", () => {
    const afterMidnight = new Date("2026-11-25T23:30:00Z"); // 26 November, 00:30 in Berlin
    expect(dayCheck("2026-11-25", TZ, afterMidnight)).toEqual({ kind: "out-of-range" });
    expect(dayCheck("2026-11-26", TZ, afterMidnight)).toEqual({ kind: "ok" });
  });
});

describe("the day and time of an appointment", () => {
  it("gives the instant in Berlin time when it is at least an hour ahead", () => {
    expect(appointmentCheck("2026-11-25", "12:00", TZ, now)).toEqual({ kind: "ok", at: new Date("2026-11-25T11:00:00Z") });
    expect(appointmentCheck("2026-12-24", "09:30", TZ, now)).toEqual({ kind: "ok", at: new Date("2026-12-24T08:30:00Z") });
  });

  it("is too soon within the next hour or earlier today, so the search has time to work", () => {
    expect(appointmentCheck("2026-11-25", "11:59", TZ, now)).toEqual({ kind: "too-soon" });
    expect(appointmentCheck("2026-11-25", "08:00", TZ, now)).toEqual({ kind: "too-soon" });
  });

  it("is out of range on a day that is", () => {
    expect(appointmentCheck("2026-11-24", "12:00", TZ, now)).toEqual({ kind: "out-of-range" });
    expect(appointmentCheck("2027-03-01", "12:00", TZ, now)).toEqual({ kind: "out-of-range" });
  });

  it("keeps the wall-clock time across the change to summer time", () => {
    expect(appointmentCheck("2027-02-22", "10:00", TZ, now)).toEqual({ kind: "ok", at: new Date("2027-02-22T09:00:00Z") });
    const spring = new Date("2027-03-20T10:00:00Z");
    expect(appointmentCheck("2027-03-29", "10:00", TZ, spring)).toEqual({ kind: "ok", at: new Date("2027-03-29T08:00:00Z") });
  });
});
