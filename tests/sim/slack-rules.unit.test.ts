import { WebClient, type Logger, type WebAPIPlatformError } from "@slack/web-api";
import { afterEach, describe, expect, it } from "vitest";
import { SlackEmulator } from "../../sim/slack-api.js";
import { checkBlocks, checkMessageArguments, checkView, checkWebApiCall, refusedInputs, type JsonObject, type Problem } from "../../sim/slack-rules.js";

const plain = (text: string) => ({ type: "plain_text" as const, text });
// WebClient logs Slack's "[ERROR] …" messages; the test reads them from the error instead.
const silent: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {}, setLevel: () => {}, getLevel: () => "error" as never, setName: () => {} };
const mrkdwn = (text: string) => ({ type: "mrkdwn" as const, text });
const button = (text: string, actionId: string, value = "v") => ({ type: "button", text: plain(text), action_id: actionId, value });
const section = (text: string) => ({ type: "section", text: mrkdwn(text) });
const option = (text: string, value = "v") => ({ text: plain(text), value });
const input = (blockId: string, element: JsonObject, more: JsonObject = {}) => ({ type: "input", block_id: blockId, label: plain("Label"), element, ...more });
const modal = (blocks: JsonObject[], more: JsonObject = {}) => ({ type: "modal", title: plain("Title"), submit: plain("Send"), blocks, ...more });
const many = <T>(count: number, make: (i: number) => T): T[] => Array.from({ length: count }, (_, i) => make(i));

/** Slack's own lines for a message's blocks: "message [json-pointer:…]". */
const lines = (problems: Problem[]) => problems.map((p) => `${p.message} [json-pointer:${p.pointer}]`);
const message = (blocks: JsonObject[]) => lines(checkBlocks(blocks, "message", "/blocks"));
const view = (value: JsonObject, kind: "modal" | "home" = "modal") => lines(checkView(value, kind));

