import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ACTIONS } from "../../handlers/slack/action-ids.js";
import { seedNetwork } from "../../prisma/seed.js";
import type { SlackSimMessage, SlackWorkspace } from "../../sim/slack-api.js";
import { installInBrowser, link, type TownWorkspace } from "../helpers/slack-install.js";
import { startStack, type Stack } from "../helpers/stack.js";
import { buttonData, buttons, plain, waitForText } from "../helpers/telegram.js";
import { eventually } from "../helpers/wait.js";

/**
 * Two towns of a county in one deployment, each with its own Slack workspace: newcomers arrive by a poster's
 * link, ask in their town, a volunteer serves both towns (approved by each), and each town's coordinators see
 * and decide only what is theirs.
 */
const BECKUM: TownWorkspace = { teamId: "T0BECKUM", name: "Netzwerk Beckum", domain: "netzwerk-beckum", channel: "C0BECKUMNETZ", coordinators: "C0BECKUMKOORD", coordinator: "U0SCHULTE" };
const AHLEN: TownWorkspace = { teamId: "T0AHLEN", name: "Integration Ahlen", domain: "integration-ahlen", channel: "C0AHLENNETZ", coordinators: "C0AHLENKOORD", coordinator: "U0YILMAZ" };

const AMINA = 7201; // lives in Ahlen, arrives by the Ahlen poster
const DAWIT = 7202; // lives in Beckum, arrives by the Beckum poster
const YUSUF = 7301; // volunteers in both towns
const GRETA = 7302; // volunteers in Beckum only

const text = (message: SlackSimMessage | undefined) => JSON.stringify(message ?? "");

