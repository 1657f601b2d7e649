import type { AllMiddlewareArgs, App, BlockButtonAction, SlackCommandMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from "@slack/bolt";
import { mineFirst, type WorkingGroupSummary } from "../../core/working-groups.js";
import { ACTIONS } from "./action-ids.js";
import { actions, button, context, escape, header, MAX_BLOCKS, section, textInput, within, type Block } from "./blocks.js";
import { type ActionArgs, type SlackDeps, type T, acknowledged, localeOf, slackT } from "./context.js";
import { publishHome } from "./home.js";

const { joinGroup: JOIN_GROUP, leaveGroup: LEAVE_GROUP, addGroup: ADD_GROUP, addGroupModal: ADD_GROUP_MODAL } = ACTIONS;

/** Block Kit for the list of working groups, with join or leave for the member who asked. */
export function workingGroupBlocks(groups: WorkingGroupSummary[], t: T, mine: Set<string> = new Set(), coordinator = false): Block[] {
  const admin = coordinator ? [actions("ag-admin", [button(t("slack.ag.add"), ADD_GROUP, "new")])] : [];
  const items = mineFirst(groups, mine).map((group): Block[] => [
    {
      type: "section",
      text: { type: "mrkdwn", text: `*${escape(group.name)}*\n${escape(group.description)}\n_${t("slack.ag.members", { count: group.memberCount })}_` },
      accessory: mine.has(group.id) ? button(t("slack.ag.leave"), LEAVE_GROUP, group.id) : button(t("slack.ag.join"), JOIN_GROUP, group.id, "primary"),
    },
  ]);
  // A message takes 50 blocks: besides the header, the hint and the coordinators' button, as many groups as fit.
  const list = groups.length === 0 ? [section(t("slack.ag.none"))] : within(MAX_BLOCKS.message - 2 - admin.length, items);
  return [header(t("slack.ag.title")), ...list, context(t("slack.ag.hint")), ...admin];
}

async function listFor(deps: SlackDeps, userId: string, t: T): Promise<Block[]> {
  const [groups, mine, coordinator] = await Promise.all([deps.core.groups.list(), deps.core.groups.of(userId), deps.core.isCoordinator({ slackUserId: userId })]);
  return workingGroupBlocks(groups, t, mine, coordinator);
}

/** `/ag`: the working groups, answered in the acknowledgement itself (well within Slack's 3 s). */
export function listWorkingGroupsCommand(deps: SlackDeps) {
  return async ({ ack, command, context: ctx }: SlackCommandMiddlewareArgs & AllMiddlewareArgs) => {
    const t = slackT(deps, localeOf(ctx));
    deps.metrics.slackRequests.inc({ kind: "command_ag" });
    await ack({ response_type: "ephemeral", text: t("slack.ag.title"), blocks: await listFor(deps, command.user_id, t) });
  };
}

export function register(app: App, deps: SlackDeps): void {
  app.command("/ag", listWorkingGroupsCommand(deps));

  const membership = (join: boolean) => async ({ body, action, respond, client, context: ctx }: ActionArgs) => {
    deps.metrics.slackRequests.inc({ kind: join ? "ag_join" : "ag_leave" });
    const t = slackT(deps, localeOf(ctx));
    const groupId = action.value ?? "";
    if (join) await deps.core.groups.join(groupId, body.user.id);
    else await deps.core.groups.leave(groupId, body.user.id);
    if (body.container.type === "view") await publishHome(deps, client, body.user.id, localeOf(ctx));
    else await respond({ replace_original: true, response_type: "ephemeral", text: t("slack.ag.title"), blocks: await listFor(deps, body.user.id, t) });
  };
  app.action<BlockButtonAction>(JOIN_GROUP, acknowledged(membership(true)));
  app.action<BlockButtonAction>(LEAVE_GROUP, acknowledged(membership(false)));

  app.action<BlockButtonAction>(ADD_GROUP, acknowledged(async ({ body, client, context: ctx }: ActionArgs) => {
    const t = slackT(deps, localeOf(ctx));
    if (!(await deps.core.isCoordinator({ slackUserId: body.user.id }))) return;
    await client.views.open({
      trigger_id: body.trigger_id,
      view: {
        type: "modal",
        callback_id: ADD_GROUP_MODAL,
        title: { type: "plain_text", text: t("slack.ag.addTitle") },
        submit: { type: "plain_text", text: t("slack.ag.addSubmit") },
        close: { type: "plain_text", text: t("slack.cancel") },
        blocks: [
          { type: "input", block_id: "name", label: { type: "plain_text", text: t("slack.ag.name") }, element: textInput({ max: 80 }) },
          { type: "input", block_id: "description", label: { type: "plain_text", text: t("slack.ag.description") }, element: textInput({ max: 500, multiline: true }) },
          { type: "input", block_id: "channel", optional: true, label: { type: "plain_text", text: t("slack.ag.channel") }, element: { type: "conversations_select", action_id: "value" } },
        ],
      },
    });
  }));

  app.view<ViewSubmitAction>(ADD_GROUP_MODAL, async ({ ack, view, body, context: ctx }: SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs) => {
    const t = slackT(deps, localeOf(ctx));
    if (!(await deps.core.isCoordinator({ slackUserId: body.user.id }))) {
      await ack({ response_action: "errors", errors: { name: t("slack.coordinatorsOnly") } });
      return;
    }
    const values = view.state.values;
    const name = values.name?.value?.value?.trim() ?? "";
    const description = values.description?.value?.value?.trim() ?? "";
    const channel = values.channel?.value?.selected_conversation ?? undefined;
    if (name.length < 3) {
      await ack({ response_action: "errors", errors: { name: t("slack.ag.nameNeeded") } });
      return;
    }
    const created = await deps.core.groups.create({ slackUserId: body.user.id }, { name, description, ...(channel ? { slackChannel: channel } : {}) });
    if (created.kind === "not-coordinator") {
      await ack({ response_action: "errors", errors: { name: t("slack.coordinatorsOnly") } });
      return;
    }
    if (created.kind === "exists") {
      await ack({ response_action: "errors", errors: { name: t("slack.ag.exists") } });
      return;
    }
    await ack();
  });
}
