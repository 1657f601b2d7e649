import * as browser from "../../sim/slack-install.js";
import type { SlackWorkspace } from "../../sim/slack-api.js";
import type { Stack } from "./stack.js";

/** A town's Slack workspace as the tests set it up: its channels and its coordinator. */
export type TownWorkspace = { teamId: string; name: string; domain: string; channel: string; coordinators: string; coordinator: string };

/**
 * What a browser does until Slack sends it back: opens the install page (and keeps its state cookie), follows
 * "Add to Slack" to Slack, where `userId` of `teamId` allows (or cancels). `back` is where Slack sends it.
 */
export const goToSlack = (stack: Stack, teamId: string, userId: string, decision: "allow" | "deny" = "allow") => browser.goToSlack(stack.url, stack.slack, teamId, userId, decision);

/** The browser arrives back at the product's redirect, with the cookie it has (or none). */
export const comeBack = browser.comeBack;

export const installInBrowser = (stack: Stack, teamId: string, userId: string, decision: "allow" | "deny" = "allow") => browser.installInBrowser(stack.url, stack.slack, teamId, userId, decision);

/**
 * A coordinator links a freshly installed workspace to their town in its Home tab: the operator's setup code,
 * the coordinators' private channel (the app invited) and the network's channel.
 */
export const link = (workspace: SlackWorkspace, town: TownWorkspace, code: string) => browser.linkWithSetupCode(workspace, town, code);
