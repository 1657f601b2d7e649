import type { AllMiddlewareArgs, BlockButtonAction, SlackCommandMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction, webApi } from "@slack/bolt";
import type { Locale } from "../../core/i18n.js";
import { RSVP_ANSWERS, type MeetingView, type Rsvp } from "../../core/meetings.js";
import { ACTIONS, anyChoice } from "./action-ids.js";
import { actions, type Block, button, context, escape, header, modal, option, section, sections, selectOptions, textInput } from "./blocks.js";
import type { Member } from "../../core/index.js";
import { type ActionArgs, type NetworkView, type SlackDeps, type T, acknowledged, localeOf, memberOf, slackT, type SlackListeners } from "./context.js";
import { publishHome, rsvpButtons } from "./home.js";

const NETWORK = "network";

/** The announcement in the AG's channel: time, place, agenda, live counts, RSVP and calendar buttons. */
export function announcementBlocks(meeting: MeetingView, t: T, deps: Pick<SlackDeps, "i18n" | "publicUrl">, locale: Locale = "de"): Block[] {
  const when = deps.i18n.formatDateTime(locale, meeting.startsAt);
  const blocks: Block[] = [
    header(`${meeting.status === "CANCELLED" ? "✖️ " : "📅 "}${meeting.title}`),
    // A 2,000-character agenda escaped for mrkdwn can pass a section's 3,000: all of it, in as many sections as it needs.
    ...sections(
      [
        meeting.groupName ? `*${escape(meeting.groupName)}*` : "",
        `*${t("slack.meeting.when")}:* ${when}`,
        `*${t("slack.meeting.where")}:* ${escape(meeting.place)}`,
        meeting.agenda ? `*${t("slack.meeting.agenda")}:*\n${escape(meeting.agenda)}` : "",
      ]
        .filter(Boolean)
        .join("\n"),
    ),
  ];
  if (meeting.status === "CANCELLED") {
    blocks.push(context(t("slack.meeting.cancelled")));
    return blocks;
  }
  blocks.push(context(t("slack.meeting.counts", { yes: meeting.counts.YES, maybe: meeting.counts.MAYBE, no: meeting.counts.NO })));
  blocks.push(actions(`rsvp-${meeting.id}`, rsvpButtons({ id: meeting.id }, t)));
  blocks.push({
    type: "actions",
    block_id: `manage-${meeting.id}`,
    elements: [
      { type: "button", text: { type: "plain_text", text: t("slack.meeting.calendar") }, url: `${deps.publicUrl()}/meetings/${meeting.id}.ics`, action_id: ACTIONS.calendar },
      button(t("slack.meeting.reschedule"), ACTIONS.rescheduleMeeting, meeting.id),
      button(t("slack.meeting.cancel"), ACTIONS.cancelMeeting, meeting.id, "danger"),
    ],
  });
  return blocks;
}

type Prefill = { meetingId?: string; groupId?: string | null; title?: string; startsAt?: Date; place?: string; agenda?: string | null };

