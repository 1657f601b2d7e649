import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { withoutDirectionMarks } from "../../core/i18n.js";
import { ACTIONS } from "../../handlers/slack/action-ids.js";
import { APPROVE_VOLUNTEER } from "../../handlers/slack/volunteers.js";
import type { SlackSimMessage } from "../../sim/slack-api.js";
import { COORDINATOR, COORDINATOR_CHANNEL, NETWORK_CHANNEL, startStack, type Stack } from "../helpers/stack.js";
import { buttonData, buttons, onboard, plain, waitForText } from "../helpers/telegram.js";
import { approvedVolunteer } from "../helpers/volunteers.js";
import { eventually } from "../helpers/wait.js";

const NEWCOMER = 81_001;
const YUSUF = 81_101;
const LEYLA = 81_102;

const offersTo = (stack: Stack, chatId: number) => stack.telegram.botMessages(chatId).filter((m) => buttonData(m).some((d) => d.startsWith("offer:accept:")));
const slackText = (message: SlackSimMessage | undefined) => JSON.stringify(message?.blocks ?? message?.text ?? "");
const homeText = (stack: Stack, user: string) => JSON.stringify(stack.slack.home(user)?.view.blocks ?? "");

/** `/volunteer` as a person taps it, with the given language labels (German UI). */
async function volunteerThroughBot(stack: Stack, id: number, name: string, languages: RegExp[]): Promise<void> {
  const { telegram } = stack;
  const tap = async (label: string | RegExp) => {
    const last = await telegram.waitFor(() => telegram.botMessages(id).at(-1));
    await telegram.pressButton(id, last.message_id, { label });
  };
  await telegram.sendText(id, "/volunteer");
  await waitForText(telegram, id, "Wobei möchten Sie helfen?");
  if (!buttons(telegram.botMessages(id).at(-1)).includes("✅ 🗣 Dolmetschen")) {
    await tap("🗣 Dolmetschen");
    await eventually(() => expect(buttons(telegram.botMessages(id).at(-1))).toContain("✅ 🗣 Dolmetschen"));
  }
  await tap("Weiter ➡️");
  await waitForText(telegram, id, "Wie ist Ihr Vorname?");
  await telegram.sendText(id, name);
  await waitForText(telegram, id, "Welche Sprachen sprechen Sie?");
  for (const language of languages) {
    const before = buttons(telegram.botMessages(id).at(-1)).filter((b) => b.startsWith("✅")).length;
    await tap(language);
    await eventually(() => expect(buttons(telegram.botMessages(id).at(-1)).filter((b) => b.startsWith("✅")).length).not.toBe(before));
  }
  await tap("Weiter ➡️");
  await waitForText(telegram, id, "Wie gut sprechen Sie");
  // One level question per language, each replacing the last.
  for (;;) {
    const question = plain(await telegram.waitFor(() => telegram.botMessages(id).at(-1)));
    if (!question.includes("Wie gut sprechen Sie") || question.includes("Deutsch?")) break;
    await tap("Muttersprache");
    await eventually(() => expect(plain(telegram.botMessages(id).at(-1))).not.toBe(question));
  }
  await waitForText(telegram, id, "Wie gut sprechen Sie Deutsch?");
  await tap("Sehr gut (C1–C2)");
  await waitForText(telegram, id, "Wo können Sie vor Ort helfen?");
  if (!buttons(telegram.botMessages(id).at(-1)).includes("✅ Beckum")) await tap("Beckum");
  await eventually(() => expect(buttons(telegram.botMessages(id).at(-1))).toContain("✅ Beckum"));
  await tap("Weiter ➡️");
  await waitForText(telegram, id, "Wie viele Einsätze");
  await tap("3");
  await waitForText(telegram, id, "Vertraulich");
  await tap("✅ Ich halte mich daran");
}