describe("Block Kit in messages", () => {
  it("refuses two buttons sharing an action_id in one actions block, as Slack does", () => {
    const blocks = [section("Poll"), { type: "actions", elements: [button("Yes", "poll_vote"), button("No", "poll_vote")] }];
    expect(message(blocks)).toEqual(['`action_id` "poll_vote" already exists [json-pointer:/blocks/1/elements/1/action_id]']);
  });

  it("accepts the same action_id in two different blocks", () => {
    expect(message([{ type: "actions", elements: [button("Yes", "vote")] }, { type: "actions", elements: [button("No", "vote")] }])).toEqual([]);
  });

  it("counts a section's accessory among its block's action_ids", () => {
    expect(message([{ ...section("x"), accessory: button("Go", "go") }])).toEqual([]);
  });

  it("allows 25 elements in an actions block, not 26", () => {
    const actions = (count: number) => [{ type: "actions", elements: many(count, (i) => button(`B${i}`, `b${i}`)) }];
    expect(message(actions(25))).toEqual([]);
    expect(message(actions(26))).toEqual(["no more than 25 items allowed [json-pointer:/blocks/0/elements]"]);
  });

  it("allows 50 blocks in a message, not 51", () => {
    expect(message(many(50, () => ({ type: "divider" })))).toEqual([]);
    expect(message(many(51, () => ({ type: "divider" })))).toEqual(["no more than 50 items allowed [json-pointer:/blocks]"]);
  });

  it("allows a header of 150 characters, not 151", () => {
    expect(message([{ type: "header", text: plain("h".repeat(150)) }])).toEqual([]);
    expect(message([{ type: "header", text: plain("h".repeat(151)) }])).toEqual([
      "failed to match all allowed schemas [json-pointer:/blocks/0/text]",
      "must be less than 151 characters [json-pointer:/blocks/0/text/text]",
    ]);
  });

  it("wants a header in plain_text", () => {
    expect(message([{ type: "header", text: mrkdwn("*bold*") }])).toContain("must be a valid enum value [json-pointer:/blocks/0/text/type]");
  });

  it("allows section text of 3000 characters, not 3001", () => {
    expect(message([section("s".repeat(3000))])).toEqual([]);
    expect(message([section("s".repeat(3001))])).toEqual([
      "failed to match all allowed schemas [json-pointer:/blocks/0/text]",
      "must be less than 3001 characters [json-pointer:/blocks/0/text/text]",
    ]);
  });

  it("counts characters, not UTF-16 units, against a limit", () => {
    expect(message([{ type: "header", text: plain("📅".repeat(150)) }])).toEqual([]);
  });

  it("allows 10 section fields of 2000 characters, not 11 or 2001", () => {
    expect(message([{ type: "section", fields: many(10, () => mrkdwn("f".repeat(2000))) }])).toEqual([]);
    expect(message([{ type: "section", fields: many(11, () => mrkdwn("f")) }])).toEqual(["no more than 10 items allowed [json-pointer:/blocks/0/fields]"]);
    expect(message([{ type: "section", fields: [mrkdwn("f".repeat(2001))] }])).toContain("must be less than 2001 characters [json-pointer:/blocks/0/fields/0/text]");
  });

  it("wants a section to have text or fields", () => {
    expect(message([{ type: "section", block_id: "empty" }])).toEqual(["must define either `text` or `fields` [json-pointer:/blocks/0]"]);
  });

  it("allows 10 context elements, not 11", () => {
    expect(message([{ type: "context", elements: many(10, () => mrkdwn("c")) }])).toEqual([]);
    expect(message([{ type: "context", elements: many(11, () => mrkdwn("c")) }])).toEqual(["no more than 10 items allowed [json-pointer:/blocks/0/elements]"]);
  });

  it("allows button text of 75 characters, not 76", () => {
    expect(message([{ type: "actions", elements: [button("b".repeat(75), "b")] }])).toEqual([]);
    expect(message([{ type: "actions", elements: [button("b".repeat(76), "b")] }])).toContain("must be less than 76 characters [json-pointer:/blocks/0/elements/0/text/text]");
  });

  it("allows a button value of 2000 characters, not 2001", () => {
    expect(message([{ type: "actions", elements: [button("B", "b", "v".repeat(2000))] }])).toEqual([]);
    expect(message([{ type: "actions", elements: [button("B", "b", "v".repeat(2001))] }])).toEqual(["must be less than 2001 characters [json-pointer:/blocks/0/elements/0/value]"]);
  });

  it("allows a button url of 3000 characters and only the primary and danger styles", () => {
    const url = `https://example.org/${"u".repeat(2980)}`;
    expect(message([{ type: "actions", elements: [{ ...button("B", "b"), url, style: "danger" }] }])).toEqual([]);
    expect(message([{ type: "actions", elements: [{ ...button("B", "b"), url: `${url}u` }] }])).toEqual(["must be less than 3001 characters [json-pointer:/blocks/0/elements/0/url]"]);
    expect(message([{ type: "actions", elements: [{ ...button("B", "b"), style: "secondary" }] }])).toEqual(["must be a valid enum value [json-pointer:/blocks/0/elements/0/style]"]);
  });

  it("allows action_id and block_id of 255 characters, not 256", () => {
    expect(message([{ type: "actions", block_id: "k".repeat(255), elements: [button("B", "a".repeat(255))] }])).toEqual([]);
    expect(message([{ type: "actions", block_id: "k".repeat(256), elements: [button("B", "a".repeat(256))] }])).toEqual([
      "must be less than 256 characters [json-pointer:/blocks/0/elements/0/action_id]",
      "must be less than 256 characters [json-pointer:/blocks/0/block_id]",
    ]);
  });

  it("refuses a block_id used twice in one message", () => {
    expect(message([{ ...section("a"), block_id: "same" }, { ...section("b"), block_id: "same" }])).toEqual(['`block_id` "same" already exists [json-pointer:/blocks/1/block_id]']);
  });

  it("refuses an unknown block type and an unknown field", () => {
    expect(message([{ type: "carousel_of_doom" }])).toEqual(["failed to match all allowed schemas [json-pointer:/blocks/0]", "must be a valid enum value [json-pointer:/blocks/0/type]"]);
    expect(message([{ type: "divider", colour: "red" }])).toEqual(["invalid additional property: colour [json-pointer:/blocks/0]"]);
  });

  it("refuses an empty text object", () => {
    expect(message([section("")])).toEqual(["failed to match all allowed schemas [json-pointer:/blocks/0/text]", "must be more than 0 characters [json-pointer:/blocks/0/text/text]"]);
  });

  it("refuses emoji on mrkdwn and verbatim on plain_text, as Slack words it", () => {
    expect(message([{ type: "section", text: { ...mrkdwn("x"), emoji: true } }])).toEqual([
      "failed to match all allowed schemas [json-pointer:/blocks/0/text]",
      "invalid additional property: emoji [json-pointer:/blocks/0/text]",
    ]);
    expect(message([{ type: "header", text: { ...plain("x"), verbatim: true } }])).toContain("invalid additional property: verbatim [json-pointer:/blocks/0/text]");
    expect(message([{ type: "header", text: { ...plain("x"), emoji: true } }])).toEqual([]);
  });

  it("refuses an element where its block cannot hold it", () => {
    expect(message([{ type: "actions", elements: [{ type: "image", image_url: "https://x.org/a.png", alt_text: "a" }] }])).toEqual([
      "failed to match all allowed schemas [json-pointer:/blocks/0/elements/0]",
      "must be a valid enum value [json-pointer:/blocks/0/elements/0/type]",
    ]);
  });
});

