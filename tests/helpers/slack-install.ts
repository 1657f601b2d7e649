import { expect } from "vitest";
import { SLACK_INSTALL_PATH } from "../../bot/slack-install-pages.js";
import { ACTIONS } from "../../handlers/slack/action-ids.js";
import type { SlackWorkspace } from "../../sim/slack-api.js";
import type { Stack } from "./stack.js";

/** A town's Slack workspace as the tests set it up: its channels and its coordinator. */
export type TownWorkspace = { teamId: string; name: string; domain: string; channel: string; coordinators: string; coordinator: string };

/**
 * What a browser does until Slack sends it back: opens the install page (and keeps its state cookie), follows
 * "Add to Slack" to Slack, where `userId` of `teamId` allows (or cancels). `back` is where Slack sends it.
 */
export async function goToSlack(stack: Stack, teamId: string, userId: string, decision: "allow" | "deny" = "allow") {
  const start = await fetch(`${stack.url}${SLACK_INSTALL_PATH}`);
  expect(start.status).toBe(200);
  const cookie = (start.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  const link = /id="add-to-slack" href="([^"]+)"/.exec(await start.text())?.[1]?.replaceAll("&amp;", "&");
  if (!link) throw new Error("the install page has no Add to Slack link");
  stack.slack.authorizeAs(teamId, userId, decision);
  const atSlack = await fetch(link, { redirect: "manual" });
  expect(atSlack.status).toBe(302);
  return { link, cookie, back: atSlack.headers.get("location") ?? "" };
}

/** The browser arrives back at the product's redirect, with the cookie it has (or none). */
export async function comeBack(back: string, cookie?: string) {
  const page = await fetch(back, { headers: cookie ? { cookie } : {}, redirect: "manual" });
  return { status: page.status, html: await page.text() };
}

export async function installInBrowser(stack: Stack, teamId: string, userId: string, decision: "allow" | "deny" = "allow") {
  const atSlack = await goToSlack(stack, teamId, userId, decision);
  return { ...atSlack, ...(await comeBack(atSlack.back, atSlack.cookie)) };
}

/**
 * A coordinator links a freshly installed workspace to their town in its Home tab: the operator's setup code,
 * the coordinators' private channel (the app invited) and the network's channel.
 */
export async function link(workspace: SlackWorkspace, town: TownWorkspace, code: string) {
  workspace.join(town.coordinators, town.coordinator);
  workspace.makePrivate(town.coordinators);
  await workspace.event({ type: "app_home_opened", user: town.coordinator, tab: "home" });
  const setup = await workspace.waitFor(
    () => (JSON.stringify(workspace.home(town.coordinator)?.view ?? "").includes(ACTIONS.linkWorkspace) ? workspace.home(town.coordinator) : undefined),
    5000,
    "the set-up Home tab",
  );
  await workspace.clickViewButton(town.coordinator, setup.id, ACTIONS.linkWorkspace, { value: "link" });
  const modal = await workspace.waitFor(() => workspace.modals(town.coordinator).at(-1), 5000, "the set-up form");
  return workspace.submitView(town.coordinator, modal.id, {
    code: { value: { type: "plain_text_input", value: code } },
    coordinators: { value: { type: "conversations_select", selected_conversation: town.coordinators } },
    network: { value: { type: "conversations_select", selected_conversation: town.channel } },
  });
}

