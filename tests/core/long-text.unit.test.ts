import { describe, expect, it } from "vitest";
import { characters, splitText, TELEGRAM_TEXT_MAX, truncate } from "../../core/long-text.js";

const FSI = "\u2068";
const PDI = "\u2069";
const RLM = "\u200f";

describe("splitting long texts for the platforms", () => {
  it("leaves a text that fits as it is, even at the exact limit", () => {
    expect(splitText("kurz", 10)).toEqual(["kurz"]);
    const exact = "😀".repeat(TELEGRAM_TEXT_MAX / 2);
    expect(splitText(exact, TELEGRAM_TEXT_MAX)).toEqual([exact]);
  });

  it("cuts at a paragraph break in the second half rather than a line break or a word", () => {
    const text = `${"a".repeat(70)}\n\n${"b b".repeat(5)}\n${"c".repeat(40)}`;
    const pieces = splitText(text, 100);
    expect(pieces[0]).toBe("a".repeat(70));
    expect(pieces.join("").replace(/\s/g, "")).toBe(text.replace(/\s/g, ""));
  });

  it("every piece fits, nothing is lost, and no emoji is cut in half", () => {
    const text = "🙂".repeat(3000); // 6000 code units, no spaces at all
    const pieces = splitText(text, 4095); // odd: a naive cut would fall between the halves of a pair
    expect(pieces.every((p) => p.length <= 4095)).toBe(true);
    expect(pieces.join("")).toBe(text);
    for (const piece of pieces) expect(piece).toMatch(/^(?:🙂)+$/u);
  });

  it("never cuts inside an isolated value such as a name or an address", () => {
    const name = `${FSI}${"Mohammed Al-Rashid ".repeat(3).trim()}${PDI}`;
    const text = `${"x ".repeat(40)}${name} ${"y ".repeat(40)}`;
    const pieces = splitText(text, 100);
    expect(pieces.every((p) => p.length <= 100)).toBe(true);
    expect(pieces.some((p) => p.includes(name))).toBe(true);
    for (const piece of pieces) expect(piece.split(FSI).length).toBe(piece.split(PDI).length);
  });

  it("a right-to-left line cut in the middle keeps its right-to-left mark in the second piece", () => {
    const line = `${RLM}${"مرحبا ".repeat(30)}`;
    const pieces = splitText(line, 100);
    expect(pieces.length).toBeGreaterThan(1);
    for (const piece of pieces) expect(piece.startsWith(RLM)).toBe(true);
  });

  it("a 5,000-character text of short paragraphs becomes two messages, cut between paragraphs", () => {
    const paragraphs = Array.from({ length: 100 }, (_, i) => `Anfrage ${i}: ${"Notiz ".repeat(7)}`.trim());
    const text = paragraphs.join("\n\n");
    expect(text.length).toBeGreaterThan(TELEGRAM_TEXT_MAX);
    const pieces = splitText(text, TELEGRAM_TEXT_MAX);
    expect(pieces).toHaveLength(2);
    expect(pieces.flatMap((p) => p.split("\n\n"))).toEqual(paragraphs);
  });
});

describe("counting and capping what people type, as the platforms count it", () => {
  it("counts an emoji as one character, as Telegram and Slack do (String.length counts two)", () => {
    expect(characters("Hallo 🙂")).toBe(7);
    expect(characters("مرحبا")).toBe(5);
    expect(characters("🙂".repeat(500))).toBe(500);
  });

  it("caps at a number of characters without ever keeping half an emoji", () => {
    const text = `${"a".repeat(74)}🏠bcdef`;
    expect(text.slice(0, 75)).toMatch(/\uD83C$/); // what a plain slice would keep: half the house
    expect(truncate(text, 75)).toBe(`${"a".repeat(74)}🏠`);
    expect(truncate(text, 74)).toBe("a".repeat(74));
    expect(truncate("kurz", 75)).toBe("kurz");
  });
});