async function meetingModal(deps: SlackDeps, member: Member, t: T, prefill: Prefill): Promise<webApi.ViewsOpenArguments["view"]> {
  const groups = await member.groups.list();
  const options = [
    option(t("slack.meeting.network"), NETWORK),
    ...groups.map((g) => option(g.name, g.id)),
  ];
  const initialGroup = options.find((o) => o.value === (prefill.groupId ?? (prefill.meetingId ? NETWORK : undefined)));
  const day = prefill.startsAt ? new Intl.DateTimeFormat("en-CA", { timeZone: deps.core.settings.timeZone }).format(prefill.startsAt) : undefined;
  const time = prefill.startsAt
    ? new Intl.DateTimeFormat("en-GB", { timeZone: deps.core.settings.timeZone, hour: "2-digit", minute: "2-digit" }).format(prefill.startsAt)
    : undefined;
  const rescheduling = prefill.meetingId !== undefined;
  return modal({
    callbackId: ACTIONS.meetingModal,
    metadata: JSON.stringify({ meetingId: prefill.meetingId }),
    title: t(rescheduling ? "slack.meeting.rescheduleTitle" : "slack.meeting.title"),
    submit: t("slack.meeting.submit"),
    close: t("slack.cancel"),
    blocks: [
      ...(rescheduling
        ? []
        : [
            {
              type: "input" as const,
              block_id: "group",
              label: { type: "plain_text" as const, text: t("slack.meeting.group") },
              element: { type: "static_select" as const, action_id: "value", ...selectOptions(options), ...(initialGroup ? { initial_option: initialGroup } : {}) },
            },
            {
              type: "input" as const,
              block_id: "title",
              optional: true,
              label: { type: "plain_text" as const, text: t("slack.meeting.name") },
              element: textInput({ initial: prefill.title, max: 120 }),
            },
          ]),
      {
        type: "input",
        block_id: "day",
        label: { type: "plain_text", text: t("slack.meeting.day") },
        element: { type: "datepicker", action_id: "value", ...(day ? { initial_date: day } : {}) },
      },
      {
        type: "input",
        block_id: "time",
        label: { type: "plain_text", text: t("slack.meeting.time") },
        element: { type: "timepicker", action_id: "value", ...(time ? { initial_time: time } : {}) },
      },
      {
        type: "input",
        block_id: "place",
        label: { type: "plain_text", text: t("slack.meeting.place") },
        element: textInput({ initial: prefill.place, max: 300 }),
      },
      {
        type: "input",
        block_id: "agenda",
        optional: true,
        label: { type: "plain_text", text: t("slack.meeting.agenda") },
        element: textInput({ initial: prefill.agenda, max: 2000, multiline: true }),
      },
    ],
  });
}

/** Opens the meeting modal, for coordinators; others are told who may schedule meetings. */
export async function openMeetingModal(deps: SlackDeps, client: webApi.WebClient, triggerId: string, member: Member, locale: Locale, prefill: Prefill = {}): Promise<boolean> {
  if (!(await member.isCoordinator())) return false;
  await client.views.open({ trigger_id: triggerId, view: await meetingModal(deps, member, slackT(deps, locale), prefill) });
  return true;
}