describe("vetting that cannot be bypassed, coordinators' powers only for coordinators", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { DISPATCH_WAVE_INTERVAL_MS: "600000", OFFER_QUIET_MS: "1", DISPATCH_ESCALATE_AFTER_MS: "600000" } });
    await onboard(stack.telegram, NEWCOMER, "uk", "Olha");
    stack.slack.member("U0MEMBER", "Member");
  });
  afterAll(() => stack?.stop());

  it("an approved volunteer who adds a language and a new name keeps the approved profile until a coordinator agrees", async () => {
    const { telegram, slack, app } = stack;
    await approvedVolunteer(stack, YUSUF, { firstName: "Yusuf", languages: [{ language: "ar", level: "NATIVE" }] });
    await volunteerThroughBot(stack, YUSUF, "Joseph", [/^Ukrainisch/]);
    await waitForText(telegram, YUSUF, "prüft die Koordination");
    const card = await slack.waitFor(() => slack.channelMessages(COORDINATOR_CHANNEL).find((m) => m.text?.includes("Änderung gewünscht: Yusuf")));
    expect(slackText(card)).toContain("Joseph");
    expect(slackText(card)).toContain("Ukrainisch");

    // Matching still uses what was approved: a Ukrainian request does not reach him.
    const asked = await app.core.requests.create(NEWCOMER, { kind: "MEDIATION", language: "uk", purpose: "HEALTH", mode: "PHONE" }, "vetting-uk-1");
    expect(asked.kind).toBe("created");
    await new Promise((r) => setTimeout(r, 800));
    expect(offersTo(stack, YUSUF)).toHaveLength(0);
    const profile = await app.core.volunteers.of(YUSUF);
    expect(profile?.firstName).toBe("Yusuf");
    expect(profile?.languages.map((l) => l.language)).toEqual(["ar"]);

    // A member who is not a coordinator cannot agree to it.
    await slack.clickButton("U0MEMBER", card, ACTIONS.applyChanges);
    await slack.waitFor(() => slack.responses.find((r) => r.body.text === app.i18n.t("de", "slack.coordinatorsOnly", {}, { isolate: false })));
    expect((await app.core.volunteers.of(YUSUF))?.requestedChange).not.toBeNull();

    // The coordinator agrees: the change applies, and the next Ukrainian request reaches him.
    await slack.clickButton(COORDINATOR, card, ACTIONS.applyChanges);
    await waitForText(telegram, YUSUF, "die Koordination hat Ihre Änderung übernommen");
    expect((await app.core.volunteers.of(YUSUF))?.firstName).toBe("Joseph");
    await app.core.requests.create(NEWCOMER, { kind: "MEDIATION", language: "uk", purpose: "HOUSING", mode: "PHONE" }, "vetting-uk-2");
    await telegram.waitFor(() => offersTo(stack, YUSUF).length > 0, 5000, "an offer to Joseph");
  });

  it("a registration is approved only by a coordinator, and a coordinator's alert does nothing for others", async () => {
    const { telegram, slack, app } = stack;
    await onboard(telegram, LEYLA, "de", "Leyla");
    await volunteerThroughBot(stack, LEYLA, "Leyla", [/^Arabisch/]);
    const registration = await slack.waitFor(() => slack.channelMessages(COORDINATOR_CHANNEL).find((m) => m.text === "Neue Anmeldung: Leyla"));
    await slack.clickButton("U0MEMBER", registration, APPROVE_VOLUNTEER);
    await slack.waitFor(() => slack.responses.find((r) => String(r.body.text).includes("Mitglieder des Koordinationskanals")));
    expect((await app.core.volunteers.of(LEYLA))?.status).toBe("PENDING");
    await slack.clickButton(COORDINATOR, registration, APPROVE_VOLUNTEER);
    await eventually(async () => expect((await app.core.volunteers.of(LEYLA))?.status).toBe("APPROVED"));

    const forged = await (await stack.member("U0MEMBER")).coordination.offerToAll("any-request");
    expect(forged).toEqual({ kind: "not-coordinator" });
  });

  it("someone who leaves the coordinators' channel loses the coordinators' powers at once; when Slack cannot be asked, nobody has them", async () => {
    const { slack } = stack;
    slack.join(COORDINATOR_CHANNEL, "U0FORMER");
    await slack.event({ type: "member_joined_channel", user: "U0FORMER", channel: COORDINATOR_CHANNEL, channel_type: "G" });
    await eventually(async () => expect(await (await stack.member("U0FORMER")).isCoordinator()).toBe(true));
    await slack.leave(COORDINATOR_CHANNEL, "U0FORMER");
    await eventually(async () => expect(await (await stack.member("U0FORMER")).isCoordinator()).toBe(false));

    slack.fail("conversations.members");
    await slack.leave(COORDINATOR_CHANNEL, "U0NOBODY"); // any membership event makes the list be asked again
    try {
      await eventually(async () => expect(await (await stack.member(COORDINATOR)).isCoordinator()).toBe(false));
    } finally {
      slack.heal("conversations.members");
    }
    expect(await (await stack.member(COORDINATOR)).isCoordinator()).toBe(true);
  });

  it("a suspended volunteer's match is searched for again, the newcomer is told, the relay closes; reactivated, they help again", async () => {
    const { telegram, slack, app } = stack;
    const registration = slack.channelMessages(COORDINATOR_CHANNEL).find((m) => m.text === "Neue Anmeldung: Leyla");
    const leyla = await app.core.volunteers.of(LEYLA);
    const created = await app.core.requests.create(NEWCOMER, { kind: "MEDIATION", language: "ar", purpose: "JOBCENTER", mode: "PHONE" }, "vetting-ar-1");
    if (created.kind !== "created") throw new Error(created.kind);
    const offer = await telegram.waitFor(() => offersTo(stack, LEYLA).at(-1));
    await telegram.pressButton(LEYLA, offer.message_id, { label: "✅ Ich übernehme" });
    await eventually(async () => expect((await app.database.prisma.helpRequest.findUniqueOrThrow({ where: { id: created.requestId } })).status).toBe("MATCHED"));

    // A member cannot suspend; the coordinator can, from the card.
    await slack.clickButton("U0MEMBER", registration as SlackSimMessage, ACTIONS.suspendVolunteer, { value: leyla?.id ?? "" });
    await new Promise((r) => setTimeout(r, 300));
    expect((await app.core.volunteers.of(LEYLA))?.status).toBe("APPROVED");
    const card = await slack.waitFor(() => slack.channelMessages(COORDINATOR_CHANNEL).find((m) => m.text === "Neue Anmeldung: Leyla" && slackText(m).includes(ACTIONS.suspendVolunteer)));
    await slack.clickButton(COORDINATOR, card, ACTIONS.suspendVolunteer, { value: leyla?.id ?? "" });
    await waitForText(telegram, LEYLA, "Mitarbeit vorerst ausgesetzt");
    await eventually(async () => {
      const request = await app.database.prisma.helpRequest.findUniqueOrThrow({ where: { id: created.requestId } });
      expect([request.status, request.volunteerId]).toEqual(["SEARCHING", null]);
    });
    // Told in her language (Ukrainian) that someone else is searched for.
    const told = withoutDirectionMarks(app.i18n.t("uk", "request.searchingAgain", { reference: created.reference }));
    await telegram.waitFor(() => telegram.botMessages(NEWCOMER).some((m) => plain(m) === told), 5000, "the newcomer told in Ukrainian");
    // Joseph, whose offer was "already taken", is asked again; Leyla's messages no longer reach the newcomer.
    await telegram.waitFor(() => offersTo(stack, YUSUF).some((m) => plain(m).includes(created.reference)), 5000, "a new offer to Joseph");
    const before = telegram.botMessages(NEWCOMER).length;
    await telegram.sendText(LEYLA, "Hallo, ich bin es noch");
    await new Promise((r) => setTimeout(r, 500));
    expect(telegram.botMessages(NEWCOMER).slice(before).some((m) => m.copiedFrom?.chatId === LEYLA)).toBe(false);

    // Reactivated from App Home.
    await slack.event({ type: "app_home_opened", user: COORDINATOR, tab: "home", channel: "D0COORD" });
    const home = await slack.waitFor(() => (homeText(stack, COORDINATOR).includes(ACTIONS.reactivateVolunteer) ? slack.home(COORDINATOR) : undefined));
    await slack.clickViewButton(COORDINATOR, home.id, ACTIONS.reactivateVolunteer, { value: leyla?.id ?? "" });
    await waitForText(telegram, LEYLA, "Willkommen zurück");
    expect((await app.core.volunteers.of(LEYLA))?.status).toBe("APPROVED");
  });

  it("App Home shows a member only the polls of their channels, and only coordinators the volunteers", async () => {
    const { slack } = stack;
    const coordinator = await stack.member(COORDINATOR);
    await coordinator.polls.create({ question: "Nur für die Koordination?", options: [{ label: "Ja" }, { label: "Nein" }], multiple: false, anonymous: false, datePoll: false }, COORDINATOR_CHANNEL);
    await coordinator.polls.create({ question: "Für alle im Netzwerk?", options: [{ label: "Ja" }, { label: "Nein" }], multiple: false, anonymous: false, datePoll: false }, NETWORK_CHANNEL);
    slack.join(NETWORK_CHANNEL, "U0MEMBER");
    slack.join(NETWORK_CHANNEL, COORDINATOR);
    await slack.event({ type: "app_home_opened", user: "U0MEMBER", tab: "home", channel: "D0MEMBER" });
    await slack.event({ type: "app_home_opened", user: COORDINATOR, tab: "home", channel: "D0COORD" });
    await eventually(() => expect(homeText(stack, "U0MEMBER")).toContain("Für alle im Netzwerk?"));
    await eventually(() => expect(homeText(stack, COORDINATOR)).toContain("Nur für die Koordination?"));
    const member = homeText(stack, "U0MEMBER");
    expect(member).not.toContain("Nur für die Koordination?");
    expect(member).not.toContain(ACTIONS.suspendVolunteer);
    expect(homeText(stack, COORDINATOR)).toContain("Freiwillige (nur für die Koordination)");
  });

  it("a newcomer has at most three open requests of a kind; the fourth is explained, and the coordinators hear it once", async () => {
    const { telegram, slack, app } = stack;
    const person = 81_002;
    await onboard(telegram, person, "de", "Amir");
    for (let i = 0; i < 3; i++) expect((await app.core.requests.create(person, { kind: "LEISURE", language: "de", interests: ["SPORTS"] }, `limit-${i}`)).kind).toBe("created");
    const fourth = await app.core.requests.create(person, { kind: "LEISURE", language: "de", interests: ["MUSIC"] }, "limit-3");
    expect(fourth).toEqual({ kind: "limit", which: "open", max: 3 });
    const fifth = await app.core.requests.create(person, { kind: "LEISURE", language: "de", interests: ["MUSIC"] }, "limit-4");
    expect(fifth.kind).toBe("limit");
    // Another kind is still possible.
    expect((await app.core.requests.create(person, { kind: "MEDIATION", language: "ar", mode: "PHONE" }, "limit-other")).kind).toBe("created");
    await slack.waitFor(() => slack.channelMessages(COORDINATOR_CHANNEL).find((m) => m.text === "Grenze erreicht: Anfragen einer Person"));
    await new Promise((r) => setTimeout(r, 300));
    expect(slack.channelMessages(COORDINATOR_CHANNEL).filter((m) => m.text === "Grenze erreicht: Anfragen einer Person")).toHaveLength(1);
  });
});

describe("the coordinators' channel", () => {
  let stack: Stack | undefined;
  afterEach(async () => {
    await stack?.stop();
    stack = undefined;
  });

  it("a public coordinators' channel stops the product at start with one line that names the setting", async () => {
    await expect(startStack({ publicCoordinatorChannel: true })).rejects.toThrow(/SLACK_COORDINATOR_CHANNEL: the channel C0COORD is public/);
  });
});
