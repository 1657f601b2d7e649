import type { AllMiddlewareArgs, BlockButtonAction, SlackViewMiddlewareArgs, ViewSubmitAction, webApi } from "@slack/bolt";
import type { Locale } from "../../core/i18n.js";
import { ACTIONS } from "./action-ids.js";
import { actions, type Block, button, context, header, modal, section } from "./blocks.js";
import { acknowledged, localeOf, slackT, type ActionArgs, type SlackDeps, type T, type SlackListeners } from "./context.js";
import { publishHome } from "./home.js";

/**
 * A workspace that has just added the app serves no network yet. Its Home tab offers to link it: a
 * coordinator enters the setup code the operator gave their town (`npm run networks -- code <town>`) and
 * chooses the coordinators' channel – private, with the app invited – and the network's channel.
 */

function setupBlocks(t: T): Block[] {
  return [
    header(t("slack.setup.title")),
    section(t("slack.setup.text")),
    actions("setup", [button(t("slack.setup.link"), ACTIONS.linkWorkspace, "link", "primary")]),
    context(t("slack.setup.hint")),
  ];
}

export async function publishSetupHome(deps: SlackDeps, client: webApi.WebClient, slackUserId: string, locale: Locale): Promise<void> {
  await client.views.publish({ user_id: slackUserId, view: { type: "home", blocks: setupBlocks(slackT(deps, locale)) } });
}

/** Where a request came from: the workspace's id as Slack signed it. */
const teamOf = (body: { team?: { id?: string } | null; user?: { team_id?: string } }) => body.team?.id ?? body.user?.team_id ?? "";

export function register(app: SlackListeners, deps: SlackDeps): void {
  app.action<BlockButtonAction>(ACTIONS.linkWorkspace, acknowledged(async ({ body, client, context: ctx }: ActionArgs) => {
    const t = slackT(deps, localeOf(ctx));
    await client.views.open({
      trigger_id: body.trigger_id,
      view: modal({
        callbackId: ACTIONS.linkWorkspaceModal,
        title: t("slack.setup.modalTitle"),
        submit: t("slack.setup.submit"),
        close: t("slack.cancel"),
        blocks: [
          { type: "input", block_id: "code", label: { type: "plain_text", text: t("slack.setup.code") }, element: { type: "plain_text_input", action_id: "value", max_length: 40, placeholder: { type: "plain_text", text: "ABCD-EFGH-JKMN" } } },
          {
            type: "input",
            block_id: "coordinators",
            label: { type: "plain_text", text: t("slack.setup.coordinatorChannel") },
            hint: { type: "plain_text", text: t("slack.setup.coordinatorHint") },
            element: { type: "conversations_select", action_id: "value", filter: { include: ["private"], exclude_bot_users: true } },
          },
          {
            type: "input",
            block_id: "network",
            label: { type: "plain_text", text: t("slack.setup.networkChannel") },
            element: { type: "conversations_select", action_id: "value", filter: { include: ["public", "private"], exclude_bot_users: true } },
          },
        ],
      }),
    });
  }));

  app.view<ViewSubmitAction>(ACTIONS.linkWorkspaceModal, async ({ ack, view, body, client, context: ctx }: SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs) => {
    const t = slackT(deps, localeOf(ctx));
    const values = view.state.values;
    const code = values.code?.value?.value?.trim() ?? "";
    const coordinatorChannel = values.coordinators?.value?.selected_conversation ?? "";
    const networkChannel = values.network?.value?.selected_conversation ?? "";
    // Anyone who could join the coordinators' channel would act as a coordinator: it must be private, and the
    // app must be in it (Slack shows a private channel's details only to its members).
    const info = await client.conversations.info({ channel: coordinatorChannel }).catch(() => undefined);
    if (info?.channel?.is_private !== true) {
      await ack({ response_action: "errors", errors: { coordinators: t(info?.channel ? "slack.setup.notPrivate" : "slack.setup.inviteApp") } });
      return;
    }
    const linked = await deps.core.networks.link(teamOf(body), code, { coordinatorChannel, networkChannel });
    if (linked.kind === "bad-code") {
      await ack({ response_action: "errors", errors: { code: t("slack.setup.badCode") } });
      return;
    }
    await ack();
    deps.metrics.slackRequests.inc({ kind: "workspace_linked" });
    deps.log.info({ network: linked.network.slug, teamId: teamOf(body) }, linked.kind === "linked" ? "slack workspace linked" : "slack workspace was linked already");
    const member = await deps.core.member({ slackUserId: body.user.id, teamId: teamOf(body) });
    if (member) await publishHome(deps, client, member, localeOf(ctx));
  });
}
