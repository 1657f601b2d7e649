import { describe, expect, it } from "vitest";
import { findTowns, isSlug } from "../../core/networks.js";

const county = ["Beckum", "Ahlen", "Oelde", "Ennigerloh", "Drensteinfurt", "Warendorf", "Sendenhorst", "Everswinkel", "Sassenberg", "Telgte", "Wadersloh", "Ostbevern", "Beelen"].map((name) => ({ name }));
const names = (query: string) => findTowns(query, county).map((t) => t.name);

describe("finding a town by what a newcomer types", () => {
  it("finds a name, its beginning and any case", () => {
    expect(names("beckum")).toEqual(["Beckum"]);
    expect(names("WAREN")).toEqual(["Warendorf"]);
    expect(names("Ahlen ")).toEqual(["Ahlen"]);
  });

  it("finds a name written in Cyrillic, Arabic or Persian letters", () => {
    expect(names("Бекум")).toContain("Beckum");
    expect(names("بيكوم")).toEqual(["Beckum"]);
    expect(names("آهلن")).toEqual(["Ahlen"]);
    expect(names("Варендорф")).toEqual(["Warendorf"]);
    expect(names("Ален")).toEqual(["Ahlen"]);
  });

  it("forgives a small typo but not a different word", () => {
    expect(names("Bekum")).toEqual(["Beckum"]);
    expect(names("Warendrof")).toEqual(["Warendorf"]);
    expect(names("Berlin")).toEqual([]);
    expect(names("x")).toEqual([]);
  });

  it("puts the closest first when several fit", () => {
    expect(names("Be")).toEqual([]); // two letters say too little …
    expect(names("Bee")[0]).toBe("Beelen"); // … three are a beginning
  });
});

describe("a network's short name in deep links", () => {
  it("is what Telegram takes as a start parameter", () => {
    expect(isSlug("beckum")).toBe(true);
    expect(isSlug("kreis-warendorf_2")).toBe(true);
    expect(isSlug("Bürgerbüro")).toBe(false);
    expect(isSlug("a".repeat(65))).toBe(false);
    expect(isSlug("")).toBe(false);
  });
});
