import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SLACK_BOT_SCOPES } from "../../bot/slack.js";
import { SLACK_INSTALL_PATH, SLACK_REDIRECT_PATH } from "../../bot/slack-install-pages.js";
import { parseTokenKey, tokenCipher } from "../../bot/token-cipher.js";
import { ACTIONS } from "../../handlers/slack/action-ids.js";
import type { SlackWorkspace } from "../../sim/slack-api.js";
import { SLACK_CLIENT_ID, SLACK_TOKEN_KEY, startStack, type Stack } from "../helpers/stack.js";
import { eventually } from "../helpers/wait.js";
import { comeBack, goToSlack, installInBrowser, link } from "../helpers/slack-install.js";
import { seedNetwork } from "../../prisma/seed.js";

/** Two towns, each with its Slack workspace and channels: each workspace's messages go out with that workspace's token. */
const AHLEN = { teamId: "T0AHLEN", name: "Integration Ahlen", domain: "integration-ahlen", channel: "C0AHLENNETZ", coordinators: "C0AHLENKOORD", coordinator: "U0AHLENCOORD" };
const ENNIGERLOH = { teamId: "T0ENNIGER", name: "Netzwerk Ennigerloh", domain: "netzwerk-ennigerloh", channel: "C0ENNINETZ", coordinators: "C0ENNIKOORD", coordinator: "U0ENNICOORD" };

async function installation(stack: Stack, teamId: string) {
  return stack.app.database.prisma.slackInstallation.findUnique({ where: { teamId } });
}

/** The working group "AG Kontakt mit Behörden" of the network a workspace serves. */
async function groupId(stack: Stack, teamId: string): Promise<string> {
  const group = await stack.app.database.prisma.workingGroup.findFirstOrThrow({ where: { name: "AG Kontakt mit Behörden", network: { slackTeamId: teamId } } });
  return group.id;
}

/** A member opens their App Home and joins an AG there: the app publishes the view twice, with the workspace's token. */
async function homeAndJoin(stack: Stack, workspace: SlackWorkspace, user: string): Promise<void> {
  await workspace.event({ type: "app_home_opened", user, tab: "home" });
  const home = await workspace.waitFor(() => (JSON.stringify(workspace.home(user)?.view ?? "").includes(ACTIONS.joinGroup) ? workspace.home(user) : undefined), 5000, `${user}'s App Home`);
  await workspace.clickViewButton(user, home.id, ACTIONS.joinGroup, { value: await groupId(stack, workspace.teamId) });
  await workspace.waitFor(() => JSON.stringify(workspace.home(user)?.view).includes("✅"), 5000, `${user} in the AG`);
}