describe("two towns side by side", () => {
  let stack: Stack;
  let beckum: SlackWorkspace;
  let ahlen: SlackWorkspace;
  const towns = { beckum: "", ahlen: "" };

  /** Taps a button of the chat's last message, by its label. */
  const tap = async (id: number, label: string | RegExp) => {
    const last = await stack.telegram.waitFor(() => stack.telegram.botMessages(id).at(-1));
    await stack.telegram.pressButton(id, last.message_id, { label });
  };
  /** Taps a toggle until the last message shows it ticked. */
  const tick = async (id: number, label: string) => {
    if (!buttons(stack.telegram.botMessages(id).at(-1)).includes(`✅ ${label}`)) await tap(id, label);
    await eventually(() => expect(buttons(stack.telegram.botMessages(id).at(-1))).toContain(`✅ ${label}`));
  };

  /** A newcomer scans a town's poster: the bot opens with the town's start parameter. */
  const arriveByPoster = async (id: number, slug: string, locale: string) => {
    stack.telegram.user(id, { first_name: `Person${id}`, language_code: locale });
    await stack.telegram.sendText(id, `/start ${slug}`);
    const picker = await stack.telegram.waitFor(() => stack.telegram.botMessages(id).find((m) => buttonData(m).includes(`lang:${locale}`)));
    await stack.telegram.pressButton(id, picker.message_id, { data: `lang:${locale}` });
    await stack.telegram.waitFor(() => buttonData(stack.telegram.message(id, picker.message_id)).includes("consent:yes"));
    await stack.telegram.pressButton(id, picker.message_id, { data: "consent:yes" });
    return stack.telegram.waitFor(() => (buttonData(stack.telegram.message(id, picker.message_id)).includes("menu:mediation") ? stack.telegram.message(id, picker.message_id) : undefined));
  };

  /** `/volunteer` as an interpreter for Arabic in `towns`, going to `districts`. */
  const volunteer = async (id: number, name: string, towns: string[], districts: string[]) => {
    await stack.telegram.sendText(id, "/volunteer");
    await waitForText(stack.telegram, id, "Wobei möchten Sie helfen?");
    await tick(id, "🗣 Dolmetschen");
    await tap(id, "Weiter ➡️");
    await waitForText(stack.telegram, id, "Wie ist Ihr Vorname?");
    await stack.telegram.sendText(id, name);
    await waitForText(stack.telegram, id, "Welche Sprachen sprechen Sie?");
    await tap(id, /^Arabisch/);
    await eventually(() => expect(buttons(stack.telegram.botMessages(id).at(-1)).some((b) => b.startsWith("✅ Arabisch"))).toBe(true));
    await tap(id, "Weiter ➡️");
    await waitForText(stack.telegram, id, "Wie gut sprechen Sie Arabisch");
    await tap(id, "Muttersprache");
    await waitForText(stack.telegram, id, "Wie gut sprechen Sie Deutsch?");
    await tap(id, "Sehr gut (C1–C2)");
    await waitForText(stack.telegram, id, "In welchen Orten möchten Sie helfen?");
    for (const town of towns) await tick(id, town);
    await tap(id, "Weiter ➡️");
    await waitForText(stack.telegram, id, "Wo können Sie vor Ort helfen?");
    for (const district of districts) await tick(id, district);
    await tap(id, "Weiter ➡️");
    await waitForText(stack.telegram, id, "Wie viele Einsätze");
    await tap(id, "3");
    await waitForText(stack.telegram, id, "Vertraulich");
    await tap(id, "✅ Ich halte mich daran");
  };

  const registrationCard = (workspace: SlackWorkspace, town: TownWorkspace, name: string) =>
    workspace.waitFor(() => workspace.channelMessages(town.coordinators).find((m) => m.text === `Neue Anmeldung: ${name}`), 10_000, `${name}'s card in ${town.name}`);

  beforeAll(async () => {
    stack = await startStack({ slackDistributed: true, env: { DISPATCH_ESCALATE_AFTER_MS: "1500", OFFER_QUIET_MS: "1" } });
    beckum = stack.slack.workspace(BECKUM.teamId, BECKUM);
    ahlen = stack.slack.workspace(AHLEN.teamId, AHLEN);
    // The operator adds Ahlen beside the configured Beckum, and gives each town a setup code.
    const { core } = stack.app;
    expect(await core.networks.import({ networks: [{ slug: "ahlen", name: "Ahlen", districts: { AHLEN: "Ahlen", VORHELM: "Vorhelm" } }] })).toMatchObject({ kind: "imported" });
    for (const [slug, town] of [["beckum", BECKUM], ["ahlen", AHLEN]] as const) {
      const network = await core.networks.bySlug(slug);
      if (!network) throw new Error(`no ${slug}`);
      towns[slug] = network.id;
      if (slug === "ahlen") await seedNetwork(stack.app.database.prisma, network.id);
      const workspace = slug === "beckum" ? beckum : ahlen;
      expect((await installInBrowser(stack, town.teamId, `${town.coordinator}`)).status).toBe(200);
      expect((await link(workspace, town, (await core.networks.newSetupCode(slug)) ?? "")).status).toBe(200);
    }
  });
  afterAll(() => stack?.stop());

  it("newcomers arrive by their town's poster link and are placed there without being asked", async () => {
    const menu = await arriveByPoster(AMINA, "ahlen", "ar");
    expect(plain(menu)).not.toContain("Ahlen"); // nothing to ask: the link said where
    await arriveByPoster(DAWIT, "beckum", "de");
    const people = await stack.app.database.prisma.telegramUser.findMany({ where: { telegramId: { in: [AMINA, DAWIT] } }, select: { telegramId: true, networkId: true } });
    expect(Object.fromEntries(people.map((p) => [Number(p.telegramId), p.networkId]))).toEqual({ [AMINA]: towns.ahlen, [DAWIT]: towns.beckum });
    // Someone without a link chooses; typing the name in their own script finds it.
    stack.telegram.user(7203, { first_name: "Olena", language_code: "uk" });
    await stack.telegram.sendText(7203, "/start");
    const picker = await stack.telegram.waitFor(() => stack.telegram.botMessages(7203).find((m) => buttonData(m).includes("lang:uk")));
    await stack.telegram.pressButton(7203, picker.message_id, { data: "lang:uk" });
    await stack.telegram.waitFor(() => buttonData(stack.telegram.message(7203, picker.message_id)).includes("consent:yes"));
    await stack.telegram.pressButton(7203, picker.message_id, { data: "consent:yes" });
    const question = await stack.telegram.waitFor(() => (buttons(stack.telegram.botMessages(7203).at(-1)).includes("Ahlen") ? stack.telegram.botMessages(7203).at(-1) : undefined));
    expect(buttons(question)).toEqual(["Ahlen", "Beckum"]);
    await stack.telegram.sendText(7203, "Ален");
    await eventually(async () => expect((await stack.app.core.users.find(7203))?.networkId).toBe(towns.ahlen));
  });

  it("a volunteer serving both towns is approved by each town's coordinators, for their town", async () => {
    for (const [id, name] of [[YUSUF, "Yusuf"], [GRETA, "Greta"]] as const) {
      stack.telegram.user(id, { first_name: name, language_code: "de" });
      await stack.app.core.users.chooseLocale(id, "de");
      await stack.app.core.users.giveConsent(id);
      await stack.app.core.users.placeIn(id, towns.beckum);
    }
    await volunteer(YUSUF, "Yusuf", ["Ahlen", "Beckum"], ["Vorhelm", "Neubeckum"]);
    await volunteer(GRETA, "Greta", ["Beckum"], ["Beckum"]);

    // Each town's coordinators get Yusuf's card in their own workspace; Greta's only in Beckum's.
    const inBeckum = await registrationCard(beckum, BECKUM, "Yusuf");
    const inAhlen = await registrationCard(ahlen, AHLEN, "Yusuf");
    expect(text(inAhlen)).toContain("Vorhelm");
    await registrationCard(beckum, BECKUM, "Greta");
    expect(ahlen.channelMessages(AHLEN.coordinators).some((m) => m.text === "Neue Anmeldung: Greta")).toBe(false);

    // Beckum's coordinator approves for Beckum: Yusuf is still pending in Ahlen.
    await beckum.clickButton(BECKUM.coordinator, inBeckum, ACTIONS.approveVolunteer);
    await waitForText(stack.telegram, YUSUF, "Willkommen in Beckum");
    const status = async () =>
      Object.fromEntries(
        (await stack.app.database.prisma.volunteerNetwork.findMany({ where: { volunteer: { firstName: "Yusuf" } }, select: { networkId: true, status: true } })).map((m) => [m.networkId, m.status]),
      );
    expect(await status()).toEqual({ [towns.beckum]: "APPROVED", [towns.ahlen]: "PENDING" });
    // Beckum's coordinator has no powers in Ahlen's workspace (not a member there at all).
    await ahlen.clickButton(BECKUM.coordinator, inAhlen, ACTIONS.approveVolunteer);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await status())[towns.ahlen]).toBe("PENDING");
    await ahlen.clickButton(AHLEN.coordinator, inAhlen, ACTIONS.approveVolunteer);
    await waitForText(stack.telegram, YUSUF, "Willkommen in Ahlen");
    expect(await status()).toEqual({ [towns.beckum]: "APPROVED", [towns.ahlen]: "APPROVED" });
    await beckum.clickButton(BECKUM.coordinator, await registrationCard(beckum, BECKUM, "Greta"), ACTIONS.approveVolunteer);
    await waitForText(stack.telegram, GRETA, "Willkommen in Beckum");
  });

  it("a request in each town reaches that town's volunteers, and the offer names the town", async () => {
    const { core } = stack.app;
    const offerOf = (id: number, reference: string) => stack.telegram.botMessages(id).find((m) => plain(m).includes(reference) && buttonData(m).some((d) => d.startsWith("offer:accept:")));
    // One after the other: two waves at the same moment offer a volunteer one of the two (the other wave passes
    // over the volunteer it finds locked, who is then in their quiet time) – here Yusuf is to get both at once.
    const inAhlen = await core.requests.create(AMINA, { kind: "MEDIATION", language: "ar", purpose: "JOBCENTER", mode: "PHONE" }, "two-towns-ahlen");
    if (inAhlen.kind !== "created") throw new Error("request not created");
    const ahlenOffer = await stack.telegram.waitFor(() => offerOf(YUSUF, inAhlen.reference), 10_000, "Yusuf's offer from Ahlen");
    expect(plain(ahlenOffer)).toContain("Ort: Ahlen");
    const inBeckum = await core.requests.create(DAWIT, { kind: "MEDIATION", language: "ar", purpose: "HEALTH", mode: "PHONE" }, "two-towns-beckum");
    if (inBeckum.kind !== "created") throw new Error("request not created");
    await stack.telegram.waitFor(() => offerOf(YUSUF, inBeckum.reference), 10_000, "Yusuf's offer from Beckum");
    await stack.telegram.waitFor(() => offerOf(GRETA, inBeckum.reference), 10_000, "Greta's offer from Beckum");
    // Greta does not serve Ahlen: its request never reaches her.
    expect(offerOf(GRETA, inAhlen.reference)).toBeUndefined();
    const offers = await stack.app.database.prisma.offer.findMany({ where: { request: { reference: inAhlen.reference } }, select: { volunteer: { select: { firstName: true } } } });
    expect(offers.map((o) => o.volunteer.firstName)).toEqual(["Yusuf"]);

    // Nobody accepts at once: each town's coordinators are alerted in their own workspace about their own request.
    const alertIn = (workspace: SlackWorkspace, town: TownWorkspace, reference: string) =>
      workspace.waitFor(() => workspace.channelMessages(town.coordinators).find((m) => text(m).includes(reference) && text(m).includes(ACTIONS.offerToAll)), 15_000, `the alert in ${town.name}`);
    await alertIn(ahlen, AHLEN, inAhlen.reference);
    await alertIn(beckum, BECKUM, inBeckum.reference);
    expect(beckum.channelMessages(BECKUM.coordinators).some((m) => text(m).includes(inAhlen.reference))).toBe(false);
    expect(ahlen.channelMessages(AHLEN.coordinators).some((m) => text(m).includes(inBeckum.reference))).toBe(false);

    // Yusuf takes the Ahlen job; Amina gets his name.
    await stack.telegram.pressButton(YUSUF, ahlenOffer.message_id, { data: buttonData(ahlenOffer).find((d) => d.startsWith("offer:accept:")) ?? "" });
    await waitForText(stack.telegram, AMINA, "Yusuf");
  });

  it("each town's coordinators see and decide only their own", async () => {
    const { core } = stack.app;
    const beckumCoordinator = await core.member({ slackUserId: BECKUM.coordinator, teamId: BECKUM.teamId });
    const ahlenCoordinator = await core.member({ slackUserId: AHLEN.coordinator, teamId: AHLEN.teamId });
    if (!beckumCoordinator || !ahlenCoordinator) throw new Error("workspaces not linked");
    expect(await beckumCoordinator.isCoordinator()).toBe(true);
    expect(await ahlenCoordinator.isCoordinator()).toBe(true);

    // Beckum's open request: Ahlen's coordinator can neither see nor act on it; Beckum's can.
    const beckumRequest = await stack.app.database.prisma.helpRequest.findFirstOrThrow({ where: { networkId: towns.beckum, status: "SEARCHING" } });
    expect(await ahlenCoordinator.coordination.overview(beckumRequest.id)).toBeUndefined();
    expect(await ahlenCoordinator.coordination.offerToAll(beckumRequest.id)).toMatchObject({ kind: "not-searching" });
    expect(await ahlenCoordinator.coordination.closeUnmatched(beckumRequest.id, "nicht meins")).toEqual({ kind: "not-searching" });
    expect((await stack.app.database.prisma.helpRequest.findUniqueOrThrow({ where: { id: beckumRequest.id } })).status).toBe("SEARCHING");
    expect(await beckumCoordinator.coordination.overview(beckumRequest.id)).toMatchObject({ reference: beckumRequest.reference });

    // Greta serves Beckum only: Ahlen's coordinators cannot see or suspend her.
    const greta = await stack.app.database.prisma.volunteer.findFirstOrThrow({ where: { firstName: "Greta" } });
    expect(await ahlenCoordinator.volunteers.view(greta.id)).toBeUndefined();
    expect(await ahlenCoordinator.volunteers.suspend(greta.id)).toEqual({ kind: "not-found" });
    expect(await beckumCoordinator.volunteers.view(greta.id)).toMatchObject({ firstName: "Greta", status: "APPROVED" });

    // App Home: each town's volunteers (Yusuf in both), in each workspace.
    for (const [workspace, town, expected, absent] of [
      [ahlen, AHLEN, ["Yusuf"], ["Greta"]],
      [beckum, BECKUM, ["Yusuf", "Greta"], []],
    ] as const) {
      await workspace.event({ type: "app_home_opened", user: town.coordinator, tab: "home" });
      const home = await workspace.waitFor(() => (text(workspace.home(town.coordinator)?.view as never).includes(ACTIONS.suspendVolunteer) ? workspace.home(town.coordinator) : undefined), 5000, `${town.name}'s App Home`);
      const shown = JSON.stringify(home.view);
      for (const name of expected) expect(shown).toContain(name);
      for (const name of absent) expect(shown).not.toContain(name);
    }

    // The digest: each town counts its own request.
    const [ahlenDigest, beckumDigest] = await Promise.all([ahlenCoordinator.digest(), beckumCoordinator.digest()]);
    expect([ahlenDigest.requests, beckumDigest.requests]).toEqual([1, 1]);
  });
});
