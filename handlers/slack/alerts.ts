import type { AllMiddlewareArgs, App, BlockButtonAction, SlackViewMiddlewareArgs, ViewSubmitAction } from "@slack/bolt";
import type { RequestOverview } from "../../core/coordination.js";
import type { I18n } from "../../core/i18n.js";
import { languageName } from "../../core/messages.js";
import { DISTRICT_NAMES, DISTRICTS, isOneOf } from "../../core/vocabulary.js";
import { ACTIONS } from "./action-ids.js";
import { actions, button, context, fields, header, section, type Block } from "./blocks.js";
import { type ActionArgs, type SlackDeps, acknowledged, slackT } from "./context.js";

export const OFFER_TO_ALL = ACTIONS.offerToAll;
export const CLOSE_REQUEST = ACTIONS.closeRequest;
export const CLOSE_REQUEST_MODAL = ACTIONS.closeRequestModal;
const NOTE_BLOCK = "note";
const NOTE_INPUT = "note_input";

type T = ReturnType<typeof slackT>;

/** Anonymised facts of a request, for coordinators (never a name, a note, a place). */
export function requestFields(request: RequestOverview, t: T, i18n: I18n): Block {
  const when = request.appointmentAt ? i18n.formatDateTime("de", request.appointmentAt) : t("mediation.asap");
  const district = request.district && isOneOf(DISTRICTS, request.district) ? DISTRICT_NAMES[request.district] : t("slack.request.remote");
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
    blocks.push(section(t(`slack.escalation.status.${request.status}`, { note: request.closingNote ?? "" })));
  }
  return blocks;
}

export function register(app: App, deps: SlackDeps): void {
  app.action<BlockButtonAction>(OFFER_TO_ALL, acknowledged(async ({ action, respond }: ActionArgs) => {
    deps.metrics.slackRequests.inc({ kind: "offer_to_all" });
    const t = slackT(deps);
    const result = await deps.core.coordination.offerToAll(action.value ?? "");
    const text = result.kind === "offered" ? t("slack.escalation.offered", { count: result.count }) : t("slack.escalation.notSearching");
    await respond({ response_type: "ephemeral", replace_original: false, text });
  }));

  app.action<BlockButtonAction>(CLOSE_REQUEST, acknowledged(async ({ action, body, client }: ActionArgs) => {
    const t = slackT(deps);
    await client.views.open({
      trigger_id: body.trigger_id,
      view: {
        type: "modal",
        callback_id: CLOSE_REQUEST_MODAL,
        private_metadata: action.value ?? "",
        title: { type: "plain_text", text: t("slack.escalation.closeTitle") },
        submit: { type: "plain_text", text: t("slack.escalation.closeSubmit") },
        close: { type: "plain_text", text: t("slack.cancel") },
        blocks: [
          section(t("slack.escalation.closeExplain")),
          {
            type: "input",
            block_id: NOTE_BLOCK,
            label: { type: "plain_text", text: t("slack.escalation.note") },
            element: { type: "plain_text_input", action_id: NOTE_INPUT, multiline: true, max_length: 500 },
          },
        ],
      },
    });
  }));

  app.view<ViewSubmitAction>(CLOSE_REQUEST_MODAL, async ({ ack, view }: SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs) => {
    const note = view.state.values[NOTE_BLOCK]?.[NOTE_INPUT]?.value?.trim() ?? "";
    if (note === "") {
      await ack({ response_action: "errors", errors: { [NOTE_BLOCK]: slackT(deps)("slack.escalation.noteNeeded") } });
      return;
    }
    await ack();
    deps.metrics.slackRequests.inc({ kind: "close_request" });
    await deps.core.coordination.closeUnmatched(view.private_metadata, note);
  });
}

/** Renders the alert from the request's current state (the outbound Slack sender uses this). */
export async function renderEscalation(deps: SlackDeps, id: string) {
  const request = await deps.core.coordination.overview(id);
  if (!request) return undefined;
  const t = slackT(deps);
  return { text: t("slack.escalation.title", { reference: request.reference }), blocks: escalationBlocks(request, t, deps.i18n) };
}