describe("Slack installed per workspace (the app distributed through OAuth), each linked to its town", () => {
  let stack: Stack;
  let ahlen: SlackWorkspace;
  let ennigerloh: SlackWorkspace;
  const codes = { ahlen: "", ennigerloh: "" };

  beforeAll(async () => {
    stack = await startStack({ slackDistributed: true });
    ahlen = stack.slack.workspace(AHLEN.teamId, AHLEN);
    ennigerloh = stack.slack.workspace(ENNIGERLOH.teamId, ENNIGERLOH);
    // The operator adds the two towns and gives each a setup code (npm run networks -- import / code).
    const { core } = stack.app;
    const imported = await core.networks.import({ networks: [{ slug: "ahlen", name: "Ahlen", districts: { AHLEN: "Ahlen", VORHELM: "Vorhelm" } }, { slug: "ennigerloh", name: "Ennigerloh" }] });
    expect(imported.kind).toBe("imported");
    for (const slug of ["ahlen", "ennigerloh"] as const) {
      const town = await core.networks.bySlug(slug);
      if (!town) throw new Error(`no ${slug}`);
      await seedNetwork(stack.app.database.prisma, town.id);
      codes[slug] = (await core.networks.newSetupCode(slug)) ?? "";
    }
  });
  afterAll(() => stack?.stop());

  it("the install page offers 'Add to Slack', which leads to Slack's consent screen with the app, its scopes and a state", async () => {
    const page = await fetch(`${stack.url}${SLACK_INSTALL_PATH}`);
    const html = await page.text();
    expect(html).toContain("Zu Slack hinzufügen");
    expect(page.headers.get("set-cookie")).toMatch(/^slack-app-oauth-state=[^;]+; Secure; HttpOnly/);
    const link = new URL(/id="add-to-slack" href="([^"]+)"/.exec(html)?.[1]?.replaceAll("&amp;", "&") ?? "");
    expect(`${link.origin}${link.pathname}`).toBe(stack.slack.authorizeUrl);
    expect(link.searchParams.get("client_id")).toBe(SLACK_CLIENT_ID);
    expect(link.searchParams.get("scope")?.split(",")).toEqual(SLACK_BOT_SCOPES);
    expect(link.searchParams.get("redirect_uri")).toBe(`${stack.url}${SLACK_REDIRECT_PATH}`);
    expect(link.searchParams.get("state")).toBeTruthy();
  });

  it("a town installs the app: its token is kept encrypted, and its members are answered with that token", async () => {
    const installed = await installInBrowser(stack, AHLEN.teamId, "U0AHLENADMIN");
    expect(installed.status).toBe(200);
    expect(installed.html).toContain("Brückenbot ist jetzt im Slack-Workspace Integration Ahlen installiert");
    const [token] = ahlen.tokens();
    if (!token) throw new Error("Slack issued no token");

    const row = await installation(stack, AHLEN.teamId);
    expect(row).toMatchObject({ teamName: AHLEN.name, botUserId: ahlen.botUserId, installedBy: "U0AHLENADMIN", scopes: SLACK_BOT_SCOPES });
    expect(JSON.stringify(row)).not.toContain(token);
    expect(JSON.stringify(row)).not.toContain(token.slice(-12));
    const key = parseTokenKey(SLACK_TOKEN_KEY);
    if (!key) throw new Error("bad test key");
    expect(tokenCipher(key).decrypt(row?.botToken ?? "", AHLEN.teamId)).toBe(token);

    // Installed, not linked yet: members are told so, and the Home tab offers the link.
    const early = await ahlen.slashCommand("U0AHLEN1", "/ag");
    expect(JSON.stringify(early.body)).toContain("noch mit keinem Integrationsnetzwerk verbunden");
    const wrong = await link(ahlen, AHLEN, "AAAA-BBBB-CCCC");
    expect(wrong.body).toMatchObject({ response_action: "errors", errors: { code: expect.stringContaining("Code stimmt nicht") } });
    const linked = await link(ahlen, AHLEN, codes.ahlen);
    expect(linked.status).toBe(200);
    expect(await stack.app.core.networks.bySlug("ahlen")).toMatchObject({ slackTeamId: AHLEN.teamId, coordinatorChannel: AHLEN.coordinators, networkChannel: AHLEN.channel });
    await ahlen.waitFor(() => JSON.stringify(ahlen.home(AHLEN.coordinator)?.view ?? "").includes("Ahlen"), 5000, "Ahlen's own Home tab");

    const callsBefore = stack.slack.calls.length;
    await homeAndJoin(stack, ahlen, "U0AHLEN1");
    await ahlen.slashCommand("U0AHLEN1", "/poll");
    await ahlen.waitFor(() => ahlen.modals("U0AHLEN1").at(-1), 5000, "the poll modal");
    const answered = stack.slack.calls.slice(callsBefore).filter((c) => c.method.startsWith("views."));
    expect(answered.map((c) => c.method)).toEqual(expect.arrayContaining(["views.publish", "views.open"]));
    // The emulator files each call under its token's workspace: every answer came with Ahlen's token.
    expect(answered.every((c) => c.team === AHLEN.teamId)).toBe(true);
    expect(stack.slack.home("U0AHLEN1")).toBeUndefined();
  });

  it("a second town installs side by side: each workspace is answered, and written to, with its own token only", async () => {
    expect((await installInBrowser(stack, ENNIGERLOH.teamId, "U0ENNIADMIN")).status).toBe(200);
    expect(ennigerloh.tokens()).toHaveLength(1);
    expect(ennigerloh.tokens()[0]).not.toBe(ahlen.tokens()[0]);
    // Ahlen's code is used up; Ennigerloh's links Ennigerloh.
    expect((await link(ennigerloh, ENNIGERLOH, codes.ahlen)).body).toMatchObject({ response_action: "errors" });
    expect((await link(ennigerloh, ENNIGERLOH, codes.ennigerloh)).status).toBe(200);

    await Promise.all([homeAndJoin(stack, ahlen, "U0AHLEN2"), homeAndJoin(stack, ennigerloh, "U0ENNI1")]);
    expect(ahlen.home("U0ENNI1")).toBeUndefined();
    expect(ennigerloh.home("U0AHLEN2")).toBeUndefined();

    // What the product sends outside a request: each town's poll goes out with its workspace's client.
    const { core } = stack.app;
    const draft = { options: [{ label: "Montag" }, { label: "Dienstag" }], multiple: false, anonymous: false, datePoll: false };
    await (await core.member({ slackUserId: "U0AHLEN1", teamId: AHLEN.teamId }))?.polls.create({ ...draft, question: "Wann trifft sich Ahlen?" }, AHLEN.channel);
    await (await core.member({ slackUserId: "U0ENNI1", teamId: ENNIGERLOH.teamId }))?.polls.create({ ...draft, question: "Wann trifft sich Ennigerloh?" }, ENNIGERLOH.channel);
    await ahlen.waitFor(() => ahlen.channelMessages(AHLEN.channel).find((m) => m.text?.includes("Ahlen")), 10_000, "Ahlen's poll");
    await ennigerloh.waitFor(() => ennigerloh.channelMessages(ENNIGERLOH.channel).find((m) => m.text?.includes("Ennigerloh")), 10_000, "Ennigerloh's poll");

    // Channels: members are asked of each workspace with its own client; another workspace's channel is none of its business.
    const { channels, slackClients } = stack.app;
    expect(await channels.isMember(AHLEN.teamId, "C0AHLENKOORD", "U0AHLENCOORD")).toBe(true);
    expect(await channels.isMember(ENNIGERLOH.teamId, "C0ENNIKOORD", "U0ENNICOORD")).toBe(true);
    expect(await channels.isMember(ENNIGERLOH.teamId, "C0AHLENKOORD", "U0AHLENCOORD")).toBe(false);
    expect(await channels.isMember("T0NOWHERE", "C0AHLENKOORD", "U0AHLENCOORD")).toBe(false);
    // No configured token: "the single workspace" does not exist when the app is distributed.
    expect(await slackClients.forTeam(null)).toBeUndefined();
    const ahlenClient = await slackClients.forTeam(AHLEN.teamId);
    await expect(ahlenClient?.chat.postMessage({ channel: "C0ENNIKOORD", text: "falscher Workspace" })).rejects.toMatchObject({ data: { error: "channel_not_found" } });
  });

  it("a town removes the app: installation and token are deleted, its requests go unanswered, the other town is still served, a reinstall works", async () => {
    const oldToken = ahlen.tokens()[0];
    await ahlen.uninstall();
    await eventually(async () => expect(await installation(stack, AHLEN.teamId)).toBeNull());
    expect(ahlen.tokens()).toEqual([]);
    expect(await stack.app.slackClients.forTeam(AHLEN.teamId)).toBeUndefined();
    expect(await stack.app.channels.isMember(AHLEN.teamId, "C0AHLENKOORD", "U0AHLENCOORD")).toBe(false);

    const callsBefore = stack.slack.calls.length;
    const answer = await ahlen.event({ type: "app_home_opened", user: "U0AHLEN3", tab: "home" });
    expect(answer.status).toBe(200);
    // The town keeps its link: what core posts for Ahlen is refused for want of an installation.
    const town = await stack.app.core.networks.bySlug("ahlen");
    expect(town?.slackTeamId).toBe(AHLEN.teamId);
    const poll = await stack.app.core.member({ slackUserId: "U0AHLEN1", teamId: AHLEN.teamId }).then((member) =>
      member?.polls.create({ question: "Noch jemand in Ahlen?", options: [{ label: "Ja" }, { label: "Nein" }], multiple: false, anonymous: false, datePoll: false }, AHLEN.channel),
    );
    const refused = await eventually(async () => {
      const row = await stack.app.database.prisma.outbox.findFirstOrThrow({ where: { recipient: AHLEN.channel }, orderBy: { id: "desc" } });
      expect(row.status).toBe("FAILED");
      return row;
    }, 10_000);
    expect(refused.error).toContain("not installed in workspace T0AHLEN");
    expect(poll?.id).toBeTruthy();
    expect(ahlen.home("U0AHLEN3")).toBeUndefined();
    expect(stack.slack.calls.slice(callsBefore).filter((c) => c.team === AHLEN.teamId)).toEqual([]);
    // Not even tried with the revoked token.
    expect(stack.slack.authRefusals.filter((r) => r.team === AHLEN.teamId)).toEqual([]);

    await homeAndJoin(stack, ennigerloh, "U0ENNI2");

    expect((await installInBrowser(stack, AHLEN.teamId, "U0AHLENADMIN")).status).toBe(200);
    expect(ahlen.tokens()).toHaveLength(1);
    expect(ahlen.tokens()[0]).not.toBe(oldToken);
    await homeAndJoin(stack, ahlen, "U0AHLEN3");
  });

  it("revoking the bot token alone deletes the installation too", async () => {
    await ennigerloh.revokeTokens();
    await eventually(async () => expect(await installation(stack, ENNIGERLOH.teamId)).toBeNull());
    expect(await stack.app.slackClients.forTeam(ENNIGERLOH.teamId)).toBeUndefined();
    expect(await installation(stack, AHLEN.teamId)).not.toBeNull();
  });

  it("a forged state, a replayed redirect and another browser's redirect are refused, and install nothing", async () => {
    const kirchspiel = stack.slack.workspace("T0KIRCH", { name: "Kirchspiel", domain: "kirchspiel" });
    const exchanges = () => stack.slack.calls.filter((c) => c.method === "oauth.v2.access").length;

    // Forged: a state the product never signed, with a cookie to match.
    const before = exchanges();
    const first = await goToSlack(stack, kirchspiel.teamId, "U0KIRCH");
    const forged = new URL(first.back);
    forged.searchParams.set("state", "forged.state.value");
    const forgedPage = await comeBack(forged.toString(), "slack-app-oauth-state=forged.state.value");
    expect(forgedPage.status).toBe(400);
    expect(forgedPage.html).toContain("abgelaufen oder wurde schon benutzt");

    // Another browser: the right state and code, but not the cookie of the browser that started.
    const second = await goToSlack(stack, kirchspiel.teamId, "U0KIRCH");
    expect((await comeBack(second.back)).status).toBe(400);
    expect((await comeBack(second.back, "slack-app-oauth-state=someone-else")).status).toBe(400);
    expect(exchanges()).toBe(before);

    // The browser that started installs; the same redirect replayed, cookie and all, is refused before Slack is asked.
    expect((await comeBack(second.back, second.cookie)).status).toBe(200);
    expect(exchanges()).toBe(before + 1);
    const replayed = await comeBack(second.back, second.cookie);
    expect(replayed.status).toBe(400);
    expect(replayed.html).toContain("abgelaufen oder wurde schon benutzt");
    expect(exchanges()).toBe(before + 1);
    expect(kirchspiel.tokens()).toHaveLength(1);
  });

  it("someone who clicks Cancel in Slack reads that nothing was installed, with a way to start again", async () => {
    const drensteinfurt = stack.slack.workspace("T0DRENS", { name: "Drensteinfurt", domain: "drensteinfurt" });
    const cancelled = await installInBrowser(stack, drensteinfurt.teamId, "U0DRENS", "deny");
    expect(new URL(cancelled.back).searchParams.get("error")).toBe("access_denied");
    expect(cancelled.status).toBe(200);
    expect(cancelled.html).toContain("Die Installation wurde abgebrochen");
    expect(cancelled.html).toContain(`href="${SLACK_INSTALL_PATH}"`);
    expect(await installation(stack, drensteinfurt.teamId)).toBeNull();
    expect(drensteinfurt.tokens()).toEqual([]);
  });
});