describe("Block Kit options and pickers", () => {
  const select = (options: JsonObject[], more: JsonObject = {}) => [{ type: "actions", elements: [{ type: "static_select", action_id: "s", options, ...more }] }];

  it("allows option text of 75 characters and value of 150, not 76 or 151", () => {
    expect(message(select([option("o".repeat(75), "v".repeat(150))]))).toEqual([]);
    expect(message(select([option("o".repeat(76))]))).toContain("must be less than 76 characters [json-pointer:/blocks/0/elements/0/options/0/text/text]");
    expect(message(select([option("o", "v".repeat(151))]))).toEqual(["must be less than 151 characters [json-pointer:/blocks/0/elements/0/options/0/value]"]);
  });

  it("allows 100 options in a select, not 101, and option groups instead of options", () => {
    expect(message(select(many(100, (i) => option(`O${i}`, `v${i}`))))).toEqual([]);
    expect(message(select(many(101, (i) => option(`O${i}`, `v${i}`))))).toEqual(["no more than 100 items allowed [json-pointer:/blocks/0/elements/0/options]"]);
    const grouped = [{ type: "actions", elements: [{ type: "static_select", action_id: "s", option_groups: [{ label: plain("G"), options: [option("A")] }] }] }];
    expect(message(grouped)).toEqual([]);
  });

  it("wants the initial option to be one of the options", () => {
    expect(message(select([option("A", "a")], { initial_option: option("A", "a") }))).toEqual([]);
    expect(message(select([option("A", "a")], { initial_option: option("B", "b") }))).toEqual(["must be one of the provided options [json-pointer:/blocks/0/elements/0/initial_option]"]);
  });

  it("allows an overflow menu of 2 to 5 options", () => {
    const overflow = (count: number) => [{ type: "actions", elements: [{ type: "overflow", action_id: "o", options: many(count, (i) => option(`O${i}`, `v${i}`)) }] }];
    expect(message(overflow(2))).toEqual([]);
    expect(message(overflow(5))).toEqual([]);
    expect(message(overflow(1))).toEqual(["no less than 2 items allowed [json-pointer:/blocks/0/elements/0/options]"]);
    expect(message(overflow(6))).toEqual(["no more than 5 items allowed [json-pointer:/blocks/0/elements/0/options]"]);
  });

  it("allows 10 checkboxes or radio buttons, not 11", () => {
    for (const type of ["checkboxes", "radio_buttons"]) {
      const group = (count: number) => [{ type: "actions", elements: [{ type, action_id: "c", options: many(count, (i) => option(`O${i}`, `v${i}`)) }] }];
      expect(message(group(10))).toEqual([]);
      expect(message(group(11))).toEqual(["no more than 10 items allowed [json-pointer:/blocks/0/elements/0/options]"]);
    }
  });

  it("wants dates as YYYY-MM-DD and times as HH:mm", () => {
    const pickers = (date: string, time: string) => [{ type: "actions", elements: [{ type: "datepicker", action_id: "d", initial_date: date }, { type: "timepicker", action_id: "t", initial_time: time }] }];
    expect(message(pickers("2025-12-24", "18:30"))).toEqual([]);
    expect(message(pickers("24.12.2025", "6:30 pm"))).toEqual([
      "must match the format YYYY-MM-DD [json-pointer:/blocks/0/elements/0/initial_date]",
      "must match the format HH:mm [json-pointer:/blocks/0/elements/1/initial_time]",
    ]);
  });
});

