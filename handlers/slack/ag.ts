import type { AllMiddlewareArgs, BlockButtonAction, SlackCommandMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from "@slack/bolt";
import { mineFirst, type WorkingGroupSummary } from "../../core/working-groups.js";
import { ACTIONS } from "./action-ids.js";
import { actions, type Block, button, context, escape, header, MAX_BLOCKS, modal, section, textInput, within } from "./blocks.js";
import type { Member } from "../../core/index.js";
import { type ActionArgs, type SlackDeps, type T, acknowledged, localeOf, memberOf, slackT, type SlackListeners } from "./context.js";
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

async function listFor(member: Member, t: T): Promise<Block[]> {
  const [groups, mine, coordinator] = await Promise.all([member.groups.list(), member.groups.mine(), member.isCoordinator()]);
  return workingGroupBlocks(groups, t, mine, coordinator);
}

/** `/ag`: the working groups, answered in the acknowledgement itself (well within Slack's 3 s). */
export function listWorkingGroupsCommand(deps: SlackDeps) {
  return async ({ ack, context: ctx }: SlackCommandMiddlewareArgs & AllMiddlewareArgs) => {
    const t = slackT(deps, localeOf(ctx));
    deps.metrics.slackRequests.inc({ kind: "command_ag" });
    await ack({ response_type: "ephemeral", text: t("slack.ag.title"), blocks: await listFor(memberOf(ctx), t) });
  };
}

export function register(app: SlackListeners, deps: SlackDeps): void {
  app.command("/ag", listWorkingGroupsCommand(deps));

  const membership = (join: boolean) => async ({ body, action, respond, client, context: ctx }: ActionArgs) => {
    deps.metrics.slackRequests.inc({ kind: join ? "ag_join" : "ag_leave" });
    const t = slackT(deps, localeOf(ctx));
    const member = memberOf(ctx);
    const groupId = action.value ?? "";
    if (join) await member.groups.join(groupId);
    else await member.groups.leave(groupId);
    if (body.container.type === "view") await publishHome(deps, client, member, localeOf(ctx));
    else await respond({ replace_original: true, response_type: "ephemeral", text: t("slack.ag.title"), blocks: await listFor(member, t) });
  };
  app.action<BlockButtonAction>(JOIN_GROUP, acknowledged(membership(true)));
  app.action<BlockButtonAction>(LEAVE_GROUP, acknowledged(membership(false)));

  app.action<BlockButtonAction>(ADD_GROUP, acknowledged(async ({ body, client, context: ctx }: ActionArgs) => {
    const t = slackT(deps, localeOf(ctx));
    if (!(await memberOf(ctx).isCoordinator())) return;
    await client.views.open({
      trigger_id: body.trigger_id,
      view: modal({
        callbackId: ADD_GROUP_MODAL,
        title: t("slack.ag.addTitle"),
        submit: t("slack.ag.addSubmit"),
        close: t("slack.cancel"),
        blocks: [
          { type: "input", block_id: "name", label: { type: "plain_text", text: t("slack.ag.name") }, element: textInput({ max: 80 }) },
          { type: "input", block_id: "description", label: { type: "plain_text", text: t("slack.ag.description") }, element: textInput({ max: 500, multiline: true }) },
          { type: "input", block_id: "channel", optional: true, label: { type: "plain_text", text: t("slack.ag.channel") }, element: { type: "conversations_select", action_id: "value" } },
        ],
      }),
    });
  }));

  app.view<ViewSubmitAction>(ADD_GROUP_MODAL, async ({ ack, view, context: ctx }: SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs) => {
    const t = slackT(deps, localeOf(ctx));
    const member = memberOf(ctx);
    if (!(await member.isCoordinator())) {
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
    const created = await member.groups.create({ name, description, ...(channel ? { slackChannel: channel } : {}) });
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
