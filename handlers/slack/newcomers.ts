import type { AllMiddlewareArgs, BlockButtonAction, SlackViewMiddlewareArgs, ViewSubmitAction } from "@slack/bolt";
import type { ReportView } from "../../core/reports.js";
import { ACTIONS } from "./action-ids.js";
import { requestFields } from "./alerts.js";
import { actions, type Block, button, context, escape, header, modal, section, sections, textInput } from "./blocks.js";
import { acknowledged, localeOf, memberOf, slackT, type ActionArgs, type NetworkView, type SlackDeps, type T, type SlackListeners } from "./context.js";

/** A mentoring match waiting for a coordinator; after the decision, who decided. */
export async function renderMentoring(deps: SlackDeps, network: NetworkView, id: string) {
  const request = await network.request(id);
  if (!request) return undefined;
  const full = await network.mentoring(id);
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

export async function renderReport(deps: SlackDeps, network: NetworkView, id: string) {
  const report = await network.report(id);
  if (!report) return undefined;
  const t = slackT(deps);
  return { text: t("slack.report.title", { reference: report.reference }), blocks: reportBlocks(report, t, deps) };
}

export function register(app: SlackListeners, deps: SlackDeps): void {
  const decide = (confirm: boolean) =>
    acknowledged(async ({ action, respond, context: ctx }: ActionArgs) => {
      const t = slackT(deps, localeOf(ctx));
      const member = memberOf(ctx);
      const result = confirm ? await member.mentoring.confirm(action.value ?? "") : await member.mentoring.reject(action.value ?? "");
      if (result.kind === "not-coordinator") {
        await respond({ response_type: "ephemeral", replace_original: false, text: t("slack.coordinatorsOnly") });
        return;
      }
      deps.metrics.slackRequests.inc({ kind: confirm ? "mentoring_confirmed" : "mentoring_rejected" });
      if (result.kind === "already-decided") await respond({ response_type: "ephemeral", replace_original: false, text: t("slack.mentoring.alreadyDecided") });
    });
  app.action<BlockButtonAction>(ACTIONS.confirmMentoring, decide(true));
  app.action<BlockButtonAction>(ACTIONS.rejectMentoring, decide(false));

  app.action<BlockButtonAction>(
    ACTIONS.answerReport,
    acknowledged(async ({ action, body, client, context: ctx }: ActionArgs) => {
      const t = slackT(deps, localeOf(ctx));
      if (!(await memberOf(ctx).isCoordinator())) return;
      await client.views.open({
        trigger_id: body.trigger_id,
        view: modal({
          callbackId: ACTIONS.answerReportModal,
          metadata: action.value ?? "",
          title: t("slack.report.answerTitle"),
          submit: t("slack.report.send"),
          close: t("slack.cancel"),
          blocks: [
            section(t("slack.report.answerExplain")),
            { type: "input", block_id: "answer", label: { type: "plain_text", text: t("slack.report.answerLabel") }, element: textInput({ max: 2000, multiline: true }) },
          ],
        }),
      });
    }),
  );

  app.view<ViewSubmitAction>(ACTIONS.answerReportModal, async ({ ack, view, context: ctx }: SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs) => {
    const t = slackT(deps, localeOf(ctx));
    const answer = view.state.values.answer?.value?.value?.trim() ?? "";
    if (!answer) {
      await ack({ response_action: "errors", errors: { answer: t("slack.escalation.noteNeeded") } });
      return;
    }
    const member = memberOf(ctx);
    if (!(await member.isCoordinator())) {
      await ack({ response_action: "errors", errors: { answer: t("slack.coordinatorsOnly") } });
      return;
    }
    await ack();
    await member.reports.answer(view.private_metadata, answer);
  });
}