describe("views", () => {
  it("allows 100 blocks in a modal and in the Home tab, not 101", () => {
    expect(view(modal(many(100, () => ({ type: "divider" }))))).toEqual([]);
    expect(view(modal(many(101, () => ({ type: "divider" }))))).toEqual(["no more than 100 items allowed [json-pointer:/view/blocks]"]);
    expect(view({ type: "home", blocks: many(100, () => ({ type: "divider" })) }, "home")).toEqual([]);
    expect(view({ type: "home", blocks: many(101, () => ({ type: "divider" })) }, "home")).toEqual(["no more than 100 items allowed [json-pointer:/view/blocks]"]);
  });

  it("allows a modal title, submit and close of 24 characters, not 25", () => {
    expect(view(modal([], { title: plain("t".repeat(24)), submit: plain("s".repeat(24)), close: plain("c".repeat(24)) }))).toEqual([]);
    expect(view(modal([], { title: plain("t".repeat(25)) }))).toEqual([
      "failed to match all allowed schemas [json-pointer:/view/title]",
      "must be less than 25 characters [json-pointer:/view/title/text]",
    ]);
    expect(view(modal([], { close: plain("c".repeat(25)) }))).toContain("must be less than 25 characters [json-pointer:/view/close/text]");
  });

  it("allows private_metadata of 3000 characters, not 3001, and callback_id of 255", () => {
    expect(view(modal([], { private_metadata: "m".repeat(3000), callback_id: "c".repeat(255) }))).toEqual([]);
    expect(view(modal([], { private_metadata: "m".repeat(3001) }))).toEqual(["must be less than 3001 characters [json-pointer:/view/private_metadata]"]);
    expect(view(modal([], { callback_id: "c".repeat(256) }))).toEqual(["must be less than 256 characters [json-pointer:/view/callback_id]"]);
  });

  it("wants a submit button when the modal has inputs", () => {
    const withInput = { type: "modal", title: plain("T"), blocks: [input("q", { type: "plain_text_input", action_id: "v" })] };
    expect(view(withInput)).toEqual(["missing required field: submit [json-pointer:/view]"]);
  });

  it("wants type modal from the views methods and home from views.publish", () => {
    expect(view({ type: "home", blocks: [] })).toEqual(["must be a valid enum value [json-pointer:/view/type]"]);
    expect(view({ type: "modal", title: plain("T"), blocks: [] }, "home")).toEqual(["must be a valid enum value [json-pointer:/view/type]"]);
    expect(view({ blocks: [] })).toEqual(["missing required field: type [json-pointer:/view]"]);
  });

  it("refuses a block_id used twice in one view", () => {
    const twice = modal([input("same", { type: "plain_text_input", action_id: "a" }), input("same", { type: "plain_text_input", action_id: "b" })]);
    expect(view(twice)).toEqual(['`block_id` "same" already exists [json-pointer:/view/blocks/1/block_id]']);
  });

  it("allows an input label and hint of 2000 characters, not 2001", () => {
    const text = { type: "plain_text_input", action_id: "v" };
    expect(view(modal([input("q", text, { label: plain("l".repeat(2000)), hint: plain("h".repeat(2000)), optional: true })]))).toEqual([]);
    expect(view(modal([input("q", text, { label: plain("l".repeat(2001)) })]))).toContain("must be less than 2001 characters [json-pointer:/view/blocks/0/label/text]");
    expect(view(modal([input("q", text, { hint: plain("h".repeat(2001)) })]))).toContain("must be less than 2001 characters [json-pointer:/view/blocks/0/hint/text]");
    expect(view(modal([input("q", text, { optional: "yes" })]))).toEqual(["must provide a boolean [json-pointer:/view/blocks/0/optional]"]);
  });

  it("allows a plain-text input placeholder of 150 characters and max_length of 3000, not 151 or 3001", () => {
    const field = (more: JsonObject) => view(modal([input("q", { type: "plain_text_input", action_id: "v", ...more })]));
    expect(field({ placeholder: plain("p".repeat(150)), max_length: 3000, min_length: 3000 })).toEqual([]);
    expect(field({ placeholder: plain("p".repeat(151)) })).toContain("must be less than 151 characters [json-pointer:/view/blocks/0/element/placeholder/text]");
    expect(field({ max_length: 3001 })).toEqual(["must be less than or equal to 3000 [json-pointer:/view/blocks/0/element/max_length]"]);
    expect(field({ min_length: 3001 })).toEqual(["must be less than or equal to 3000 [json-pointer:/view/blocks/0/element/min_length]"]);
  });

  it("refuses an unknown field on a modal", () => {
    expect(view(modal([], { state: {} }))).toEqual(["invalid additional property: state [json-pointer:/view]"]);
  });
});

