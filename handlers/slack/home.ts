import type { webApi } from "@slack/bolt";
import type { Locale } from "../../core/i18n.js";
import type { MeetingView } from "../../core/meetings.js";
import type { PollView } from "../../core/polls.js";
import { ACTIONS, choice } from "./action-ids.js";
import { actions, button, context, divider, escape, header, linkButton, section, type Block, MAX_BLOCKS, within } from "./blocks.js";
import type { Member } from "../../core/index.js";
import { mineFirst } from "../../core/working-groups.js";
import { localeOf, slackT, type SlackDeps, type T, type SlackListeners } from "./context.js";
import { publishSetupHome } from "./setup.js";
import { volunteerButtons } from "./volunteer-cards.js";


/**
 * RSVP buttons for a meeting. Only the member's own answer is marked and highlighted (App Home); where
 * everybody sees the same buttons (a channel), none is, so that no answer looks given.
 */
export function rsvpButtons(meeting: Pick<MeetingView, "id" | "myAnswer">, t: T) {
  return (["YES", "MAYBE", "NO"] as const).map((answer) => {
    const mine = meeting.myAnswer === answer;
    return button(`${mine ? "✓ " : ""}${t(`slack.meeting.rsvp.${answer}`)}`, choice(ACTIONS.rsvp, answer), `${meeting.id}:${answer}`, mine ? "primary" : undefined);
  });
}

/** A meeting in App Home: its title (with its AG where the title does not name it), when, where, the counts, the member's answer. */
export function meetingLine(meeting: MeetingView, t: T, deps: Pick<SlackDeps, "i18n">, locale: Locale): string {
  const when = deps.i18n.formatDateTime(locale, meeting.startsAt);
  // A title left empty is "Meeting: <AG>" already.
  const group = meeting.groupName && !meeting.title.includes(meeting.groupName) ? ` · ${escape(meeting.groupName)}` : "";
  const counts = t("slack.meeting.counts", { yes: meeting.counts.YES, maybe: meeting.counts.MAYBE, no: meeting.counts.NO });
  const answer = meeting.myAnswer ? `\n${t("slack.meeting.answered", { answer: t(`slack.meeting.rsvp.${meeting.myAnswer}`) })}` : "";
  return `*${escape(meeting.title)}*${group}\n${when} · ${escape(meeting.place)}\n${counts}${answer}`;
}

export function pollLine(poll: PollView, t: T): string {
  const state = poll.voted
    ? poll.anonymous
      ? t("slack.home.votedAnonymously")
      : t("slack.home.yourVote", { options: poll.options.filter((o) => poll.mine.includes(o.id)).map((o) => o.label).join(", ") })
    : t("slack.home.notVoted");
  return `*${escape(poll.question)}*\n${state}`;
}

/**
 * The member's App Home: their AGs, the next meetings and open polls of their channels with their answers,
 * events; coordinators also see the approved and suspended volunteers with what they may do.
 */
