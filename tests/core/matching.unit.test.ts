import { describe, expect, it } from "vitest";
import { circleFor } from "../../core/matching.js";
import type { Request } from "../../core/request-store.js";

type Asked = Pick<Request, "kind" | "language" | "mode" | "district" | "genderPreference">;

const settings = { quietMs: 30 * 60_000 };
const interpreter: Asked = { kind: "MEDIATION", language: "ar", mode: "IN_PERSON", district: "BECKUM", genderPreference: null };
const GOOD_OR_BETTER = ["GOOD", "FLUENT", "NATIVE"];
const ANY_LEVEL = ["BASIC", "GOOD", "FLUENT", "NATIVE"];

describe("the circle of volunteers a request reaches", () => {
  it("strictly: an interpreter who speaks the language well, goes to the district, has room this week and had no offer lately", () => {
    expect(circleFor(interpreter, "strict", settings)).toEqual({
      role: "INTERPRETER",
      language: { code: "ar", levels: GOOD_OR_BETTER },
      district: "BECKUM",
      quiet: { sinceMs: 30 * 60_000 },
    });
  });

  it("widened: a basic level of the language will do, and any district or remote-only volunteer, still with room and quiet time", () => {
    expect(circleFor(interpreter, "widened", settings)).toEqual({ role: "INTERPRETER", language: { code: "ar", levels: ANY_LEVEL }, quiet: { sinceMs: 30 * 60_000 } });
  });

  it("for everyone: the role and the language only, regardless of district, capacity and quiet time", () => {
    expect(circleFor(interpreter, "everyone", settings)).toEqual({ role: "INTERPRETER", language: { code: "ar", levels: ANY_LEVEL } });
  });

  it.each(["strict", "widened", "everyone"] as const)("an interpreter for German needs no other language (%s)", (reach) => {
    expect(circleFor({ ...interpreter, language: "de" }, reach, settings).language).toBeUndefined();
  });

  it("an interpreting request never drops its language, however far it reaches", () => {
    for (const reach of ["strict", "widened", "everyone"] as const) expect(circleFor(interpreter, reach, settings).language?.code).toBe("ar");
  });

  it.each([
    ["MEDIATION", "INTERPRETER"],
    ["LEISURE", "LEISURE_BUDDY"],
    ["MENTORING", "MENTOR"],
  ] as const)("a %s request goes to volunteers with the role %s", (kind, role) => {
    expect(circleFor({ ...interpreter, kind }, "strict", settings).role).toBe(role);
  });

  it.each(["LEISURE", "MENTORING"] as const)("company in free time or a mentor (%s): the language strictly, any language once widened", (kind) => {
    const request = { ...interpreter, kind, mode: null, district: null };
    expect(circleFor(request, "strict", settings).language).toEqual({ code: "ar", levels: GOOD_OR_BETTER });
    expect(circleFor(request, "widened", settings).language).toBeUndefined();
    expect(circleFor(request, "everyone", settings).language).toBeUndefined();
  });

  it.each(["PHONE", "VIDEO", "LETTER"])("by %s the district does not matter, even strictly", (mode) => {
    expect(circleFor({ ...interpreter, mode }, "strict", settings).district).toBeUndefined();
  });

  it("without a mode, a district given means in person", () => {
    expect(circleFor({ ...interpreter, mode: null }, "strict", settings).district).toBe("BECKUM");
    expect(circleFor({ ...interpreter, mode: null, district: null }, "strict", settings).district).toBeUndefined();
  });

  it("in person without a district asks for no district", () => {
    expect(circleFor({ ...interpreter, district: null }, "strict", settings).district).toBeUndefined();
  });

  it("a mentee's wish for a woman or a man holds in every reach", () => {
    const mentee: Asked = { kind: "MENTORING", language: "ar", mode: null, district: null, genderPreference: "WOMAN" };
    for (const reach of ["strict", "widened", "everyone"] as const) expect(circleFor(mentee, reach, settings).gender).toBe("WOMAN");
    expect(circleFor({ ...mentee, genderPreference: null }, "strict", settings).gender).toBeUndefined();
  });

  it("only mentoring asks for a gender", () => {
    expect(circleFor({ ...interpreter, genderPreference: "WOMAN" }, "strict", settings).gender).toBeUndefined();
    expect(circleFor({ ...interpreter, kind: "LEISURE", genderPreference: "MAN" }, "strict", settings).gender).toBeUndefined();
  });

  it("the quiet time is the configured one", () => {
    expect(circleFor(interpreter, "strict", { quietMs: 0 }).quiet).toEqual({ sinceMs: 0 });
    expect(circleFor(interpreter, "widened", { quietMs: 5000 }).quiet).toEqual({ sinceMs: 5000 });
  });
});
