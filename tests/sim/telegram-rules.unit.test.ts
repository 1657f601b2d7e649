import { Api, GrammyError } from "grammy";
import { afterEach, describe, expect, it } from "vitest";
import { TelegramEmulator, type TelegramViolation } from "../../sim/telegram-api.js";
import { checkCall, codePoints, visibleText } from "../../sim/telegram-rules.js";

const CHAT = 42;
const refusal = (description: string) => expect.objectContaining({ status: 400, description });
const send = (text: string, more: Record<string, unknown> = {}) => checkCall("sendMessage", { chat_id: CHAT, text, ...more });
const keyboard = (...buttons: Record<string, unknown>[]) => ({ reply_markup: { inline_keyboard: [buttons] } });
const commands = (...list: { command: string; description: string }[]) => checkCall("setMyCommands", { commands: list });
const many = (count: number) => Array.from({ length: count }, (_, i) => ({ command: `c${i}`, description: "Something" }));

describe("message text", () => {
  it("accepts 4,096 characters and refuses 4,097 with Telegram's words", () => {
    expect(send("x".repeat(4096))).toBeUndefined();
    expect(send("x".repeat(4097))).toEqual(refusal("Bad Request: message is too long"));
  });

  it("counts an emoji as one character, as Telegram does (4,096 emoji are 8,192 UTF-16 units)", () => {
    expect(codePoints("😀")).toBe(1);
    expect(send("😀".repeat(4096))).toBeUndefined();
    expect(send("😀".repeat(4097))).toEqual(refusal("Bad Request: message is too long"));
  });

  it("counts the text after HTML or Markdown markup is parsed", () => {
    expect(send(`<b>${"x".repeat(4096)}</b>`, { parse_mode: "HTML" })).toBeUndefined();
    expect(send(`<b>${"x".repeat(4097)}</b>`, { parse_mode: "HTML" })).toEqual(refusal("Bad Request: message is too long"));
    expect(visibleText("*bold* [link](https://example.org) \\.", "MarkdownV2")).toBe("bold link .");
    expect(visibleText("a &lt; b &amp; <i>c</i>", "HTML")).toBe("a < b & c");
  });

  it("refuses an empty, a blank or a missing text", () => {
    expect(send("")).toEqual(refusal("Bad Request: message text is empty"));
    expect(send("  \n ")).toEqual(refusal("Bad Request: message must be non-empty"));
    expect(checkCall("sendMessage", { chat_id: CHAT })).toEqual(refusal("Bad Request: message text is empty"));
    expect(checkCall("editMessageText", { chat_id: CHAT, message_id: 1, text: "x".repeat(4097) })).toEqual(refusal("Bad Request: message is too long"));
  });

  it("refuses a parse mode Telegram does not know", () => {
    expect(send("x", { parse_mode: "Markdown3" })).toEqual(refusal("Bad Request: unsupported parse_mode"));
  });
});

describe("captions and answers to button presses", () => {
  it("allows a caption of 1,024 characters, not 1,025", () => {
    const copy = (caption: string) => checkCall("copyMessage", { chat_id: CHAT, from_chat_id: 7, message_id: 3, caption });
    expect(copy("x".repeat(1024))).toBeUndefined();
    expect(copy("x".repeat(1025))).toEqual(refusal("Bad Request: message caption is too long"));
  });

  it("allows a notification of 200 characters, not 201", () => {
    const answer = (text: string) => checkCall("answerCallbackQuery", { callback_query_id: "17", text });
    expect(answer("x".repeat(200))).toBeUndefined();
    expect(answer("x".repeat(201))).toEqual(refusal("Bad Request: MESSAGE_TOO_LONG"));
  });
});