export async function homeView(deps: SlackDeps, member: Member, locale: Locale): Promise<Block[]> {
  const t = slackT(deps, locale);
  const [groups, mine, meetings, polls, events, coordinator] = await Promise.all([
    member.groups.list(),
    member.groups.mine(),
    member.home.meetings(5),
    member.home.polls(5),
    member.meetings.events(5),
    member.isCoordinator(),
  ]);
  const blocks: Block[] = [header(t("slack.home.title", { network: member.network.name })), section(`*${t("slack.home.groups")}*`)];
  const groupItems = mineFirst(groups, mine).map((group): Block[] => {
    const member = mine.has(group.id);
    return [
      {
        type: "section",
        text: { type: "mrkdwn", text: `${member ? "✅ " : ""}*${escape(group.name)}* · ${t("slack.ag.members", { count: group.memberCount })}` },
        accessory: member ? button(t("slack.ag.leave"), ACTIONS.leaveGroup, group.id) : button(t("slack.ag.join"), ACTIONS.joinGroup, group.id, "primary"),
      },
    ];
  });
  blocks.push(...within(HOME_ROOM.groups, groupItems));
  blocks.push(divider(), section(`*${t("slack.home.meetings")}*`));
  if (meetings.length === 0) blocks.push(context(t("slack.home.noMeetings")));
  for (const meeting of meetings) blocks.push(section(meetingLine(meeting, t, deps, locale)), actions(`home-rsvp-${meeting.id}`, rsvpButtons(meeting, t)));
  blocks.push(divider(), section(`*${t("slack.home.polls")}*`));
  if (polls.length === 0) blocks.push(context(t("slack.home.noPolls")));
  for (const poll of polls) {
    blocks.push(section(pollLine(poll, t)));
    if (!(poll.anonymous && poll.voted)) {
      blocks.push(actions(`home-poll-${poll.id}`, poll.options.map((o) => button(`${poll.mine.includes(o.id) ? "✓ " : ""}${o.label}`, choice(ACTIONS.vote, o.id), `${poll.id}:${o.id}`))));
    }
  }
  blocks.push(divider(), section(`*${t("slack.home.events")}*`));
  if (events.length === 0) blocks.push(context(t("slack.home.noEvents")));
  for (const event of events) {
    const when = event.startsAt ? deps.i18n.formatDateTime(locale, event.startsAt) : t("slack.home.dateToCome");
    blocks.push(section(`*${escape(event.name)}* · ${when}${event.place ? ` · ${escape(event.place)}` : ""}`));
  }
  if (coordinator) blocks.push(...(await volunteerSection(member, t)), ...posterSection(deps, member, t));
  // Each list has its share of the Home tab's 100 blocks (below); this only guards against a mistake in them.
  return blocks.slice(0, MAX_BLOCKS.home);
}

/**
 * The Home tab takes 100 blocks (Block Kit, blocks): each long list gets a share and says how many more
 * there are. Headers, dividers, 5 meetings (2 blocks each), 5 polls (2 each) and 5 events take the other 50.
 */
const HOME_ROOM = { groups: 25, volunteers: 25 } as const;

/** For coordinators: who helps, who is suspended, and a button to change that. */
async function volunteerSection(member: Member, t: T): Promise<Block[]> {
  const volunteers = await member.volunteers.vetted(500);
  const blocks: Block[] = [divider(), section(`*${t("slack.home.volunteers")}*`)];
  if (!Array.isArray(volunteers)) return [];
  if (volunteers.length === 0) blocks.push(context(t("slack.home.noVolunteers")));
  const items = volunteers.map((volunteer): Block[] => {
    const [action] = volunteerButtons(volunteer, t);
    const state = t(`slack.volunteer.decided.${volunteer.status}`, { by: volunteer.decidedBy ? `<@${volunteer.decidedBy}>` : "–" });
    const roles = volunteer.roles.map((r) => t(`volunteer.role.${r}`)).join(", ");
    return [{ type: "section", text: { type: "mrkdwn", text: `*${escape(volunteer.firstName)}* · ${roles}\n${state}` }, ...(action ? { accessory: action } : {}) }];
  });
  return [...blocks, ...within(HOME_ROOM.volunteers, items)];
}

/** For coordinators: the town's posters to print (A4) or send (picture), in every language. */
function posterSection(deps: SlackDeps, member: Member, t: T): Block[] {
  const base = `${deps.publicUrl()}/posters/${encodeURIComponent(member.network.slug)}`;
  return [divider(), section(`*${t("slack.home.posters")}*\n${t("slack.home.postersText", { url: base })}`), actions("home-posters", [linkButton(t("slack.home.postersOpen"), ACTIONS.openPosters, base)])];
}

export async function publishHome(deps: SlackDeps, client: webApi.WebClient, member: Member, locale: Locale): Promise<void> {
  await client.views.publish({ user_id: member.actor.slackUserId, view: { type: "home", blocks: await homeView(deps, member, locale) } });
}

export function register(app: SlackListeners, deps: SlackDeps): void {
  app.event("app_home_opened", async ({ event, client, context: ctx }) => {
    if (event.tab !== "home") return;
    deps.metrics.slackRequests.inc({ kind: "app_home" });
    const member = ctx.member as Member | undefined;
    // A workspace not linked to a network yet: its Home tab is where a coordinator links it.
    if (!member) return publishSetupHome(deps, client, event.user, localeOf(ctx));
    await publishHome(deps, client, member, localeOf(ctx));
  });
}
