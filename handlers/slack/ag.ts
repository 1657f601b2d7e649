import type { AllMiddlewareArgs, App, SlackCommandMiddlewareArgs, types } from "@slack/bolt";
import { listWorkingGroups, type WorkingGroupSummary } from "../../core/working-groups.js";
import { slackT, type SlackDeps } from "./context.js";

type T = ReturnType<typeof slackT>;

/** Block Kit for the list of working groups. */
export function workingGroupBlocks(groups: WorkingGroupSummary[], t: T): types.KnownBlock[] {
  if (groups.length === 0) return [{ type: "section", text: { type: "mrkdwn", text: t("slack.ag.none") } }];
  return [
    { type: "header", text: { type: "plain_text", text: t("slack.ag.title") } },
    ...groups.map(
      (group): types.KnownBlock => ({
        type: "section",
        text: {
          type: "mrkdwn",
          text: `*${group.name}*\n${group.description}\n_${t("slack.ag.members", { count: group.memberCount })}_`,
        },
      }),
    ),
  ];
}

/** `/ag`: the working groups, answered in the acknowledgement itself (well within Slack's 3 s). */
export function listWorkingGroupsCommand(deps: SlackDeps) {
  return async ({ ack }: SlackCommandMiddlewareArgs & AllMiddlewareArgs) => {
    const t = slackT(deps);
    const groups = await listWorkingGroups(deps.db);
    deps.metrics.slackRequests.inc({ kind: "command_ag" });
    await ack({ response_type: "ephemeral", text: t("slack.ag.title"), blocks: workingGroupBlocks(groups, t) });
  };
}

export function register(app: App, deps: SlackDeps): void {
  app.command("/ag", listWorkingGroupsCommand(deps));
}