describe("inline keyboards", () => {
  it("allows 64 bytes of callback data and refuses 65, counting bytes of multibyte characters", () => {
    expect(send("Pick", keyboard({ text: "A", callback_data: "ä".repeat(32) }))).toBeUndefined();
    expect(send("Pick", keyboard({ text: "A", callback_data: "😀".repeat(16) }))).toBeUndefined();
    expect(send("Pick", keyboard({ text: "A", callback_data: `${"ä".repeat(32)}x` }))).toEqual(refusal("Bad Request: BUTTON_DATA_INVALID"));
  });

  it("refuses a button that does nothing, as Telegram does, and one that does two things", () => {
    const textOnly = "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard";
    expect(send("Pick", keyboard({ text: "A" }))).toEqual(refusal(textOnly));
    // Telegram reads empty callback data as none.
    expect(send("Pick", keyboard({ text: "A", callback_data: "" }))).toEqual(refusal(textOnly));
    expect(send("Pick", keyboard({ text: "A", callback_data: "a", url: "https://example.org" }))).toEqual(
      expect.objectContaining({ status: 400, rule: "button-type" }),
    );
  });

  it("refuses an unknown field, a field of the wrong type and an empty label", () => {
    expect(send("Pick", keyboard({ text: "A", callback_data: "a", colour: "red" }))).toEqual(
      refusal('Bad Request: can\'t parse inline keyboard button: Unknown field "colour" (Telegram would ignore it)'),
    );
    expect(send("Pick", keyboard({ text: "A", url: null }))).toEqual(refusal('Bad Request: can\'t parse inline keyboard button: Field "url" must be of type String'));
    expect(send("Pick", keyboard({ text: " ", callback_data: "a" }))).toEqual(refusal("Bad Request: BUTTON_TEXT_INVALID"));
    expect(send("Pick", keyboard({ callback_data: "a" }))).toEqual(refusal('Bad Request: can\'t parse inline keyboard button: Can\'t find field "text"'));
  });

  it("reads a keyboard sent form-encoded as a JSON string", () => {
    const markup = JSON.stringify({ inline_keyboard: [[{ text: "A", callback_data: "a" }]] });
    expect(checkCall("sendMessage", { chat_id: String(CHAT), text: "Pick", reply_markup: markup })).toBeUndefined();
    expect(checkCall("sendMessage", { chat_id: CHAT, text: "Pick", reply_markup: "{inline" })).toEqual(
      refusal("Bad Request: can't parse reply keyboard markup JSON object"),
    );
  });

  it("accepts the other kinds of reply markup, plain strings as simple reply buttons included", () => {
    expect(send("Pick", { reply_markup: { keyboard: [["Yes", { text: "Share", request_contact: true }]], resize_keyboard: true } })).toBeUndefined();
    expect(send("Done", { reply_markup: { remove_keyboard: true } })).toBeUndefined();
  });
});

describe("command menus", () => {
  it("accepts commands of lowercase letters, digits and underscores, with a leading slash as Telegram does", () => {
    expect(commands({ command: "my_requests2", description: "My requests" }, { command: "/start", description: "Start" })).toBeUndefined();
  });

  it("refuses a command name Telegram refuses", () => {
    expect(commands({ command: "myRequests", description: "x" })).toEqual(refusal("Bad Request: BOT_COMMAND_INVALID"));
    expect(commands({ command: "my-requests", description: "x" })).toEqual(refusal("Bad Request: BOT_COMMAND_INVALID"));
    expect(commands({ command: "c".repeat(33), description: "x" })).toEqual(refusal("Bad Request: command length must not exceed 32"));
    expect(commands({ command: "", description: "x" })).toEqual(refusal("Bad Request: command must be non-empty"));
  });

  it("allows descriptions of 1 to 256 characters", () => {
    expect(commands({ command: "help", description: "d".repeat(256) })).toBeUndefined();
    expect(commands({ command: "help", description: "d".repeat(257) })).toEqual(refusal("Bad Request: command description length must not exceed 256"));
    expect(commands({ command: "help", description: " " })).toEqual(refusal("Bad Request: command description must be non-empty"));
  });

  it("allows 100 commands, not 101", () => {
    expect(checkCall("setMyCommands", { commands: many(100) })).toBeUndefined();
    expect(checkCall("setMyCommands", { commands: many(101) })).toEqual(refusal("Bad Request: BOT_COMMANDS_TOO_MUCH"));
  });

  it("reads a scope by its type", () => {
    expect(checkCall("setMyCommands", { commands: many(1), scope: { type: "chat", chat_id: CHAT } })).toBeUndefined();
    expect(checkCall("setMyCommands", { commands: many(1), scope: { type: "chat" } })).toEqual(
      refusal('Bad Request: can\'t parse BotCommandScope: Can\'t find field "chat_id"'),
    );
    expect(checkCall("setMyCommands", { commands: many(1), scope: { type: "everyone" } })).toEqual(expect.objectContaining({ rule: "wrong-value" }));
  });

  it("keeps the bot's descriptions within 512 and 120 characters", () => {
    expect(checkCall("setMyDescription", { description: "d".repeat(512) })).toBeUndefined();
    expect(checkCall("setMyDescription", { description: "d".repeat(513) })).toEqual(expect.objectContaining({ status: 400, rule: "length" }));
    expect(checkCall("setMyShortDescription", { short_description: "d".repeat(120) })).toBeUndefined();
    expect(checkCall("setMyShortDescription", { short_description: "d".repeat(121) })).toEqual(expect.objectContaining({ status: 400, rule: "length" }));
  });
});

