import type { SlackTemplate } from "../../core/outbox.js";
import { renderEscalation, renderLimit } from "./alerts.js";
import { section, type Block } from "./blocks.js";
import { slackT, type SlackDeps } from "./context.js";
import { renderDigest } from "./digest.js";
import { renderAnnouncement, renderNudge, renderReminder } from "./meetings.js";
import { renderMentoring, renderReport } from "./newcomers.js";
import { renderPoll, renderPollResults } from "./polls.js";
import { renderChanges, renderRegistration } from "./volunteers.js";

type Rendered = { text: string; blocks?: Block[] } | undefined;

/**
 * Renders the Slack messages that core asks to post, by template, from the entity's current state. One
 * renderer per template: a template without one does not compile. The fallback `text` is mrkdwn for Slack
 * (notifications, screen readers): whatever a person typed into it is escaped, so that a poll question
 * cannot call `<!channel>`.
 */
export function createSlackRenderer(deps: SlackDeps): (template: SlackTemplate, id: string) => Promise<Rendered> {
  // A volunteer's card is only ever updated once the volunteer is gone when they erased their data: it says so.
  const orErased = async (rendered: Promise<Rendered>): Promise<Rendered> => {
    const t = slackT(deps);
    return (await rendered) ?? { text: t("slack.volunteer.erased"), blocks: [section(t("slack.volunteer.erased"))] };
  };
  const renderers: Record<SlackTemplate, (id: string) => Promise<Rendered>> = {
    "volunteer-registration": (id) => orErased(renderRegistration(deps, id)),
    "volunteer-changes": (id) => orErased(renderChanges(deps, id)),
    "request-limit": (id) => renderLimit(deps, id),
    "request-escalation": (id) => renderEscalation(deps, id),
    "mentoring-confirmation": (id) => renderMentoring(deps, id),
    "discrimination-report": (id) => renderReport(deps, id),
    "meeting-announcement": (id) => renderAnnouncement(deps, id),
    "meeting-reminder": (id) => renderReminder(deps, id),
    "meeting-nudge": (id) => renderNudge(deps, id),
    poll: (id) => renderPoll(deps, id),
    "poll-results": (id) => renderPollResults(deps, id),
    "weekly-digest": () => renderDigest(deps),
  };
  return (template, id) => renderers[template](id);
}
