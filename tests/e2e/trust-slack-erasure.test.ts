import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SlackSimMessage } from "../../sim/slack-api.js";
import { acceptOffer, onboarded, requestOf, tapLast } from "../helpers/journeys.js";
import { COORDINATOR_CHANNEL, startStack, type Stack } from "../helpers/stack.js";
import { onboard, waitForText } from "../helpers/telegram.js";
import { approvedVolunteer } from "../helpers/volunteers.js";
import { eventually } from "../helpers/wait.js";

const REPORTER = 73_001;
const ANONYMOUS = 73_002;
const NEWCOMER = 73_003;
const VOLUNTEER = 74_001;
const DAY = 86_400_000;

const everything = (message: SlackSimMessage | undefined) => `${message?.text ?? ""} ${JSON.stringify(message?.blocks ?? [])}`;

/**
 * Erasure and retention reach Slack: a report's card and a volunteer's registration card in the coordinators'
 * channel are shown as erased when the text is erased (retention) or the person erases their data.
 */
describe("erasure reaches the coordinators' Slack channel", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { DISPATCH_WAVE_INTERVAL_MS: "600000" } });
  });
  afterAll(() => stack?.stop());

  async function report(chatId: number, text: string, anonymous: boolean): Promise<SlackSimMessage> {
    const { telegram, slack } = stack;
    await tapLast(stack, chatId, /^menu:report$/);
    await waitForText(telegram, chatId, "Was ist passiert?");
    await telegram.sendText(chatId, text);
    await tapLast(stack, chatId, /:place:skip$/);
    await tapLast(stack, chatId, anonymous ? /:contact:anonymous$/ : /:contact:contact$/);
    await tapLast(stack, chatId, /:confirm:yes$/);
    return slack.waitFor(() => slack.channelMessages(COORDINATOR_CHANNEL).find((m) => everything(m).includes(text)));
  }

  async function eraseThroughTheBot(chatId: number): Promise<void> {
    const { telegram } = stack;
    await telegram.sendText(chatId, "/deletemydata");
    await tapLast(stack, chatId, /^data:sure$/);
    await eventually(async () => expect(await stack.app.database.prisma.telegramUser.findUnique({ where: { telegramId: chatId } })).toBeNull());
  }

  it("a reporter who erases their data erases their report's text in Slack too", async () => {
    const { slack } = stack;
    await onboard(stack.telegram, REPORTER, "de", "Reporter");
    const card = await report(REPORTER, "Der Vermieter in der Lindenstraße will nicht an Ausländer vermieten.", false);
    expect(everything(slack.message(card))).toContain("Kontakt gewünscht");

    await eraseThroughTheBot(REPORTER);
    await slack.waitFor(() => (slack.message(card)?.updates ?? 0) > 0);
    const erased = everything(slack.message(card));
    expect(erased).not.toContain("Lindenstraße");
    expect(erased).toContain("Text gelöscht");
    expect(erased).not.toContain("Über den Bot antworten");
  });

  it("retention erases an anonymous report's text in Slack, even when the card was posted long ago", async () => {
    const { slack, app } = stack;
    await onboard(stack.telegram, ANONYMOUS, "de", "Anonym");
    const card = await report(ANONYMOUS, "Im Bus wurde ich beschimpft, Linie 3.", true);
    const row = await app.database.prisma.discriminationReport.findFirstOrThrow({ where: { text: { contains: "Linie 3" } } });
    // The post is older than the outbox keeps sent rows: retention must keep it, or the card could not be updated.
    await app.database.prisma.discriminationReport.update({ where: { id: row.id }, data: { createdAt: new Date(Date.now() - 31 * DAY) } });
    await app.database.prisma.outbox.update({ where: { id: row.cardOutboxId ?? 0n }, data: { createdAt: new Date(Date.now() - 40 * DAY) } });
    await app.core.retention.apply();
    await slack.waitFor(() => (slack.message(card)?.updates ?? 0) > 0);
    expect(everything(slack.message(card))).not.toContain("Linie 3");
    expect(everything(slack.message(card))).toContain("Text gelöscht");
    expect((await app.database.prisma.discriminationReport.findUniqueOrThrow({ where: { id: row.id } })).text).toBeNull();
  });

  it("a volunteer who erases their data leaves erased registration and change cards, and their job goes back to the search", async () => {
    const { slack, telegram, app } = stack;
    await approvedVolunteer(stack, VOLUNTEER, { firstName: "Samira" });
    const card = await slack.waitFor(() => slack.channelMessages(COORDINATOR_CHANNEL).find((m) => everything(m).includes("Samira")));
    // An approved volunteer asks to change their name: a second card, with both names, waits for a coordinator.
    const change = await app.core.volunteers.register(VOLUNTEER, {
      firstName: "Samira Noor",
      roles: ["INTERPRETER"],
      languages: [{ language: "ar", level: "NATIVE" }],
      germanLevel: "C1_C2",
      districts: ["BECKUM", "NEUBECKUM"],
      remoteOnly: false,
      weeklyCapacity: 3,
    });
    expect(change.kind).toBe("change-pending");
    const changeCard = await slack.waitFor(() => slack.channelMessages(COORDINATOR_CHANNEL).find((m) => everything(m).includes("Samira Noor")));
    const volunteer = await app.database.prisma.volunteer.findFirstOrThrow({ where: { firstName: "Samira" } });
    expect(volunteer.cardOutboxIds).toHaveLength(2);
    await app.database.prisma.outbox.update({ where: { id: volunteer.cardOutboxIds[0] ?? 0n }, data: { createdAt: new Date(Date.now() - 40 * DAY) } });
    await app.core.retention.apply();

    await onboarded(stack, NEWCOMER, "de", "Amal");
    const request = await requestOf(stack, NEWCOMER);
    await acceptOffer(stack, VOLUNTEER, request.reference);
    await waitForText(telegram, NEWCOMER, "Samira");

    telegram.user(VOLUNTEER, { first_name: "Samira", language_code: "de" });
    await eraseThroughTheBot(VOLUNTEER);
    for (const erased of [card, changeCard]) {
      await slack.waitFor(() => (slack.message(erased)?.updates ?? 0) > 0 && everything(slack.message(erased)).includes("Anmeldung gelöscht"));
      expect(everything(slack.message(erased))).not.toContain("Samira");
    }

    await waitForText(telegram, NEWCOMER, "kann das leider nicht mehr");
    const back = await app.database.prisma.helpRequest.findUniqueOrThrow({ where: { id: request.id } });
    expect([back.status, back.volunteerId, back.matchedAt]).toEqual(["SEARCHING", null, null]);
    expect((await app.database.prisma.telegramUser.findUnique({ where: { telegramId: NEWCOMER } }))?.relayRequestId).toBeNull();
  });
});
