import type { App, BlockButtonAction } from "@slack/bolt";
import type { Locale } from "../../core/i18n.js";
import { languageName } from "../../core/messages.js";
import type { VolunteerProfile } from "../../core/volunteers.js";
import { DISTRICT_NAMES, isOneOf, DISTRICTS } from "../../core/vocabulary.js";
import { ACTIONS } from "./action-ids.js";
import { actions, button, context, escape, fields, header, type Block } from "./blocks.js";
import { type ActionArgs, type SlackDeps, acknowledged, slackT } from "./context.js";

export const APPROVE_VOLUNTEER = ACTIONS.approveVolunteer;
export const REJECT_VOLUNTEER = ACTIONS.rejectVolunteer;

type T = ReturnType<typeof slackT>;

/** A registration as coordinators see it: what the volunteer offers, and Approve / Reject while pending. */
export function registrationBlocks(volunteer: VolunteerProfile, t: T, locale: Locale = "de", decidedBy?: string | null): Block[] {
  const languages = volunteer.languages.map((l) => `${languageName(l.language, locale)} (${t(`volunteer.level.${l.level}`)})`).join(", ");
  const places = volunteer.remoteOnly
    ? t("volunteer.remoteOnly")
    : volunteer.districts.map((d) => (isOneOf(DISTRICTS, d) ? DISTRICT_NAMES[d] : d)).join(", ");
  const blocks: Block[] = [
    header(t("slack.volunteer.title", { name: volunteer.firstName })),
    fields([
      `*${t("slack.volunteer.roles")}*\n${volunteer.roles.map((r) => t(`volunteer.role.${r}`)).join(", ")}`,
      `*${t("slack.volunteer.languages")}*\n${escape(languages)}`,
      `*${t("slack.volunteer.german")}*\n${t(`volunteer.german.${volunteer.germanLevel}`)}`,
      `*${t("slack.volunteer.places")}*\n${escape(places)}`,
      `*${t("slack.volunteer.capacity")}*\n${t("slack.volunteer.perWeek", { count: volunteer.weeklyCapacity })}`,
    ]),
  ];
  if (volunteer.status === "PENDING") {
    blocks.push(
      actions(`volunteer-${volunteer.id}`, [
        button(t("slack.volunteer.approve"), APPROVE_VOLUNTEER, volunteer.id, "primary"),
        button(t("slack.volunteer.reject"), REJECT_VOLUNTEER, volunteer.id, "danger"),
      ]),
    );
  } else {
    blocks.push(context(t(`slack.volunteer.decided.${volunteer.status}`, { by: decidedBy ? `<@${decidedBy}>` : "–" })));
  }
  return blocks;
}

/** Approve or Reject: the first coordinator's decision counts; the message shows it. */
export function decideCommand(deps: SlackDeps, decision: "APPROVED" | "REJECTED") {
  return async ({ body, action, respond }: ActionArgs) => {
    deps.metrics.slackRequests.inc({ kind: `volunteer_${decision.toLowerCase()}` });
    const t = slackT(deps);
    const result = await deps.core.volunteers.decide(action.value ?? "", decision, body.user.id);
    const volunteer = await deps.core.volunteers.byId(action.value ?? "");
    if (result.kind === "not-found" || !volunteer) {
      await respond({ response_type: "ephemeral", replace_original: false, text: t("slack.volunteer.gone") });
      return;
    }
    const by = result.kind === "already-decided" ? result.by : body.user.id;
    await respond({ replace_original: true, text: t("slack.volunteer.title", { name: volunteer.firstName }), blocks: registrationBlocks(volunteer, t, "de", by) });
  };
}

export function register(app: App, deps: SlackDeps): void {
  app.action<BlockButtonAction>(APPROVE_VOLUNTEER, acknowledged(decideCommand(deps, "APPROVED")));
  app.action<BlockButtonAction>(REJECT_VOLUNTEER, acknowledged(decideCommand(deps, "REJECTED")));
}
