import { ESCALATION_TEMPLATE } from "../../core/dispatch.js";
import { ANNOUNCEMENT_TEMPLATE, MEETING_NUDGE_TEMPLATE, MEETING_REMINDER_TEMPLATE } from "../../core/meetings.js";
import { POLL_RESULTS_TEMPLATE, POLL_TEMPLATE } from "../../core/polls.js";
import { MENTORING_TEMPLATE } from "../../core/offers.js";
import { REPORT_TEMPLATE } from "../../core/reports.js";
import { REGISTRATION_TEMPLATE, volunteerById } from "../../core/volunteers.js";

/** Posted by the weekly job; its id is the week. */
export const DIGEST_TEMPLATE = "weekly-digest";
import { renderEscalation } from "./alerts.js";
import type { Block } from "./blocks.js";
import { slackT, type SlackDeps } from "./context.js";
import { renderDigest } from "./digest.js";
import { renderAnnouncement, renderNudge, renderReminder } from "./meetings.js";
import { renderMentoring, renderReport } from "./newcomers.js";
import { renderPoll, renderPollResults } from "./polls.js";
import { registrationBlocks } from "./volunteers.js";


type Rendered = { text: string; blocks?: Block[] } | undefined;

/** Renders the Slack messages that core asks to post, by template, from the entity's current state. */
export function createSlackRenderer(deps: SlackDeps) {
  const templates: Record<string, (id: string) => Promise<Rendered>> = {
    [REGISTRATION_TEMPLATE]: async (id) => {
      const volunteer = await volunteerById(deps.db, id);
      if (!volunteer) return undefined;
      const t = slackT(deps);
      return { text: t("slack.volunteer.title", { name: volunteer.firstName }), blocks: registrationBlocks(volunteer, t) };
    },
    [ESCALATION_TEMPLATE]: (id) => renderEscalation(deps, id),
    [ANNOUNCEMENT_TEMPLATE]: (id) => renderAnnouncement(deps, id),
    [MEETING_REMINDER_TEMPLATE]: (id) => renderReminder(deps, id),
    [MEETING_NUDGE_TEMPLATE]: (id) => renderNudge(deps, id),
    [POLL_TEMPLATE]: (id) => renderPoll(deps, id),
    [POLL_RESULTS_TEMPLATE]: (id) => renderPollResults(deps, id),
    [DIGEST_TEMPLATE]: () => renderDigest(deps),
    [MENTORING_TEMPLATE]: (id) => renderMentoring(deps, id),
    [REPORT_TEMPLATE]: (id) => renderReport(deps, id),
  };
  return async (template: string, id: string): Promise<Rendered> => {
    const render = templates[template];
    if (!render) throw new Error(`no Slack template ${template}`);
    return render(id);
  };
}
