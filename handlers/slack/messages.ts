import type { SlackTemplate } from "../../core/outbox.js";
import { renderEscalation, renderLimit } from "./alerts.js";
import type { Block } from "./blocks.js";
import type { SlackDeps } from "./context.js";
import { renderDigest } from "./digest.js";
import { renderAnnouncement, renderNudge, renderReminder } from "./meetings.js";
import { renderMentoring, renderReport } from "./newcomers.js";
import { renderPoll, renderPollResults } from "./polls.js";
import { renderChanges, renderRegistration } from "./volunteers.js";

type Rendered = { text: string; blocks?: Block[] } | undefined;

/**
 * Renders the Slack messages that core asks to post, by template, from the entity's current state. One
 * renderer per template: a template without one does not compile.
 */
export function createSlackRenderer(deps: SlackDeps): (template: SlackTemplate, id: string) => Promise<Rendered> {
  const renderers: Record<SlackTemplate, (id: string) => Promise<Rendered>> = {
    "volunteer-registration": (id) => renderRegistration(deps, id),
    "volunteer-changes": (id) => renderChanges(deps, id),
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
