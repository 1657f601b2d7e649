import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withoutDirectionMarks } from "../../core/i18n.js";
import { CALLBACK } from "../../handlers/telegram/callback-data.js";
import { acceptOffer, copiesFrom, onboarded, requestOf, tapLast } from "../helpers/journeys.js";
import { startStack, type Stack } from "../helpers/stack.js";
import { buttonData, buttons, onboard, plain, waitForText } from "../helpers/telegram.js";
import { approvedVolunteer } from "../helpers/volunteers.js";
import { eventually } from "../helpers/wait.js";

const RESUME = CALLBACK.resumeDialogue.pack({});
const WHEN = "Wann brauchen Sie die Hilfe?";

/** What new users tried: commands in the middle of a dialogue, two matches at once, a language switched, a volunteer's menu. */
describe("dialogues, the relay and menus as new users met them", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { OFFER_QUIET_MS: "1", DISPATCH_WAVE_INTERVAL_MS: "600000" } });
  });
  afterAll(() => stack?.stop());

  /** A newcomer half-way through a request for an interpreter: language, purpose and mode given, "when?" asked. */
  async function halfFilled(chatId: number): Promise<void> {
    await onboard(stack.telegram, chatId, "de", `Neu${chatId}`);
    await tapLast(stack, chatId, /^menu:mediation$/);
    await tapLast(stack, chatId, /:language:ar$/);
    await tapLast(stack, chatId, /:purpose:JOBCENTER$/);
    await tapLast(stack, chatId, /:mode:PHONE$/);
    await waitForText(stack.telegram, chatId, WHEN);
  }

  /** Sends a command and returns the bot's answer to it. */
  async function command(chatId: number, text: string) {
    const answer = stack.telegram.nextBotMessage(chatId);
    await stack.telegram.sendText(chatId, text);
    return answer;
  }

  /** Taps "continue where I was" and expects the question the dialogue stopped at. */
  async function resume(chatId: number, question = WHEN) {
    const answer = stack.telegram.nextBotMessage(chatId);
    await tapLast(stack, chatId, new RegExp(`^${RESUME}$`));
    expect(plain(await answer)).toContain(question);
  }

  describe("typed commands work at every step of a half-filled request", () => {
    it("/cancel ends it: nothing is sent, the menu comes, and its old buttons are stale", async () => {
      await halfFilled(79_001);
      const question = stack.telegram.botMessages(79_001).at(-1);
      const answer = await command(79_001, "/cancel");
      expect(plain(answer)).toContain("Abgebrochen. Es wurde nichts gesendet.");
      expect(buttonData(answer)).toContain("menu:mediation");
      const stale = await stack.telegram.pressButton(79_001, question?.message_id ?? 0, { label: "So bald wie möglich" });
      await stack.telegram.waitFor(() => stack.telegram.callbackAnswer(stale.callback_query?.id ?? ""));
      expect(stack.telegram.callbackAnswer(stale.callback_query?.id ?? "")?.text).toBe("Dieser Knopf ist nicht mehr gültig.");
      expect(await stack.app.database.prisma.helpRequest.count({ where: { newcomer: { telegramId: 79_001 } } })).toBe(0);
    });

    it("/help helps, and the request goes on to the end", async () => {
      await halfFilled(79_002);
      const answer = await command(79_002, "/help");
      expect(plain(answer)).toContain("/myrequests");
      expect(buttons(answer)[0]).toBe("▶️ Weitermachen, wo ich war");
      await resume(79_002);
      await tapLast(stack, 79_002, /:when:asap$/);
      await waitForText(stack.telegram, 79_002, "Möchten Sie noch etwas dazu sagen?");
      await tapLast(stack, 79_002, /:note:skip$/);
      await tapLast(stack, 79_002, /:confirm:yes$/);
      await waitForText(stack.telegram, 79_002, "Ihre Anfrage ist angekommen");
    });

    it("/mydata shows the unfinished entry, and the request goes on", async () => {
      await halfFilled(79_003);
      const answer = await command(79_003, "/mydata");
      expect(plain(answer)).toContain("Eine angefangene Eingabe");
      await resume(79_003);
      await tapLast(stack, 79_003, /:when:asap$/);
      await waitForText(stack.telegram, 79_003, "Möchten Sie noch etwas dazu sagen?");
    });

    it("/deletemydata asks first; keeping the data keeps the request going", async () => {
      await halfFilled(79_004);
      const answer = await command(79_004, "/deletemydata");
      expect(plain(answer)).toContain("Wirklich alles löschen?");
      await tapLast(stack, 79_004, /^menu:mydata$/);
      await waitForText(stack.telegram, 79_004, "Das haben wir über Sie gespeichert");
      await resume(79_004);
      await tapLast(stack, 79_004, /:when:asap$/);
      await waitForText(stack.telegram, 79_004, "Möchten Sie noch etwas dazu sagen?");
    });

    it("/language switches the language, and the request goes on in the new one", async () => {
      await halfFilled(79_005);
      const picker = await command(79_005, "/language");
      await stack.telegram.pressButton(79_005, picker.message_id, { data: CALLBACK.chooseLanguage.pack({ locale: "en" }) });
      const changed = await waitForText(stack.telegram, 79_005, "The language is now English");
      expect(buttons(changed)[0]).toBe("▶️ Continue where I was");
      await resume(79_005, "When do you need the help?");
      await tapLast(stack, 79_005, /:when:asap$/);
      await waitForText(stack.telegram, 79_005, "Would you like to add anything?");
    });

    it("/start shows the menu, and the request goes on", async () => {
      await halfFilled(79_006);
      const answer = await command(79_006, "/start");
      expect(plain(answer)).toContain("Willkommen zurück!");
      expect(buttonData(answer)).toEqual(expect.arrayContaining([RESUME, "menu:mediation"]));
      await resume(79_006);
      // A typed answer still belongs to the request too.
      await tapLast(stack, 79_006, /:when:asap$/);
      const note = stack.telegram.nextBotMessage(79_006);
      await stack.telegram.sendText(79_006, "Bitte eine Frau");
      expect(plain(await note)).toContain("Bitte prüfen Sie Ihre Anfrage");
    });
  });

  describe("a newcomer with two matched volunteers", () => {
    const AMINA = 79_101;
    const YUSUF = 79_201;
    const LEYLA = 79_202;
    let first: { id: string; reference: string };
    let second: { id: string; reference: string };

    beforeAll(async () => {
      await onboarded(stack, AMINA, "de", "Amina");
      await approvedVolunteer(stack, YUSUF, { firstName: "Yusuf" });
      await approvedVolunteer(stack, LEYLA, { firstName: "Leyla" });
      first = await requestOf(stack, AMINA, { purpose: "JOBCENTER" });
      await acceptOffer(stack, YUSUF, first.reference);
      second = await requestOf(stack, AMINA, { purpose: "HEALTH" });
      await acceptOffer(stack, LEYLA, second.reference);
      await waitForText(stack.telegram, AMINA, "Leyla");
    });

    it("sees who wrote, for which request", async () => {
      await stack.telegram.sendText(YUSUF, "Ich bin morgen um 9 da.");
      await stack.telegram.sendText(LEYLA, "Haben Sie die Überweisung?");
      const fromYusuf = await stack.telegram.waitFor(() => copiesFrom(stack, AMINA, YUSUF)[0]);
      const fromLeyla = await stack.telegram.waitFor(() => copiesFrom(stack, AMINA, LEYLA)[0]);
      expect(buttons(fromYusuf)).toEqual([`↩️ Yusuf antworten (${first.reference})`]);
      expect(buttons(fromLeyla)).toEqual([`↩️ Leyla antworten (${second.reference})`]);
    });

    it("is asked to whom before her message goes anywhere, and sees where it went", async () => {
      const question = await command(AMINA, "Ja, habe ich.");
      expect(plain(question)).toContain("An wen soll diese Nachricht gehen?");
      expect(buttons(question)).toEqual([`💬 An Leyla (${second.reference})`, `💬 An Yusuf (${first.reference})`]);
      expect(copiesFrom(stack, YUSUF, AMINA)).toEqual([]);
      expect(copiesFrom(stack, LEYLA, AMINA)).toEqual([]);
      await stack.telegram.pressButton(AMINA, question.message_id, { label: `💬 An Leyla (${second.reference})` });
      const copy = await stack.telegram.waitFor(() => copiesFrom(stack, LEYLA, AMINA)[0]);
      expect(copy.text).toBe("Ja, habe ich.");
      expect(buttons(copy)).toEqual([`↩️ Antworten (${second.reference})`]);
      await waitForText(stack.telegram, AMINA, `Weitergeleitet an Leyla (${second.reference})`);
      expect(copiesFrom(stack, YUSUF, AMINA)).toEqual([]);

      // Her next messages go to the one she chose, each with a receipt naming whom.
      const receipt = await command(AMINA, "Bis Donnerstag!");
      expect(plain(receipt)).toBe(`✓ Weitergeleitet an Leyla (${second.reference}).`);
      await stack.telegram.waitFor(() => copiesFrom(stack, LEYLA, AMINA).length === 2);
    });

    it("switches with the reply button under a message", async () => {
      const fromYusuf = copiesFrom(stack, AMINA, YUSUF)[0];
      const tap = await stack.telegram.pressButton(AMINA, fromYusuf?.message_id ?? 0, { label: `↩️ Yusuf antworten (${first.reference})` });
      await stack.telegram.waitFor(() => stack.telegram.callbackAnswer(tap.callback_query?.id ?? ""));
      expect(withoutDirectionMarks(stack.telegram.callbackAnswer(tap.callback_query?.id ?? "")?.text ?? "")).toBe(`Ihre nächsten Nachrichten gehen an Yusuf (${first.reference}).`);
      const receipt = await command(AMINA, "Danke, bis morgen um 9.");
      expect(plain(receipt)).toContain(`Yusuf (${first.reference})`);
      await stack.telegram.waitFor(() => copiesFrom(stack, YUSUF, AMINA)[0]);
    });

    it("when one job is done, the other chat goes on without a question, both ways", async () => {
      const { telegram } = stack;
      await telegram.sendText(YUSUF, "/done");
      await waitForText(telegram, YUSUF, "Welcher Einsatz ist erledigt?");
      await telegram.pressButton(YUSUF, telegram.botMessages(YUSUF).at(-1)?.message_id ?? 0, { label: /erledigt$/ });
      await waitForText(telegram, YUSUF, "Wie viele Stunden");
      await telegram.pressButton(YUSUF, telegram.botMessages(YUSUF).at(-1)?.message_id ?? 0, { label: "1" });
      await waitForText(telegram, AMINA, "ist erledigt");

      const toLeyla = copiesFrom(stack, LEYLA, AMINA).length;
      const toYusuf = copiesFrom(stack, YUSUF, AMINA).length;
      await telegram.sendText(AMINA, "Leyla, sind Sie noch da?");
      await telegram.waitFor(() => copiesFrom(stack, LEYLA, AMINA).length === toLeyla + 1);
      expect(copiesFrom(stack, YUSUF, AMINA)).toHaveLength(toYusuf);
      const fromLeyla = copiesFrom(stack, AMINA, LEYLA).length;
      await telegram.sendText(LEYLA, "Ja, natürlich.");
      await telegram.waitFor(() => copiesFrom(stack, AMINA, LEYLA).length === fromLeyla + 1);
      // With one chat left, no receipts and no questions.
      expect(plain(telegram.botMessages(AMINA).at(-1))).not.toContain("An wen");
    });
  });

  it("notifications come in the language the person uses now, not the one of the request's creation", async () => {
    const { telegram, app } = stack;
    const OLGA = 79_301;
    const TOM = 79_401;
    await onboarded(stack, OLGA, "uk", "Olga");
    await approvedVolunteer(stack, TOM, { firstName: "Tom", languages: [{ language: "uk", level: "NATIVE" }] });
    const request = await requestOf(stack, OLGA, { language: "uk" });
    await telegram.waitFor(() => telegram.botMessages(TOM).find((m) => plain(m).includes(request.reference)));
    // Both switch to English after the request was made and offered.
    await stack.app.core.users.chooseLocale(OLGA, "en");
    const changed = telegram.nextBotMessage(TOM);
    const picker = await command(TOM, "/language");
    await telegram.pressButton(TOM, picker.message_id, { data: CALLBACK.chooseLanguage.pack({ locale: "en" }) });
    await changed;
    // The volunteer's own command menu follows the language.
    await eventually(() => expect(telegram.commandsFor("", TOM)?.find((c) => c.command === "myjobs")?.description).toBe("My assignments"));

    await acceptOffer(stack, TOM, request.reference);
    await waitForText(telegram, OLGA, `Good news: Tom will interpret for you (request ${request.reference})`);
    await waitForText(telegram, TOM, "Here are the details");
    await app.database.prisma.helpRequest.update({ where: { id: request.id }, data: { matchedAt: new Date(Date.now() - 15 * 86_400_000) } });
    await app.core.retention.apply();
    await waitForText(telegram, OLGA, `Your request ${request.reference} is now closed, and the chat with Tom has ended`);
    await waitForText(telegram, TOM, `Assignment ${request.reference} was a while ago`);
  });

  it("a volunteer gets their own menu and help; newcomers do not", async () => {
    const { telegram } = stack;
    const SAMI = 79_501;
    await approvedVolunteer(stack, SAMI, { firstName: "Sami" });
    await waitForText(telegram, SAMI, "Ihre Anmeldung ist bestätigt");
    const menu = await command(SAMI, "/start");
    expect(buttons(menu)).toEqual(["🗂 Meine Einsätze", "⏸ Pause machen", "🧭 Leitfaden", "🙋 Hilfe für mich selbst", "🔒 Meine Daten", "🌐 Sprache", "❓ Hilfe"]);
    const help = await command(SAMI, "/help");
    for (const command of ["/myjobs", "/done", "/pause", "/resume", "/guide"]) expect(plain(help)).toContain(command);

    await tapLast(stack, SAMI, /^menu:home$/);
    await tapLast(stack, SAMI, /^menu:pause$/);
    await waitForText(telegram, SAMI, "Pause: Sie bekommen keine neuen Anfragen");
    expect((await stack.app.core.volunteers.of(SAMI))?.paused).toBe(true);
    await tapLast(stack, SAMI, /^menu:home$/);
    await telegram.waitFor(() => buttons(telegram.botMessages(SAMI).at(-1)).includes("▶️ Wieder Anfragen bekommen"));
    await tapLast(stack, SAMI, /^menu:services$/);
    await telegram.waitFor(() => buttonData(telegram.botMessages(SAMI).at(-1)).includes("menu:mediation"));

    await onboard(telegram, 79_502, "de", "Neu");
    const newcomerHelp = await command(79_502, "/help");
    expect(plain(newcomerHelp)).not.toContain("/myjobs");
    expect(buttonData(await command(79_502, "/start"))).not.toContain("menu:jobs");
  });
});