describe("Web API arguments", () => {
  it("answers invalid_blocks with Slack's errors and response_metadata", () => {
    const blocks = JSON.stringify([{ type: "actions", elements: [button("Yes", "rsvp"), button("No", "rsvp")] }]);
    expect(checkWebApiCall("chat.postMessage", { channel: "C1", text: "Meeting", blocks })).toEqual({
      ok: false,
      error: "invalid_blocks",
      errors: ['`action_id` "rsvp" already exists [json-pointer:/blocks/0/elements/1/action_id]'],
      response_metadata: { messages: ['[ERROR] `action_id` "rsvp" already exists [json-pointer:/blocks/0/elements/1/action_id]'] },
    });
  });

  it("answers views methods with invalid_arguments and messages only", () => {
    const refusal = checkWebApiCall("views.open", { trigger_id: "t", view: JSON.stringify(modal([], { title: plain("t".repeat(25)) })) });
    expect(refusal).toEqual({
      ok: false,
      error: "invalid_arguments",
      response_metadata: { messages: ["[ERROR] failed to match all allowed schemas [json-pointer:/view/title]", "[ERROR] must be less than 25 characters [json-pointer:/view/title/text]"] },
    });
  });

  it("refuses text over 40,000 characters, no content at all, and blocks that are not a JSON array", () => {
    expect(checkMessageArguments({ channel: "C1", text: "t".repeat(40_000) })).toEqual({ ok: true });
    expect(checkMessageArguments({ channel: "C1", text: "t".repeat(40_001) })).toEqual({ ok: false, error: "msg_too_long" });
    expect(checkMessageArguments({ channel: "C1" })).toEqual({ ok: false, error: "no_text" });
    expect(checkMessageArguments({ channel: "C1", blocks: "[{" })).toEqual({ ok: false, error: "invalid_blocks_format" });
    expect(checkMessageArguments({ channel: "C1", blocks: { type: "divider" } })).toEqual({ ok: false, error: "invalid_blocks_format" });
  });

  it("accepts blocks without a fallback text and ignores arguments it does not know, as Slack does", () => {
    expect(checkMessageArguments({ channel: "C1", blocks: [section("hi")], unfurl_links: false, made_up: 1 })).toEqual({ ok: true });
    expect(checkWebApiCall("users.info", { user: "U1", anything: "goes" })).toEqual({ ok: true });
  });
});

