import { describe, expect, it } from "vitest";
import { meetingStart } from "../../core/meetings.js";

const TZ = "Europe/Berlin";
/** Wednesday 25 November 2026, 11:00 in Berlin. */
const now = new Date("2026-11-25T10:00:00Z");

describe("the start of a meeting from Slack's date and time pickers", () => {
  it("is the picked wall-clock time in Berlin", () => {
    expect(meetingStart("2026-12-03", "18:30", TZ, now)).toEqual({ kind: "ok", startsAt: new Date("2026-12-03T17:30:00Z") });
    expect(meetingStart("2027-06-01", "18:30", TZ, now)).toEqual({ kind: "ok", startsAt: new Date("2027-06-01T16:30:00Z") });
  });

  it("may be later today", () => {
    expect(meetingStart("2026-11-25", "11:01", TZ, now)).toEqual({ kind: "ok", startsAt: new Date("2026-11-25T10:01:00Z") });
  });

  it("may not be now or in the past", () => {
    expect(meetingStart("2026-11-25", "11:00", TZ, now)).toEqual({ kind: "in-the-past" });
    expect(meetingStart("2026-11-24", "18:00", TZ, now)).toEqual({ kind: "in-the-past" });
  });

  it("needs both a day and a time", () => {
    expect(meetingStart(undefined, "18:00", TZ, now)).toEqual({ kind: "in-the-past" });
    expect(meetingStart("2026-12-03", undefined, TZ, now)).toEqual({ kind: "in-the-past" });
  });
});
