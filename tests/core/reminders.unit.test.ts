import { describe, expect, it } from "vitest";
import { remindersAt } from "../../core/reminders.js";

const TZ = "Europe/Berlin";
const settings = { eveningHour: 18, beforeMs: 3600_000 };
/** Thursday 3 December 2026, 10:00 in Berlin; the evening before is 18:00 on the 2nd (17:00 UTC), the hour before 9:00 (8:00 UTC). */
const appointmentAt = new Date("2026-12-03T09:00:00Z");
const EVENING = new Date("2026-12-02T17:00:00Z");
const HOUR = new Date("2026-12-03T08:00:00Z");
const matched = { appointmentAt, matchedAt: new Date("2026-12-01T10:00:00Z"), remindedEveningAt: null, remindedHourAt: null };
const at = (iso: string) => new Date(iso);

describe("reminders of a matched appointment", () => {
  it("before the evening, nothing is due and the evening reminder is next", () => {
    expect(remindersAt(matched, settings, TZ, at("2026-12-02T12:00:00Z"))).toEqual({ due: [], skipped: [], next: EVENING });
  });

  it("at 18:00 the evening before, the evening reminder is due and the one an hour before is next", () => {
    expect(remindersAt(matched, settings, TZ, EVENING)).toEqual({ due: ["evening"], skipped: [], next: HOUR });
  });

  it("once the evening reminder went out, an hour before the hour reminder is due and nothing follows", () => {
    expect(remindersAt({ ...matched, remindedEveningAt: EVENING }, settings, TZ, at("2026-12-03T08:00:30Z"))).toEqual({ due: ["hour"], skipped: [], next: null });
  });

  it("after an outage only the reminder shortly before goes out: 'tomorrow' an hour before would mislead", () => {
    expect(remindersAt(matched, settings, TZ, at("2026-12-03T08:30:00Z"))).toEqual({ due: ["hour"], skipped: ["evening"], next: null });
  });

  it("nothing is due once the appointment has begun", () => {
    expect(remindersAt(matched, settings, TZ, appointmentAt)).toEqual({ due: [], skipped: [], next: null });
    expect(remindersAt(matched, settings, TZ, at("2026-12-04T09:00:00Z"))).toEqual({ due: [], skipped: [], next: null });
  });

  it("a reminder that went out is not due again", () => {
    const both = { ...matched, remindedEveningAt: EVENING, remindedHourAt: HOUR };
    expect(remindersAt(both, settings, TZ, at("2026-12-03T08:30:00Z"))).toEqual({ due: [], skipped: [], next: null });
  });

  it("a match made after the evening before gets only the reminder an hour before", () => {
    const late = { ...matched, matchedAt: at("2026-12-02T20:00:00Z") };
    expect(remindersAt(late, settings, TZ, at("2026-12-02T20:00:00Z"))).toEqual({ due: [], skipped: [], next: HOUR });
    expect(remindersAt(late, settings, TZ, HOUR)).toEqual({ due: ["hour"], skipped: [], next: null });
  });

  it("a match made within the last hour gets no reminder at all", () => {
    const lastMinute = { ...matched, matchedAt: at("2026-12-03T08:30:00Z") };
    expect(remindersAt(lastMinute, settings, TZ, at("2026-12-03T08:30:00Z"))).toEqual({ due: [], skipped: [], next: null });
  });

  it("no evening reminder when the evening before falls after the reminder shortly before", () => {
    // 00:30 on the 3rd with the evening reminder at 23:00 and the other two hours before, at 22:30.
    const justAfterMidnight = { ...matched, appointmentAt: at("2026-12-02T23:30:00Z") };
    const times = remindersAt(justAfterMidnight, { eveningHour: 23, beforeMs: 2 * 3600_000 }, TZ, at("2026-12-02T12:00:00Z"));
    expect(times).toEqual({ due: [], skipped: [], next: at("2026-12-02T21:30:00Z") });
  });

  it("a request without an appointment (as soon as possible) gets no reminders", () => {
    expect(remindersAt({ ...matched, appointmentAt: null }, settings, TZ, at("2026-12-02T17:00:00Z"))).toEqual({ due: [], skipped: [], next: null });
  });

  it("the evening reminder follows Berlin's clock across the change to summer time", () => {
    // Monday 29 March 2027, 10:00 summer time; the evening before, Sunday 28 March, 18:00 is already summer time.
    const summer = { ...matched, appointmentAt: at("2027-03-29T08:00:00Z"), matchedAt: at("2027-03-20T10:00:00Z") };
    expect(remindersAt(summer, settings, TZ, at("2027-03-27T12:00:00Z")).next).toEqual(at("2027-03-28T16:00:00Z"));
  });
});