describe("methods and parameters", () => {
  it("answers an unknown method as Telegram does, and reads method names regardless of case", () => {
    expect(checkCall("sendMesage", { chat_id: CHAT, text: "x" })).toEqual({ status: 404, rule: "unknown-method", description: "Not Found: method not found" });
    expect(checkCall("SENDMESSAGE", { chat_id: CHAT, text: "x" })).toBeUndefined();
  });

  it("refuses a missing required parameter with Telegram's words", () => {
    expect(checkCall("sendMessage", { text: "x" })).toEqual(refusal("Bad Request: chat_id is empty"));
    expect(checkCall("copyMessage", { chat_id: CHAT, message_id: 1 })).toEqual(refusal('Bad Request: parameter "from_chat_id" is required'));
    expect(checkCall("editMessageText", { text: "x" })).toEqual(refusal("Bad Request: message identifier is not specified"));
  });

  it("refuses an unknown parameter, which Telegram would silently ignore", () => {
    expect(send("x", { disable_web_preview: true })).toEqual(expect.objectContaining({ status: 400, rule: "unknown-parameter" }));
  });

  it("refuses a value of the wrong type and accepts the form-encoded spelling of the right one", () => {
    expect(checkCall("deleteMessage", { chat_id: CHAT, message_id: "first" })).toEqual(refusal('Bad Request: parameter "message_id" must be of type Integer'));
    expect(checkCall("deleteMessage", { chat_id: true, message_id: 1 })).toEqual(refusal('Bad Request: parameter "chat_id" must be of type Integer or String'));
    expect(checkCall("deleteMessage", { chat_id: "@somechannel", message_id: "7" })).toBeUndefined();
    expect(checkCall("getUpdates", { offset: "5", timeout: "30", allowed_updates: '["message","callback_query"]' })).toBeUndefined();
    expect(checkCall("deleteWebhook", { drop_pending_updates: "true" })).toBeUndefined();
  });

  it("checks nested objects other than keyboards too", () => {
    expect(send("x", { link_preview_options: { is_disabled: true } })).toBeUndefined();
    expect(send("x", { link_preview_options: { is_disabled: "yes" } })).toEqual(
      refusal('Bad Request: can\'t parse link preview options: Field "is_disabled" must be of type Boolean'),
    );
    expect(send("x", { entities: [{ type: "bold", offset: 0 }] })).toEqual(refusal('Bad Request: can\'t parse MessageEntity: Can\'t find field "length"'));
  });
});

describe("the emulator over HTTP", () => {
  let emulator: TelegramEmulator | undefined;
  afterEach(async () => {
    await emulator?.close();
    emulator = undefined;
  });

  it("answers a refused call exactly as Telegram does, and records it", async () => {
    emulator = await TelegramEmulator.start({ token: "123:rules" });
    emulator.user(CHAT);
    const heard: TelegramViolation[] = [];
    emulator.on("violation", (v: TelegramViolation) => heard.push(v));
    const api = new Api("123:rules", { apiRoot: emulator.url });

    await expect(api.sendMessage(CHAT, "Hallo")).resolves.toMatchObject({ text: "Hallo" });
    const error = await api.sendMessage(CHAT, "x".repeat(4097)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GrammyError);
    expect(error).toMatchObject({ error_code: 400, description: "Bad Request: message is too long" });

    const raw = await fetch(`${emulator.url}/bot123:rules/sendMessage`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ chat_id: CHAT, text: "" }),
    });
    expect(raw.status).toBe(400);
    expect(await raw.json()).toEqual({ ok: false, error_code: 400, description: "Bad Request: message text is empty" });

    const unknown = await fetch(`${emulator.url}/bot123:rules/sendMesage`, { method: "POST" });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ ok: false, error_code: 404, description: "Not Found: method not found" });

    expect(emulator.violations.map((v) => [v.method, v.description])).toEqual([
      ["sendMessage", "Bad Request: message is too long"],
      ["sendMessage", "Bad Request: message text is empty"],
      ["sendMesage", "Not Found: method not found"],
    ]);
    expect(heard).toEqual(emulator.violations);
    expect(emulator.botMessages(CHAT).map((m) => m.text)).toEqual(["Hallo"]);
  });

  it("says clearly when Telegram has a method that the emulator does not serve", async () => {
    emulator = await TelegramEmulator.start({ token: "123:rules" });
    const api = new Api("123:rules", { apiRoot: emulator.url });
    const error = await api.sendDice(CHAT, "🎲").catch((e: unknown) => e);
    expect(error).toMatchObject({ error_code: 501, description: "Not Implemented: the emulator does not serve sendDice" });
    expect(emulator.violations).toEqual([]);
  });

  it("keeps command menus apart by scope and language", async () => {
    emulator = await TelegramEmulator.start({ token: "123:rules" });
    const api = new Api("123:rules", { apiRoot: emulator.url });
    await api.setMyCommands([{ command: "start", description: "Start" }]);
    await api.setMyCommands([{ command: "myjobs", description: "Meine Einsätze" }], { scope: { type: "chat", chat_id: CHAT }, language_code: "de" });
    expect(emulator.commandsFor("")?.map((c) => c.command)).toEqual(["start"]);
    expect(emulator.commandsFor("de", CHAT)?.map((c) => c.command)).toEqual(["myjobs"]);
    expect(emulator.violations).toEqual([]);
  });
});
