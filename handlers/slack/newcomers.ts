import type { AllMiddlewareArgs, App, BlockButtonAction, SlackViewMiddlewareArgs, ViewSubmitAction } from "@slack/bolt";
import type { ReportView } from "../../core/reports.js";
import { ACTIONS } from "./action-ids.js";
import { requestFields } from "./alerts.js";
import { actions, button, context, escape, header, section, sections, textInput, type Block } from "./blocks.js";
import { acknowledged, localeOf, slackT, type ActionArgs, type SlackDeps, type T } from "./context.js";

/** A mentoring match waiting for a coordinator; after the decision, who decided. */
export async function renderMentoring(deps: SlackDeps, id: string) {
  const request = await deps.core.coordination.overview(id);
  if (!request) return undefined;
  const full = await deps.core.mentoring.overview(id);
  const t = slackT(deps);
  const title = t("slack.mentoring.title", { reference: request.reference });
  const blocks: Block[] = [header(title), requestFields(request, t, deps.i18n)];
  if (full?.topic) blocks.push(section(`*${t("slack.mentoring.topic")}*\n${t(`mentoring.topic.${full.topic}`)}`));
  if (request.status === "MATCHED" && !full?.confirmedAt) {
    blocks.push(section(t("slack.mentoring.offeredBy", { name: full?.volunteerName ?? "–" })));
    blocks.push(actions(`mentoring-${id}`, [button(t("slack.mentoring.confirm"), ACTIONS.confirmMentoring, id, "primary"), button(t("slack.mentoring.reject"), ACTIONS.rejectMentoring, id, "danger")]));
  } else {
    blocks.push(context(full?.confirmedAt ? t("slack.mentoring.confirmed") : t(`slack.escalation.status.${request.status}`, { note: "" })));
  }
  return { text: title, blocks };
}

export function reportBlocks(report: ReportView, t: T, deps: Pick<SlackDeps, "i18n">): Block[] {
  const how = report.erased ? "" : ` · ${report.withContact ? t("slack.report.withContact") : t("slack.report.anonymous")}`;
  const blocks: Block[] = [
    header(t("slack.report.title", { reference: report.reference })),
    // A 1,000-character report escaped for mrkdwn can pass a section's 3,000: all of it, in as many sections as it needs.
    ...sections(report.text !== null && !report.erased ? escape(report.text) : t("slack.report.erased")),
    ...(report.place ? [section(`*${t("slack.report.place")}*\n${escape(report.place)}`)] : []),
    context(`${deps.i18n.formatDateTime("de", report.createdAt)}${how}${report.handledBy ? ` · ${t("slack.report.answeredBy", { by: `<@${report.handledBy}>` })}` : ""}`),
  ];
  if (report.withContact) blocks.push(actions(`report-${report.id}`, [button(t("slack.report.answer"), ACTIONS.answerReport, report.id, "primary")]));
  return blocks;
}

export async function renderReport(deps: SlackDeps, id: string) {
  const report = await deps.core.reports.view(id);
  if (!report) return undefined;
  const t = slackT(deps);
  return { text: t("slack.report.title", { reference: report.reference }), blocks: reportBlocks(report, t, deps) };
}

export function register(app: App, deps: SlackDeps): void {
  const decide = (confirm: boolean) =>
    acknowledged(async ({ action, body, respond, context: ctx }: ActionArgs) => {
      const t = slackT(deps, localeOf(ctx));
      if (!(await deps.core.isCoordinator({ slackUserId: body.user.id }))) {
        await respond({ response_type: "ephemeral", replace_original: false, text: t("slack.coordinatorsOnly") });
        return;
      }
      deps.metrics.slackRequests.inc({ kind: confirm ? "mentoring_confirmed" : "mentoring_rejected" });
      const actor = { slackUserId: body.user.id };
      const result = confirm ? await deps.core.mentoring.confirm(actor, action.value ?? "") : await deps.core.mentoring.reject(actor, action.value ?? "");
      if (result.kind === "already-decided") await respond({ response_type: "ephemeral", replace_original: false, text: t("slack.mentoring.alreadyDecided") });
    });
  app.action<BlockButtonAction>(ACTIONS.confirmMentoring, decide(true));
  app.action<BlockButtonAction>(ACTIONS.rejectMentoring, decide(false));

  app.action<BlockButtonAction>(
    ACTIONS.answerReport,
    acknowledged(async ({ action, body, client, context: ctx }: ActionArgs) => {
      const t = slackT(deps, localeOf(ctx));
      if (!(await deps.core.isCoordinator({ slackUserId: body.user.id }))) return;
      await client.views.open({
        trigger_id: body.trigger_id,
        view: {
          type: "modal",
          callback_id: ACTIONS.answerReportModal,
          private_metadata: action.value ?? "",
          title: { type: "plain_text", text: t("slack.report.answerTitle") },
          submit: { type: "plain_text", text: t("slack.report.send") },
          close: { type: "plain_text", text: t("slack.cancel") },
          blocks: [
            section(t("slack.report.answerExplain")),
            { type: "input", block_id: "answer", label: { type: "plain_text", text: t("slack.report.answerLabel") }, element: textInput({ max: 2000, multiline: true }) },
          ],
        },
      });
    }),
  );

  app.view<ViewSubmitAction>(ACTIONS.answerReportModal, async ({ ack, view, body, context: ctx }: SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs) => {
    const t = slackT(deps, localeOf(ctx));
    const answer = view.state.values.answer?.value?.value?.trim() ?? "";
    if (!answer) {
      await ack({ response_action: "errors", errors: { answer: t("slack.escalation.noteNeeded") } });
      return;
    }
    if (!(await deps.core.isCoordinator({ slackUserId: body.user.id }))) {
      await ack({ response_action: "errors", errors: { answer: t("slack.coordinatorsOnly") } });
      return;
    }
    await ack();
    await deps.core.reports.answer({ slackUserId: body.user.id }, view.private_metadata, answer);
  });
}