export function register(app: SlackListeners, deps: SlackDeps): void {
  app.command("/meeting", async ({ ack, command, client, context: ctx }: SlackCommandMiddlewareArgs & AllMiddlewareArgs) => {
    const t = slackT(deps, localeOf(ctx));
    deps.metrics.slackRequests.inc({ kind: "command_meeting" });
    const member = memberOf(ctx);
    if (!(await member.isCoordinator())) {
      await ack({ response_type: "ephemeral", text: t("slack.coordinatorsOnly") });
      return;
    }
    await ack();
    await openMeetingModal(deps, client, command.trigger_id, member, localeOf(ctx));
  });

  app.view<ViewSubmitAction>(ACTIONS.meetingModal, async ({ ack, view, context: ctx }: SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs) => {
    const t = slackT(deps, localeOf(ctx));
    const values = view.state.values;
    const day = values.day?.value?.selected_date ?? undefined;
    const time = values.time?.value?.selected_time ?? undefined;
    const place = values.place?.value?.value?.trim() ?? "";
    const agenda = values.agenda?.value?.value?.trim() || null;
    const start = deps.core.meetings.start(day, time);
    if (start.kind !== "ok") {
      await ack({ response_action: "errors", errors: { day: t("slack.meeting.future") } });
      return;
    }
    const { startsAt } = start;
    const member = memberOf(ctx);
    if (!(await member.isCoordinator())) {
      await ack({ response_action: "errors", errors: { place: t("slack.coordinatorsOnly") } });
      return;
    }
    const { meetingId } = JSON.parse(view.private_metadata || "{}") as { meetingId?: string };
    await ack();
    deps.metrics.slackRequests.inc({ kind: meetingId ? "meeting_rescheduled" : "meeting_scheduled" });
    if (meetingId) {
      await member.meetings.reschedule(meetingId, { startsAt, place, agenda });
      return;
    }
    const selected = values.group?.value?.selected_option?.value ?? NETWORK;
    const groupId = selected === NETWORK ? null : selected;
    const groupName = groupId ? (await member.groups.list()).find((g) => g.id === groupId)?.name : undefined;
    const title = values.title?.value?.value?.trim() || (groupName ? t("slack.meeting.defaultTitle", { group: groupName }) : t("slack.meeting.networkTitle"));
    await member.meetings.schedule({ groupId, title, startsAt, place, agenda });
  });

  // The link opens in the browser; the click only needs its acknowledgement.
  app.action<BlockButtonAction>(ACTIONS.calendar, async ({ ack }) => ack());

  app.action<BlockButtonAction>(anyChoice(ACTIONS.rsvp), acknowledged(async ({ body, action, client, respond, context: ctx }: ActionArgs) => {
    deps.metrics.slackRequests.inc({ kind: "rsvp" });
    const t = slackT(deps, localeOf(ctx));
    const [meetingId = "", answer = ""] = (action.value ?? "").split(":");
    if (!RSVP_ANSWERS.includes(answer as Rsvp)) return;
    const member = memberOf(ctx);
    const result = await member.meetings.rsvp(meetingId, answer as Rsvp);
    if (body.container.type === "view") {
      await publishHome(deps, client, member, localeOf(ctx));
      return;
    }
    const text = result.kind === "answered" ? t("slack.meeting.answered", { answer: t(`slack.meeting.rsvp.${result.answer}`) }) : t("slack.meeting.closed");
    await respond({ response_type: "ephemeral", replace_original: false, text });
  }));

  app.action<BlockButtonAction>(ACTIONS.rescheduleMeeting, acknowledged(async ({ body, action, client, respond, context: ctx }: ActionArgs) => {
    const member = memberOf(ctx);
    const meeting = await member.meetings.view(action.value ?? "");
    if (!meeting) return;
    const opened = await openMeetingModal(deps, client, body.trigger_id, member, localeOf(ctx), {
      meetingId: meeting.id,
      startsAt: meeting.startsAt,
      place: meeting.place,
      agenda: meeting.agenda,
    });
    if (!opened) await respond({ response_type: "ephemeral", replace_original: false, text: slackT(deps, localeOf(ctx))("slack.coordinatorsOnly") });
  }));

  app.action<BlockButtonAction>(ACTIONS.cancelMeeting, acknowledged(async ({ action, respond, context: ctx }: ActionArgs) => {
    const t = slackT(deps, localeOf(ctx));
    const result = await memberOf(ctx).meetings.cancel(action.value ?? "");
    if (result.kind === "not-coordinator") {
      await respond({ response_type: "ephemeral", replace_original: false, text: t("slack.coordinatorsOnly") });
      return;
    }
    deps.metrics.slackRequests.inc({ kind: "meeting_cancelled" });
  }));

  // The calendar button is a link; Slack still sends the click, which needs an acknowledgement.
  app.action("meeting_ics", async ({ ack }) => {
    await ack();
  });
}

/** Renders the announcement (post or update) from the meeting's current state. */
export async function renderAnnouncement(deps: SlackDeps, network: NetworkView, id: string) {
  const meeting = await network.meeting(id);
  if (!meeting) return undefined;
  const t = slackT(deps);
  return { text: `${escape(meeting.title)} – ${deps.i18n.formatDateTime("de", meeting.startsAt)}`, blocks: announcementBlocks(meeting, t, deps) };
}

/** The reminder in the channel, with the RSVP buttons once more. */
export async function renderReminder(deps: SlackDeps, network: NetworkView, id: string) {
  const meeting = await network.meeting(id);
  if (!meeting || meeting.status === "CANCELLED") return undefined;
  const t = slackT(deps);
  const text = escape(t("slack.meeting.reminder", { title: meeting.title, when: deps.i18n.formatDateTime("de", meeting.startsAt), place: meeting.place }));
  return { text, blocks: [section(`⏰ ${text}`), actions(`reminder-${meeting.id}`, rsvpButtons({ id: meeting.id }, t))] };
}

/** A direct nudge to an AG member who has not answered yet. */
export async function renderNudge(deps: SlackDeps, network: NetworkView, id: string) {
  const meeting = await network.meeting(id);
  if (!meeting || meeting.status === "CANCELLED") return undefined;
  const t = slackT(deps);
  const text = escape(t("slack.meeting.nudge", { title: meeting.title, when: deps.i18n.formatDateTime("de", meeting.startsAt) }));
  return { text, blocks: [section(`👋 ${text}`), actions(`nudge-${meeting.id}`, rsvpButtons({ id: meeting.id }, t))] };
}
