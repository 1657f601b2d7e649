import { describe, expect, it } from "vitest";
import { context, MAX_BLOCKS, option, section, selectOptions, textInput, within } from "../../handlers/slack/blocks.js";
import { checkBlocks, checkView } from "../../sim/slack-rules.js";

/** The Block Kit builders keep Slack's limits whatever the data: checked with the emulator's rules. */
describe("Slack's limits, kept by construction", () => {
  const groups = Array.from({ length: 123 }, (_, i) => [section(`*AG ${i}*`)]);

  it("a list longer than a message takes shows what fits and how many more there are", () => {
    const blocks = [section("Arbeitsgruppen"), ...within(MAX_BLOCKS.message - 2, groups), context("Hinweis")];
    expect(blocks).toHaveLength(MAX_BLOCKS.message);
    expect(JSON.stringify(blocks.at(-2))).toContain("… +76");
    expect(checkBlocks(blocks as never, "message", "/blocks")).toEqual([]);
    expect(within(10, groups.slice(0, 10))).toHaveLength(10);
  });

  it("more than 100 options go into groups of 100", () => {
    const options = Array.from({ length: 123 }, (_, i) => option(`AG ${i}`, `id${i}`));
    const element = { type: "static_select", action_id: "value", ...selectOptions(options), initial_option: options[110] };
    const view = { type: "modal", title: { type: "plain_text", text: "Treffen" }, submit: { type: "plain_text", text: "OK" }, blocks: [{ type: "input", block_id: "g", label: { type: "plain_text", text: "AG" }, element }] };
    expect(checkView(view as never, "modal")).toEqual([]);
    expect(selectOptions(options.slice(0, 100))).toEqual({ options: options.slice(0, 100) });
  });

  it("an option's text is clipped to 75 characters, never inside an emoji", () => {
    const text = option(`${"a".repeat(74)}🏠 Nachbarschaft`, "x").text.text;
    expect(text.length).toBeLessThanOrEqual(75);
    expect(text).toMatch(/^a+…$/);
  });

  it("a prefilled value is kept whole when it fits the field, and clipped when it does not", () => {
    const emoji = "🙂".repeat(120);
    expect(textInput({ initial: emoji, max: 120 }).initial_value).toBe(emoji);
    const question = "Frage ".repeat(50).trim();
    const title = textInput({ initial: question, max: 120 }).initial_value ?? "";
    expect([...title].length).toBe(120);
    expect(title.endsWith("…")).toBe(true);
    expect(textInput({ max: 300 })).toEqual({ type: "plain_text_input", action_id: "value", max_length: 300 });
  });
});
