import type { AllMiddlewareArgs, BlockButtonAction, SlackViewMiddlewareArgs, ViewSubmitAction } from "@slack/bolt";
import type { RequestOverview } from "../../core/coordination.js";
import type { I18n } from "../../core/i18n.js";
import { languageName } from "../../core/messages.js";
import { ACTIONS } from "./action-ids.js";
import { actions, type Block, button, context, escape, fields, header, modal, section, textInput } from "./blocks.js";
import { type ActionArgs, type NetworkView, type SlackDeps, acknowledged, localeOf, memberOf, slackT, type SlackListeners } from "./context.js";

export const OFFER_TO_ALL = ACTIONS.offerToAll;
export const CLOSE_REQUEST = ACTIONS.closeRequest;
export const CLOSE_REQUEST_MODAL = ACTIONS.closeRequestModal;
const NOTE_BLOCK = "note";
const NOTE_INPUT = "note_input";

type T = ReturnType<typeof slackT>;

/** Anonymised facts of a request, for coordinators (never a name, a note, a place). */
export function requestFields(request: RequestOverview, t: T, i18n: I18n): Block {
  const when = request.appointmentAt ? i18n.formatDateTime("de", request.appointmentAt) : t("mediation.asap");
  const district = request.district ? (request.districtName ?? request.district) : t("slack.request.remote");
  return fields([
    `*${t("slack.request.kind")}*\n${t(`requests.kind.${request.kind}`)}`,
    `*${t("slack.request.language")}*\n${languageName(request.language, "de")}`,
    ...(request.purpose ? [`*${t("slack.request.purpose")}*\n${t(`mediation.purpose.${request.purpose}`)}`] : []),
    ...(request.mode ? [`*${t("slack.request.mode")}*\n${t(`mediation.mode.${request.mode}`)}`] : []),
    `*${t("slack.request.when")}*\n${when}`,
    `*${t("slack.request.district")}*\n${district}`,
  ]);
}

/** The alert "nobody has accepted yet", with the coordinators' actions while the search is on. */
export function escalationBlocks(request: RequestOverview, t: T, i18n: I18n): Block[] {
  const blocks: Block[] = [
    header(t("slack.escalation.title", { reference: request.reference })),
    requestFields(request, t, i18n),
    context(t("slack.escalation.progress", { waves: request.wave, offers: request.offers.total, declined: request.offers.declined, open: request.offers.open })),
  ];
  if (request.status === "SEARCHING") {
    blocks.push(
      actions(`escalation-${request.id}`, [
        button(t("slack.escalation.offerAll"), OFFER_TO_ALL, request.id, "primary"),
        button(t("slack.escalation.close"), CLOSE_REQUEST, request.id, "danger"),
      ]),
    );
  } else {
    // The note is a coordinator's free text: escaped, so that "<" or "&" in it stay text in mrkdwn.
    blocks.push(section(t(`slack.escalation.status.${request.status}`, { note: escape(request.closingNote ?? "") })));
  }
  return blocks;
}

export function register(app: SlackListeners, deps: SlackDeps): void {
  app.action<BlockButtonAction>(OFFER_TO_ALL, acknowledged(async ({ action, respond, context: ctx }: ActionArgs) => {
    deps.metrics.slackRequests.inc({ kind: "offer_to_all" });
    const t = slackT(deps, localeOf(ctx));
    const result = await memberOf(ctx).coordination.offerToAll(action.value ?? "");
    const text =
      result.kind === "offered" ? t("slack.escalation.offered", { count: result.count }) : result.kind === "not-coordinator" ? t("slack.coordinatorsOnly") : t("slack.escalation.notSearching");
    await respond({ response_type: "ephemeral", replace_original: false, text });
  }));

  app.action<BlockButtonAction>(CLOSE_REQUEST, acknowledged(async ({ action, body, client, respond, context: ctx }: ActionArgs) => {
    const t = slackT(deps, localeOf(ctx));
    if (!(await memberOf(ctx).isCoordinator())) {
      await respond({ response_type: "ephemeral", replace_original: false, text: t("slack.coordinatorsOnly") });
      return;
    }
    await client.views.open({
      trigger_id: body.trigger_id,
      view: modal({
        callbackId: CLOSE_REQUEST_MODAL,
        metadata: action.value ?? "",
        title: t("slack.escalation.closeTitle"),
        submit: t("slack.escalation.closeSubmit"),
        close: t("slack.cancel"),
        blocks: [
          section(t("slack.escalation.closeExplain")),
          {
            type: "input",
            block_id: NOTE_BLOCK,
            label: { type: "plain_text", text: t("slack.escalation.note") },
            element: textInput({ actionId: NOTE_INPUT, max: 500, multiline: true }),
          },
        ],
      }),
    });
  }));

  app.view<ViewSubmitAction>(CLOSE_REQUEST_MODAL, async ({ ack, view, context: ctx }: SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs) => {
    const t = slackT(deps, localeOf(ctx));
    const note = view.state.values[NOTE_BLOCK]?.[NOTE_INPUT]?.value?.trim() ?? "";
    if (note === "") {
      await ack({ response_action: "errors", errors: { [NOTE_BLOCK]: t("slack.escalation.noteNeeded") } });
      return;
    }
    // Asked before the modal closes, so that the answer can stand in it; core asks again as it acts.
    if (!(await memberOf(ctx).isCoordinator())) {
      await ack({ response_action: "errors", errors: { [NOTE_BLOCK]: t("slack.coordinatorsOnly") } });
      return;
    }
    await ack();
    deps.metrics.slackRequests.inc({ kind: "close_request" });
    await memberOf(ctx).coordination.closeUnmatched(view.private_metadata, note);
  });
}

/** Renders the alert from the request's current state (the outbound Slack sender uses this). */
export async function renderEscalation(deps: SlackDeps, network: NetworkView, id: string) {
  const request = await network.request(id);
  if (!request) return undefined;
  const t = slackT(deps);
  return { text: t("slack.escalation.title", { reference: request.reference }), blocks: escalationBlocks(request, t, deps.i18n) };
}

/** A newcomer keeps asking beyond the limit of open requests: the coordinators see their open requests (references only). */
export async function renderLimit(deps: SlackDeps, network: NetworkView, newcomerId: string) {
  const open = await network.openRequestsOfNewcomer(newcomerId);
  const t = slackT(deps);
  const list = open.map((r) => `• ${r.reference} · ${t(`requests.kind.${r.kind}`)} · ${t(`slack.escalation.status.${r.status}`, { note: "" })}`).join("\n");
  return {
    text: t("slack.limit.title"),
    blocks: [header(t("slack.limit.title")), section(t("slack.limit.text", { max: deps.core.settings.limits.openPerKind })), ...(list ? [section(list)] : []), context(t("slack.limit.hint"))],
  };
}
