import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { onboarded, tapLast } from "../helpers/journeys.js";
import { startStack, type Stack } from "../helpers/stack.js";
import type { SimMessage } from "../../sim/telegram-api.js";
import { buttonData, buttons, plain, waitForText } from "../helpers/telegram.js";

const BACK = /^m:[^:]+:[^:]+:<$/;
const PURPOSE = "Wofür brauchen Sie Hilfe?";
const MODE = "Wie soll gedolmetscht werden?";

/** Newcomers who change their mind half-way, and who tap buttons of messages that are done with. */
describe("guided dialogues: a back button on every step after the first, and old buttons answered as out of date", () => {
  let stack: Stack;
  beforeAll(async () => {
    // One person taps quickly here: the pace Telegram allows per chat would only make the test slow.
    stack = await startStack({ env: { OFFER_QUIET_MS: "1", DISPATCH_WAVE_INTERVAL_MS: "600000", TELEGRAM_CHAT_INTERVAL_MS: "20" } });
  });
  afterAll(() => stack?.stop());

  const newest = (chatId: number) => stack.telegram.botMessages(chatId).at(-1);
  const newestRequest = (telegramId: number) =>
    stack.app.database.prisma.helpRequest.findFirst({ where: { newcomer: { telegramId } }, orderBy: { createdAt: "desc" }, select: { purpose: true, mode: true, language: true } });

  /** Sends a command and waits for the bot's answer to it. */
  async function command(chatId: number, text: string): Promise<SimMessage> {
    const answer = stack.telegram.nextBotMessage(chatId);
    await stack.telegram.sendText(chatId, text);
    return answer;
  }

  /** Opens an entry of the menu that a command answered with. */
  async function open(chatId: number, entry: string): Promise<void> {
    const menu = await command(chatId, "/start");
    await stack.telegram.pressButton(chatId, menu.message_id, { data: entry });
  }

  /** Presses a button of a message that is no longer the newest, and returns the pop-up it answered with. */
  async function pressOld(chatId: number, messageId: number, data: string): Promise<string | undefined> {
    const press = await stack.telegram.pressButton(chatId, messageId, { forgedData: data });
    const id = press.callback_query?.id ?? "";
    return (await stack.telegram.waitFor(() => stack.telegram.callbackAnswer(id), 5000, "the answer to an old button")).text;
  }

  it("a newcomer goes two steps on, one back, changes the purpose and sends: the request has the new purpose", async () => {
    const AMINA = 81_001;
    await onboarded(stack, AMINA, "de");
    await open(AMINA, "menu:mediation");
    // The first question has no way back.
    await waitForText(stack.telegram, AMINA, "Für welche Sprache");
    expect(buttons(newest(AMINA))).not.toContain("⬅️ Zurück");
    await tapLast(stack, AMINA, /:language:ar$/);
    await tapLast(stack, AMINA, /:purpose:JOBCENTER$/);
    const mode = await waitForText(stack.telegram, AMINA, MODE);
    expect(buttons(mode).at(-1)).toBe("⬅️ Zurück");
    expect(buttonData(mode).every((data) => Buffer.byteLength(data) <= 64)).toBe(true);

    // Back: the purpose question again, the earlier answer marked, and a way on without changing it.
    await tapLast(stack, AMINA, BACK);
    const purpose = await waitForText(stack.telegram, AMINA, PURPOSE);
    expect(buttons(purpose).filter((b) => b.startsWith("✅"))).toEqual([expect.stringContaining("Jobcenter")]);
    expect(buttons(purpose).slice(-2)).toEqual(["⬅️ Zurück", "⏭ Unverändert weiter"]);

    // A changed answer: the way on is that answer's.
    await tapLast(stack, AMINA, /:purpose:HEALTH$/);
    await waitForText(stack.telegram, AMINA, MODE);
    expect(buttons(newest(AMINA))).not.toContain("⏭ Unverändert weiter");
    await tapLast(stack, AMINA, /:mode:PHONE$/);
    await tapLast(stack, AMINA, /:when:asap$/);
    await tapLast(stack, AMINA, /:note:skip$/);
    const confirm = await waitForText(stack.telegram, AMINA, "Bitte prüfen Sie Ihre Anfrage");
    expect(plain(confirm)).not.toContain("Jobcenter");
    await tapLast(stack, AMINA, /:confirm:yes$/);
    await waitForText(stack.telegram, AMINA, "Ihre Anfrage ist angekommen", 10_000);
    expect(await newestRequest(AMINA)).toEqual({ purpose: "HEALTH", mode: "PHONE", language: "ar" });
  });

  it("back to a question answered by text and on again: the typed answer is kept, no step is asked twice", async () => {
    const YUSUF = 81_002;
    await onboarded(stack, YUSUF, "de");
    await command(YUSUF, "/volunteer");
    await tapLast(stack, YUSUF, /:roles:INTERPRETER$/);
    await tapLast(stack, YUSUF, /:roles:done$/);
    await waitForText(stack.telegram, YUSUF, "Vorname");
    await stack.telegram.sendText(YUSUF, "Yusuf");
    await waitForText(stack.telegram, YUSUF, "Welche Sprachen sprechen Sie?");
    await tapLast(stack, YUSUF, /^v:[^:]+:languages:<$/);
    await waitForText(stack.telegram, YUSUF, "Vorname");
    // Back once more, to the roles: still ticked; then forward twice, over the name.
    await tapLast(stack, YUSUF, /^v:[^:]+:name:<$/);
    const roles = await waitForText(stack.telegram, YUSUF, "Wobei möchten Sie helfen?");
    expect(buttons(roles).filter((b) => b.startsWith("✅"))).toHaveLength(1);
    await tapLast(stack, YUSUF, /^v:[^:]+:roles:>$/);
    await waitForText(stack.telegram, YUSUF, "Vorname");
    await tapLast(stack, YUSUF, /^v:[^:]+:name:>$/);
    await waitForText(stack.telegram, YUSUF, "Welche Sprachen sprechen Sie?");
    await tapLast(stack, YUSUF, /:languages:ar$/);
    await tapLast(stack, YUSUF, /:languages:done$/);
    await tapLast(stack, YUSUF, /:level:ar\.NATIVE$/);
    await tapLast(stack, YUSUF, /:german:C1_C2$/);
    await waitForText(stack.telegram, YUSUF, "Wo können Sie vor Ort helfen?");
    await tapLast(stack, YUSUF, /:districts:REMOTE$/);
    await tapLast(stack, YUSUF, /:districts:done$/);
    await tapLast(stack, YUSUF, /:capacity:2$/);
    await tapLast(stack, YUSUF, /:conduct:agree$/);
    await waitForText(stack.telegram, YUSUF, "Yusuf", 10_000);
    const volunteer = await stack.app.core.volunteers.of(YUSUF);
    expect(volunteer?.firstName).toBe("Yusuf");
  });

  it("old buttons: of a question answered since, of a request sent, of a request cancelled, of a dialogue left for another", async () => {
    const DAWIT = 81_003;
    await onboarded(stack, DAWIT, "de");
    await open(DAWIT, "menu:mediation");
    await tapLast(stack, DAWIT, /:language:ar$/);
    await tapLast(stack, DAWIT, /:purpose:JOBCENTER$/);
    await tapLast(stack, DAWIT, /:mode:IN_PERSON$/);
    await tapLast(stack, DAWIT, /:when:asap$/);
    await tapLast(stack, DAWIT, /:district:\w+$/);
    // The place is typed: the question stays above with its "skip" button.
    const place = await waitForText(stack.telegram, DAWIT, "Wo genau ist der Termin?");
    await stack.telegram.sendText(DAWIT, "Jobcenter, Raum 12");
    await waitForText(stack.telegram, DAWIT, "Möchten Sie noch etwas dazu sagen?");
    const skipPlace = buttonData(place).find((d) => d.endsWith(":place:skip")) ?? "";
    const asked = stack.telegram.botMessages(DAWIT).length;
    expect(await pressOld(DAWIT, place.message_id, skipPlace)).toBe("Bitte antworten Sie auf die letzte Frage.");
    // The question waiting for an answer comes again, below.
    await stack.telegram.waitFor(() => stack.telegram.botMessages(DAWIT).length === asked + 1);
    expect(plain(newest(DAWIT))).toContain("Möchten Sie noch etwas dazu sagen?");

    await tapLast(stack, DAWIT, /:note:skip$/);
    const confirm = await waitForText(stack.telegram, DAWIT, "Bitte prüfen Sie Ihre Anfrage");
    const send = buttonData(confirm).find((d) => d.endsWith(":confirm:yes")) ?? "";
    await stack.telegram.pressButton(DAWIT, confirm.message_id, { data: send });
    await waitForText(stack.telegram, DAWIT, "Ihre Anfrage ist angekommen", 10_000);
    const before = stack.telegram.botMessages(DAWIT).length;
    // Sent: the old place question and a second "send" say so, and start nothing.
    expect(await pressOld(DAWIT, place.message_id, skipPlace)).toBe("Ihre Anfrage ist schon angekommen.");
    expect(await pressOld(DAWIT, confirm.message_id, send)).toBe("Ihre Anfrage ist schon angekommen.");
    expect(stack.telegram.botMessages(DAWIT)).toHaveLength(before);
    expect(await stack.app.database.prisma.helpRequest.count({ where: { newcomer: { telegramId: DAWIT } } })).toBe(1);

    // Cancelled: its "send" says that nothing was sent, and sends nothing.
    await open(DAWIT, "menu:mentor");
    await tapLast(stack, DAWIT, /:topic:WORK$/);
    await tapLast(stack, DAWIT, /:language:de$/);
    await tapLast(stack, DAWIT, /:gender:ANY$/);
    await tapLast(stack, DAWIT, /:note:skip$/);
    const mentoring = await waitForText(stack.telegram, DAWIT, "Bitte prüfen Sie Ihre Anfrage");
    const sendMentoring = buttonData(mentoring).find((d) => d.endsWith(":confirm:yes")) ?? "";
    await command(DAWIT, "/cancel");
    expect(plain(newest(DAWIT))).toContain("Abgebrochen");
    const shown = stack.telegram.botMessages(DAWIT).length;
    expect(await pressOld(DAWIT, mentoring.message_id, sendMentoring)).toBe("Dieser Knopf ist nicht mehr gültig.");
    // …and the menu, to begin again.
    const again = await stack.telegram.waitFor(() => stack.telegram.botMessages(DAWIT)[shown]);
    expect(buttonData(again)).toContain("menu:mentor");
    expect(await stack.app.database.prisma.helpRequest.count({ where: { newcomer: { telegramId: DAWIT } } })).toBe(1);

    // Left for another dialogue: the old button offers to go on with the one in progress.
    await open(DAWIT, "menu:mediation");
    const language = await waitForText(stack.telegram, DAWIT, "Für welche Sprache");
    const arabic = buttonData(language).find((d) => d.endsWith(":language:ar")) ?? "";
    await open(DAWIT, "menu:leisure");
    await waitForText(stack.telegram, DAWIT, "Was machen Sie gern");
    expect(await pressOld(DAWIT, language.message_id, arabic)).toBe("Dieser Knopf ist nicht mehr gültig.");
    const menu = await stack.telegram.waitFor(() => (buttonData(newest(DAWIT)).includes("dlg:resume") ? newest(DAWIT) : undefined));
    expect(plain(menu)).toContain("Diese Anfrage wurde nicht fertig.");
    expect(buttons(menu)[0]).toBe("▶️ Weitermachen, wo ich war");
    // Nothing of a dialogue is kept once it ended: no session row is left of the cancelled and the sent ones.
    await command(DAWIT, "/cancel");
    expect(await stack.app.database.prisma.botSession.count({ where: { key: String(DAWIT) } })).toBe(0);
    expect(stack.telegram.violations).toEqual([]);
  });
});
