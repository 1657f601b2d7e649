import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ACTIONS } from "../../handlers/slack/action-ids.js";
import { CALLBACK } from "../../handlers/telegram/callback-data.js";
import { acceptOffer, copiesFrom, onboarded, requestOf } from "../helpers/journeys.js";
import { COORDINATOR, COORDINATOR_CHANNEL, startStack, type Stack } from "../helpers/stack.js";
import { buttonData, buttons, plain, waitForText } from "../helpers/telegram.js";
import { approvedVolunteer } from "../helpers/volunteers.js";
import { eventually } from "../helpers/wait.js";

const NEWCOMER = 71_001;
const MENTOR = 72_001;

/**
 * A mentoring match is confirmed by a coordinator before the two are introduced. Until then the mentor may
 * not write to the newcomer (no relay, no "write" button, no forged button), nor close the job with /done.
 */
describe("a mentor before and after the coordinators' confirmation", () => {
  let stack: Stack;
  let request: { id: string; reference: string };

  beforeAll(async () => {
    stack = await startStack();
    await onboarded(stack, NEWCOMER, "de", "Amina");
    await approvedVolunteer(stack, MENTOR, { firstName: "Hanna", roles: ["MENTOR"], gender: "WOMAN", remoteOnly: true, districts: [] });
    request = await requestOf(stack, NEWCOMER, { kind: "MENTORING", topic: "AUTHORITIES", purpose: undefined, mode: undefined });
    await acceptOffer(stack, MENTOR, request.reference);
    await waitForText(stack.telegram, MENTOR, "Die Koordination bestätigt");
  });
  afterAll(() => stack?.stop());

  it("before the confirmation the mentor has no chat, no write button and no /done – not even with forged buttons", async () => {
    const { telegram, app } = stack;
    await telegram.sendText(MENTOR, "/myjobs");
    const jobs = await waitForText(telegram, MENTOR, "Ihre Einsätze");
    expect(plain(jobs)).toContain("wartet auf die Bestätigung der Koordination");
    expect(buttonData(jobs).filter((d) => d !== CALLBACK.menu.pack({}))).toEqual([]);

    // The attack of the review: a message typed, and the "write" button forged from the request id.
    let answer = telegram.nextBotMessage(MENTOR);
    await telegram.sendText(MENTOR, "Hallo, hier ist Hanna, meine Nummer ist 0151 000000");
    expect(plain(await answer)).toContain("Bitte nutzen Sie die Knöpfe");
    const forged = await telegram.pressButton(MENTOR, jobs.message_id, { forgedData: CALLBACK.writeTo.pack({ requestId: request.id }) });
    await telegram.waitFor(() => telegram.callbackAnswer(forged.callback_query?.id ?? ""));
    expect(telegram.callbackAnswer(forged.callback_query?.id ?? "")?.text).toBe("Dieser Chat ist beendet.");
    answer = telegram.nextBotMessage(MENTOR);
    await telegram.sendText(MENTOR, "Hallo?");
    expect(plain(await answer)).toContain("Bitte nutzen Sie die Knöpfe");
    expect(copiesFrom(stack, NEWCOMER, MENTOR)).toEqual([]);
    expect((await app.database.prisma.telegramUser.findUnique({ where: { telegramId: MENTOR } }))?.relayRequestId).toBeNull();

    await telegram.sendText(MENTOR, "/done");
    await waitForText(telegram, MENTOR, "keinen offenen Einsatz");
    const hours = await telegram.pressButton(MENTOR, jobs.message_id, { forgedData: CALLBACK.jobHours.pack({ requestId: request.id, hours: "2" }) });
    await telegram.waitFor(() => telegram.callbackAnswer(hours.callback_query?.id ?? ""));
    expect(telegram.callbackAnswer(hours.callback_query?.id ?? "")?.text).toBe("⏳ wartet auf die Bestätigung der Koordination");
    expect((await app.database.prisma.helpRequest.findUnique({ where: { id: request.id } }))?.status).toBe("MATCHED");
    expect(telegram.botMessages(NEWCOMER).some((m) => plain(m).includes("Hanna"))).toBe(false);
  });

  it("once a coordinator confirms, the two write to each other and the mentor can close the job", async () => {
    const { telegram, slack, app } = stack;
    const card = await slack.waitFor(() => slack.channelMessages(COORDINATOR_CHANNEL).find((m) => m.text?.includes(request.reference)));
    await slack.clickButton(COORDINATOR, card, ACTIONS.confirmMentoring);
    await waitForText(telegram, MENTOR, "Die Koordination hat die Patenschaft");
    await waitForText(telegram, NEWCOMER, "Hanna");

    await telegram.sendText(MENTOR, "/myjobs");
    const jobs = await telegram.waitFor(() => {
      const last = telegram.botMessages(MENTOR).at(-1);
      return plain(last).includes("Ihre Einsätze") && buttons(last).some((b) => b.includes("schreiben")) ? last : undefined;
    });
    expect(plain(jobs)).not.toContain("wartet auf die Bestätigung");

    await telegram.sendText(MENTOR, "Guten Tag, ich bin Hanna.");
    const copy = await telegram.waitFor(() => copiesFrom(stack, NEWCOMER, MENTOR)[0]);
    expect(copy.text).toBe("Guten Tag, ich bin Hanna.");
    // The newcomer sees who wrote and for which request.
    expect(buttons(copy)).toEqual([`↩️ Hanna antworten (${request.reference})`]);

    await telegram.sendText(MENTOR, "/done");
    await waitForText(telegram, MENTOR, "Welcher Einsatz ist erledigt?");
    await telegram.pressButton(MENTOR, telegram.botMessages(MENTOR).at(-1)?.message_id ?? 0, { label: /erledigt$/ });
    await waitForText(telegram, MENTOR, "Wie viele Stunden");
    await telegram.pressButton(MENTOR, telegram.botMessages(MENTOR).at(-1)?.message_id ?? 0, { label: "2" });
    await waitForText(telegram, MENTOR, "2 Stunden eingetragen");
    await eventually(async () => expect((await app.database.prisma.helpRequest.findUnique({ where: { id: request.id } }))?.status).toBe("DONE"));
  });
});
