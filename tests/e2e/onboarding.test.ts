import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOCALE_NAMES } from "../../core/i18n.js";
import { eventually } from "../helpers/wait.js";
import { startStack, type Stack } from "../helpers/stack.js";
import { buttons, onboard, plain, waitForText } from "../helpers/telegram.js";

describe("a newcomer's first steps", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack?.stop());

  it("a newcomer with a German phone picks German, agrees to the privacy notice and sees the menu", async () => {
    const { telegram, app } = stack;
    telegram.user(1001, { first_name: "Amal", language_code: "de" });

    await telegram.sendText(1001, "/start");
    const picker = await waitForText(telegram, 1001, "Bitte wählen Sie Ihre Sprache");
    expect(buttons(picker)).toHaveLength(12);
    expect(buttons(picker)[0]).toBe("Deutsch");
    expect(buttons(picker)).toContain("العربية");
    expect(buttons(picker)).toContain("ትግርኛ");

    await telegram.pressButton(1001, picker.message_id, { label: "Deutsch" });
    const notice = await waitForText(telegram, 1001, "Datenschutz");
    expect(notice.message_id).toBe(picker.message_id);
    expect(buttons(notice)).toEqual(["✅ Einverstanden", "Nein, danke"]);

    await telegram.pressButton(1001, notice.message_id, { data: "consent:yes" });
    const menu = await waitForText(telegram, 1001, "Wobei kann ich Ihnen helfen?");
    expect(buttons(menu)).toContain("🗣 Dolmetscher/in");
    expect(buttons(menu)).toContain("🌐 Sprache");

    const user = await app.database.prisma.telegramUser.findUnique({ where: { telegramId: 1001 } });
    expect(user?.locale).toBe("de");
    expect(user?.consentAt).toBeInstanceOf(Date);
  });

  it("an Arabic speaker is offered Arabic first and reads everything in Arabic, right to left", async () => {
    const { telegram, app } = stack;
    telegram.user(1002, { first_name: "Omar", language_code: "ar" });

    await telegram.sendText(1002, "/start");
    const picker = await waitForText(telegram, 1002, app.i18n.t("ar", "language.choose").replace(/[\u2066-\u2069\u200e\u200f]/g, "").split("\n")[0] ?? "");
    expect(buttons(picker)[0]).toBe(LOCALE_NAMES.ar);

    await telegram.pressButton(1002, picker.message_id, { label: LOCALE_NAMES.ar });
    await telegram.waitFor(() => telegram.message(1002, picker.message_id)?.text?.includes("🔒"));
    await telegram.pressButton(1002, picker.message_id, { data: "consent:yes" });
    const menu = await telegram.waitFor(() => {
      const m = telegram.botMessages(1002).at(-1);
      return m?.reply_markup?.inline_keyboard.flat().some((b) => "callback_data" in b && b.callback_data === "menu:mediation") ? m : undefined;
    });

    // Every line starts with a right-to-left mark, so clients align it right even before a Latin word.
    const lines = (menu.text ?? "").split("\n").filter((line) => line.length > 0);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line.startsWith("\u200f")).toBe(true);
    expect(plain(menu)).toMatch(/[\u0600-\u06ff]/);
    expect(plain(menu)).not.toContain("helfen");
    const user = await app.database.prisma.telegramUser.findUnique({ where: { telegramId: 1002 } });
    expect(user?.locale).toBe("ar");
  });

  it("someone who declines leaves nothing stored", async () => {
    const { telegram, app } = stack;
    telegram.user(1003, { language_code: "uk" });
    await telegram.sendText(1003, "/start");
    const picker = await telegram.nextBotMessage(1003);
    await telegram.pressButton(1003, picker.message_id, { label: LOCALE_NAMES.uk });
    await telegram.waitFor(() => telegram.message(1003, picker.message_id)?.edits === 1);
    await telegram.pressButton(1003, picker.message_id, { data: "consent:no" });
    await telegram.waitFor(() => telegram.message(1003, picker.message_id)?.edits === 2);
    expect(await app.database.prisma.telegramUser.count({ where: { telegramId: 1003 } })).toBe(0);
  });

  it("before agreeing, anything else leads back to the language question", async () => {
    const { telegram } = stack;
    telegram.user(1004, { language_code: "fr" });
    await telegram.sendText(1004, "Bonjour, j'ai besoin d'aide");
    const answer = await telegram.nextBotMessage(1004);
    expect(buttons(answer)[0]).toBe(LOCALE_NAMES.fr);
  });

  it("keeps dialogue state only while a dialogue is open", async () => {
    const { telegram, app } = stack;
    const sessions = () => app.database.prisma.botSession.count({ where: { key: "1005" } });
    const menu = await onboard(telegram, 1005, "de");
    await telegram.sendText(1005, "hallo");
    await telegram.nextBotMessage(1005);
    expect(await sessions()).toBe(0);

    await telegram.pressButton(1005, menu.message_id, { data: "menu:mediation" });
    await eventually(async () => expect(await sessions()).toBe(1));
    await telegram.sendText(1005, "/cancel");
    await waitForText(telegram, 1005, "Abgebrochen");
    await eventually(async () => expect(await sessions()).toBe(0));
  });

  it("registers the command menu in every language", async () => {
    const { telegram } = stack;
    expect(telegram.commandsFor("")?.map((c) => c.command)).toEqual(["start", "town", "language", "help", "cancel", "volunteer", "myrequests", "mydata", "deletemydata"]);
    expect(telegram.commandsFor("de")?.find((c) => c.command === "language")?.description).toBe("Sprache ändern");
    for (const code of ["en", "ar", "fa", "uk", "ru", "tr", "ku", "ps", "ti", "so", "fr"]) {
      expect(telegram.commandsFor(code)?.length, code).toBe(9);
    }
  });
});
