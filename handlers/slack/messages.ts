import type { SlackTemplate } from "../../core/outbox.js";
import { renderEscalation } from "./alerts.js";
import { escape, section, type Block } from "./blocks.js";
import { slackT, type SlackDeps } from "./context.js";
import { renderDigest } from "./digest.js";
import { renderAnnouncement, renderNudge, renderReminder } from "./meetings.js";
import { renderMentoring, renderReport } from "./newcomers.js";
import { renderPoll, renderPollResults } from "./polls.js";
import { registrationBlocks } from "./volunteers.js";

type Rendered = { text: string; blocks?: Block[] } | undefined;

/**
 * Renders the Slack messages that core asks to post, by template, from the entity's current state. One
 * renderer per template: a template without one does not compile. The fallback `text` is mrkdwn for Slack
 * (notifications, screen readers): whatever a person typed into it is escaped, so that a poll question
 * cannot call `<!channel>`.
 */
export function createSlackRenderer(deps: SlackDeps): (template: SlackTemplate, id: string) => Promise<Rendered> {
  const renderers: Record<SlackTemplate, (id: string) => Promise<Rendered>> = {
    "volunteer-registration": async (id) => {
      const volunteer = await deps.core.volunteers.byId(id);
      const t = slackT(deps);
      // Only ever asked to update a card whose volunteer erased their data: what is left is that it was erased.
      if (!volunteer) return { text: t("slack.volunteer.erased"), blocks: [section(t("slack.volunteer.erased"))] };
      return { text: escape(t("slack.volunteer.title", { name: volunteer.firstName })), blocks: registrationBlocks(volunteer, t) };
    },
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
