import { SLACK_INSTALL_PATH } from "../bot/slack-install-pages.js";
import { ACTIONS } from "../handlers/slack/action-ids.js";
import type { SlackEmulator, SlackWorkspace, ViewSubmission } from "./slack-api.js";

/** Where the browser is after Slack's consent screen: the install link it followed, its state cookie, and where Slack sends it back. */
export type AtSlack = { link: string; cookie: string; back: string };

/**
 * What the browser of someone who may install apps in `teamId` does until Slack sends it back: opens the
 * product's install page (and keeps its state cookie), follows "Add to Slack" to the emulated Slack, where
 * `userId` allows (or cancels).
 */
export async function goToSlack(productUrl: string, slack: SlackEmulator, teamId: string, userId: string, decision: "allow" | "deny" = "allow"): Promise<AtSlack> {
  const start = await fetch(`${productUrl}${SLACK_INSTALL_PATH}`);
  if (start.status !== 200) throw new Error(`the install page answered ${start.status}`);
  const cookie = (start.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  const link = /id="add-to-slack" href="([^"]+)"/.exec(await start.text())?.[1]?.replaceAll("&amp;", "&");
  if (!link) throw new Error("the install page has no Add to Slack link");
  slack.authorizeAs(teamId, userId, decision);
  const atSlack = await fetch(link, { redirect: "manual" });
  if (atSlack.status !== 302) throw new Error(`Slack's consent screen answered ${atSlack.status}: ${await atSlack.text()}`);
  return { link, cookie, back: atSlack.headers.get("location") ?? "" };
}

/** The browser arrives back at the product's redirect, with the cookie it has (or none). */
export async function comeBack(back: string, cookie?: string): Promise<{ status: number; html: string }> {
  const page = await fetch(back, { headers: cookie ? { cookie } : {}, redirect: "manual" });
  return { status: page.status, html: await page.text() };
}

/** The whole install in one browser: install page, Slack's consent, back to the product. */
export async function installInBrowser(productUrl: string, slack: SlackEmulator, teamId: string, userId: string, decision: "allow" | "deny" = "allow") {
  const atSlack = await goToSlack(productUrl, slack, teamId, userId, decision);
  return { ...atSlack, ...(await comeBack(atSlack.back, atSlack.cookie)) };
}

/** A town's channels in its workspace and the coordinator who links it. */
export type TownChannels = { coordinator: string; coordinators: string; channel: string };

/**
 * A coordinator links a freshly installed workspace to their town in its Home tab: the operator's setup code,
 * the coordinators' private channel (the app invited) and the network's channel.
 */
export async function linkWithSetupCode(workspace: SlackWorkspace, town: TownChannels, code: string): Promise<ViewSubmission> {
  workspace.join(town.coordinators, town.coordinator);
  workspace.makePrivate(town.coordinators);
  await workspace.event({ type: "app_home_opened", user: town.coordinator, tab: "home" });
  const setup = await workspace.waitFor(
    () => (JSON.stringify(workspace.home(town.coordinator)?.view ?? "").includes(ACTIONS.linkWorkspace) ? workspace.home(town.coordinator) : undefined),
    10_000,
    "the set-up Home tab",
  );
  await workspace.clickViewButton(town.coordinator, setup.id, ACTIONS.linkWorkspace, { value: "link" });
  const modal = await workspace.waitFor(() => workspace.modals(town.coordinator).at(-1), 10_000, "the set-up form");
  return workspace.submitView(town.coordinator, modal.id, {
    code: { value: { type: "plain_text_input", value: code } },
    coordinators: { value: { type: "conversations_select", selected_conversation: town.coordinators } },
    network: { value: { type: "conversations_select", selected_conversation: town.channel } },
  });
}