describe("required inputs on submission", () => {
  const note = modal([
    input("note", { type: "plain_text_input", action_id: "note_input", max_length: 10, min_length: 2 }),
    input("extra", { type: "plain_text_input", action_id: "v" }, { optional: true }),
    input("day", { type: "datepicker", action_id: "v", initial_date: "2025-01-01" }),
  ]);

  it("refuses an empty required input and lets an optional one be empty", () => {
    expect(refusedInputs(note, { note: { note_input: { type: "plain_text_input", value: "" } } })).toEqual([{ blockId: "note", reason: "required" }]);
    expect(refusedInputs(note, { note: { note_input: { type: "plain_text_input", value: "ok" } }, extra: { v: { type: "plain_text_input", value: null } } })).toEqual([]);
  });

  it("counts an untouched input with an initial value as filled, a cleared one as empty", () => {
    expect(refusedInputs(note, { note: { note_input: { type: "plain_text_input", value: "ok" } } })).toEqual([]);
    expect(refusedInputs(note, { note: { note_input: { type: "plain_text_input", value: "ok" } }, day: { v: { type: "datepicker", selected_date: null } } })).toEqual([
      { blockId: "day", reason: "required" },
    ]);
  });

  it("refuses text outside min_length and max_length", () => {
    expect(refusedInputs(note, { note: { note_input: { type: "plain_text_input", value: "x" } } })).toEqual([{ blockId: "note", reason: "too_short", limit: 2 }]);
    expect(refusedInputs(note, { note: { note_input: { type: "plain_text_input", value: "x".repeat(11) } } })).toEqual([{ blockId: "note", reason: "too_long", limit: 10 }]);
  });
});

describe("the emulator over HTTP", () => {
  let emulator: SlackEmulator | undefined;
  afterEach(async () => emulator?.close());

  it("answers @slack/web-api's WebClient as Slack does, and records the violation", async () => {
    emulator = await SlackEmulator.start({ token: "xoxb-rules" });
    const violations: unknown[] = [];
    emulator.on("violation", (v) => violations.push(v));
    const client = new WebClient("xoxb-rules", { slackApiUrl: emulator.apiUrl, retryConfig: { retries: 0 }, logger: silent });
    const blocks = [section("📊 Poll"), { type: "actions", block_id: "vote", elements: [button("Music", "poll_vote", "1"), button("Food", "poll_vote", "2")] }];
    const error = (await client.chat.postMessage({ channel: "C1", text: "Poll", blocks }).catch((e: unknown) => e)) as WebAPIPlatformError;
    expect(error.data.error).toBe("invalid_blocks");
    expect((error.data as { errors?: string[] }).errors).toEqual(['`action_id` "poll_vote" already exists [json-pointer:/blocks/1/elements/1/action_id]']);
    expect(error.data.response_metadata?.messages).toEqual(['[ERROR] `action_id` "poll_vote" already exists [json-pointer:/blocks/1/elements/1/action_id]']);
    expect(emulator.channelMessages("C1")).toEqual([]);
    expect(emulator.violations).toMatchObject([{ method: "chat.postMessage", error: "invalid_blocks", errors: ['`action_id` "poll_vote" already exists [json-pointer:/blocks/1/elements/1/action_id]'] }]);
    expect(violations).toHaveLength(1);

    const posted = await client.chat.postMessage({ channel: "C1", text: "Poll", blocks: [section("📊 Poll")] });
    expect(posted.ok).toBe(true);
    const opened = (await client.views.open({ trigger_id: "t", view: { type: "modal", title: plain("t".repeat(25)), blocks: [] } }).catch((e: unknown) => e)) as WebAPIPlatformError;
    expect(opened.data.error).toBe("invalid_arguments");
    expect(opened.data.response_metadata?.messages).toContain("[ERROR] must be less than 25 characters [json-pointer:/view/title/text]");
    expect(emulator.violations.map((v) => v.method)).toEqual(["chat.postMessage", "views.open"]);
  });
});
