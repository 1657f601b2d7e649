import type { SlackTemplate } from "../../core/outbox.js";
import { renderEscalation, renderLimit } from "./alerts.js";
import { section, type Block } from "./blocks.js";
import { slackT, type NetworkView, type SlackDeps } from "./context.js";
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
export function createSlackRenderer(deps: SlackDeps): (template: SlackTemplate, id: string, networkId: string) => Promise<Rendered> {
  // A volunteer's card is only ever updated once the volunteer is gone when they erased their data: it says so.
  const orErased = async (rendered: Promise<Rendered>): Promise<Rendered> => {
    const t = slackT(deps);
    return (await rendered) ?? { text: t("slack.volunteer.erased"), blocks: [section(t("slack.volunteer.erased"))] };
  };
  const renderers: Record<SlackTemplate, (network: NetworkView, id: string) => Promise<Rendered>> = {
    "volunteer-registration": (network, id) => orErased(renderRegistration(deps, network, id)),
    "volunteer-changes": (network, id) => orErased(renderChanges(deps, network, id)),
    "request-limit": (network, id) => renderLimit(deps, network, id),
    "request-escalation": (network, id) => renderEscalation(deps, network, id),
    "mentoring-confirmation": (network, id) => renderMentoring(deps, network, id),
    "discrimination-report": (network, id) => renderReport(deps, network, id),
    "meeting-announcement": (network, id) => renderAnnouncement(deps, network, id),
    "meeting-reminder": (network, id) => renderReminder(deps, network, id),
    "meeting-nudge": (network, id) => renderNudge(deps, network, id),
    poll: (network, id) => renderPoll(deps, network, id),
    "poll-results": (network, id) => renderPollResults(deps, network, id),
    "weekly-digest": (network) => renderDigest(deps, network),
  };
  // Each message is rendered from its own network's things only: the network its outbox row names.
  return (template, id, networkId) => renderers[template](deps.core.inNetwork(networkId), id);
}
