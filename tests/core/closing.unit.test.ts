import { describe, expect, it } from "vitest";
import { staleness } from "../../core/closing.js";

const DAY = 86_400_000;
const settings = { afterAppointmentMs: 3 * DAY, asapAfterMatchMs: 14 * DAY, mentoringReviewMs: 180 * DAY };
const now = new Date("2026-12-01T12:00:00Z");
const ago = (days: number) => new Date(now.getTime() - days * DAY);
const matched = { status: "MATCHED" as const, kind: "MEDIATION" as const, appointmentAt: null, matchedAt: ago(1), confirmedAt: ago(1) };

describe("when a matched job nobody closes is due to close", () => {
  it("an appointment: three days after it, not before, whenever it was matched", () => {
    expect(staleness({ ...matched, appointmentAt: ago(2.9), matchedAt: ago(30) }, settings, now)).toBeUndefined();
    expect(staleness({ ...matched, appointmentAt: ago(3) }, settings, now)).toBe("after-appointment");
  });

  it("as soon as possible: fourteen days after the match", () => {
    expect(staleness({ ...matched, matchedAt: ago(13.9) }, settings, now)).toBeUndefined();
    expect(staleness({ ...matched, matchedAt: ago(14) }, settings, now)).toBe("asap");
  });

  it("a mentorship: reviewed half a year after the coordinators confirmed it, however old the match", () => {
    const mentoring = { ...matched, kind: "MENTORING" as const, matchedAt: ago(400) };
    expect(staleness({ ...mentoring, confirmedAt: ago(179) }, settings, now)).toBeUndefined();
    expect(staleness({ ...mentoring, confirmedAt: ago(180) }, settings, now)).toBe("review");
  });

  it("a mentoring match nobody confirmed: ends after the as-soon-as-possible time", () => {
    const unconfirmed = { ...matched, kind: "MENTORING" as const, confirmedAt: null };
    expect(staleness({ ...unconfirmed, matchedAt: ago(13) }, settings, now)).toBeUndefined();
    expect(staleness({ ...unconfirmed, matchedAt: ago(14) }, settings, now)).toBe("unconfirmed");
  });

  it("anything not matched is left alone", () => {
    for (const status of ["SEARCHING", "DONE", "CANCELLED", "UNMATCHED"] as const) {
      expect(staleness({ ...matched, status, appointmentAt: ago(100), matchedAt: ago(100) }, settings, now)).toBeUndefined();
    }
  });
});
