import type { AllMiddlewareArgs, BlockButtonAction, SlackCommandMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction, webApi } from "@slack/bolt";
import { MAX_OPTIONS, winners, type PollDraft, type PollField, type PollView } from "../../core/polls.js";
import { ACTIONS, anyChoice, choice } from "./action-ids.js";
import { actions, type Block, button, context, escape, header, modal, option, section, textInput } from "./blocks.js";
import { type ActionArgs, type SlackDeps, type T, acknowledged, localeOf, slackT, memberOf, type NetworkView, type SlackListeners } from "./context.js";
import { publishHome } from "./home.js";
import { openMeetingModal } from "./meetings.js";

const BAR = 12;

function bar(count: number, total: number): string {
  const filled = total === 0 ? 0 : Math.round((count / total) * BAR);
  return "▓".repeat(filled) + "░".repeat(BAR - filled);
}

/** The poll message: question, a live tally per option, vote buttons while open. */
export function pollBlocks(poll: PollView, t: T, deps: Pick<SlackDeps, "i18n">): Block[] {
  const total = poll.options.reduce((sum, o) => sum + o.count, 0);
  const blocks: Block[] = [header(`📊 ${poll.question}`)];
  for (const option of poll.options) {
    const voters = poll.anonymous || option.voters.length === 0 ? "" : `\n${option.voters.map((v) => `<@${v}>`).join(" ")}`;
    blocks.push(section(`*${escape(option.label)}*\n\`${bar(option.count, total)}\` ${option.count}${voters}`));
  }
  const facts = [
    poll.multiple ? t("slack.poll.multiple") : t("slack.poll.single"),
    ...(poll.anonymous ? [t("slack.poll.anonymous")] : []),
    poll.closesAt ? t("slack.poll.closes", { when: deps.i18n.formatDateTime("de", poll.closesAt) }) : t("slack.poll.noDeadline"),
    t("slack.poll.participants", { count: poll.participants }),
  ];
  blocks.push(context(facts.join(" · ")));
  if (poll.status === "OPEN") {
    blocks.push(actions(`vote-${poll.id}`, poll.options.map((o) => button(o.label, choice(ACTIONS.vote, o.id), `${poll.id}:${o.id}`))));
    blocks.push(actions(`close-${poll.id}`, [button(t("slack.poll.close"), ACTIONS.closePoll, poll.id)]));
  } else {
    blocks.push(context(t("slack.poll.closed")));
  }
  return blocks;
}

export function resultBlocks(poll: PollView, t: T): Block[] {
  const top = winners(poll);
  const result =
    top.length === 0 ? t("slack.poll.noVotes") : t(top.length === 1 ? "slack.poll.winner" : "slack.poll.tie", { options: top.map((o) => o.label).join(", "), count: top[0]?.count ?? 0 });
  const blocks: Block[] = [section(`🏁 *${escape(poll.question)}*\n${escape(result)}`)];
  const winner = top[0];
  if (poll.datePoll && top.length === 1 && winner?.startsAt) {
    blocks.push(actions(`to-meeting-${poll.id}`, [button(t("slack.poll.toMeeting"), ACTIONS.meetingFromPoll, `${poll.id}:${winner.id}`, "primary")]));
  }
  return blocks;
}

function pollModal(t: T): webApi.ViewsOpenArguments["view"] {
  const flag = (value: string, key: string) => option(t(key), value);
  return modal({
    callbackId: ACTIONS.pollModal,
    title: t("slack.poll.title"),
    submit: t("slack.poll.submit"),
    close: t("slack.cancel"),
    blocks: [
      { type: "input", block_id: "question", label: { type: "plain_text", text: t("slack.poll.question") }, element: textInput({ max: 300 }) },
      {
        type: "input",
        block_id: "options",
        label: { type: "plain_text", text: t("slack.poll.options") },
        hint: { type: "plain_text", text: t("slack.poll.optionsHint") },
        element: textInput({ multiline: true }),
      },
      {
        type: "input",
        block_id: "flags",
        optional: true,
        label: { type: "plain_text", text: t("slack.poll.settings") },
        element: { type: "checkboxes", action_id: "value", options: [flag("multiple", "slack.poll.multiple"), flag("anonymous", "slack.poll.anonymous"), flag("date", "slack.poll.datePoll")] },
      },
      { type: "input", block_id: "day", optional: true, label: { type: "plain_text", text: t("slack.poll.deadlineDay") }, element: { type: "datepicker", action_id: "value" } },
      { type: "input", block_id: "time", optional: true, label: { type: "plain_text", text: t("slack.poll.deadlineTime") }, element: { type: "timepicker", action_id: "value" } },
    ],
  });
}

/** The modal's block that shows a problem with each part of a poll. */
const BLOCK_OF: Record<PollField, string> = { question: "question", options: "options", flags: "flags", deadline: "day" };

/** The modal's answers, as a draft for core's one check of a poll. */
function draftFromModal(values: ViewSubmitAction["view"]["state"]["values"]): PollDraft {
  const flags = new Set((values.flags?.value?.selected_options ?? []).map((o) => o.value));
  const day = values.day?.value?.selected_date;
  const time = values.time?.value?.selected_time;
  return {
    question: values.question?.value?.value ?? "",
    labels: (values.options?.value?.value ?? "").split("\n"),
    multiple: flags.has("multiple"),
    anonymous: flags.has("anonymous"),
    datePoll: flags.has("date"),
    ...(day ? { deadline: { day, ...(time ? { time } : {}) } } : {}),
  };
}

export function register(app: SlackListeners, deps: SlackDeps): void {
  app.command("/poll", async ({ ack, command, client, context: ctx }: SlackCommandMiddlewareArgs & AllMiddlewareArgs) => {
    const t = slackT(deps, localeOf(ctx));
    deps.metrics.slackRequests.inc({ kind: "command_poll" });
    if (command.text.trim() === "") {
      await ack();
      await client.views.open({ trigger_id: command.trigger_id, view: { ...pollModal(t), private_metadata: command.channel_id } });
      return;
    }
    const parsed = deps.core.polls.parseCommand(command.text);
    if ("error" in parsed) {
      await ack({ response_type: "ephemeral", text: `${t(parsed.error, parsed.params)}\n${t("slack.poll.error.usage")}` });
      return;
    }
    await ack();
    await memberOf(ctx).polls.create(parsed, command.channel_id);
  });

  app.view<ViewSubmitAction>(ACTIONS.pollModal, async ({ ack, view, context: ctx }: SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs) => {
    const t = slackT(deps, localeOf(ctx));
    const poll = deps.core.polls.check(draftFromModal(view.state.values));
    if ("error" in poll) {
      await ack({ response_action: "errors", errors: { [BLOCK_OF[poll.field]]: t(poll.error, { max: MAX_OPTIONS, text: "", ...poll.params }) } });
      return;
    }
    await ack();
    await memberOf(ctx).polls.create(poll, view.private_metadata);
  });

  app.action<BlockButtonAction>(anyChoice(ACTIONS.vote), acknowledged(async ({ body, action, client, respond, context: ctx }: ActionArgs) => {
    deps.metrics.slackRequests.inc({ kind: "vote" });
    const t = slackT(deps, localeOf(ctx));
    const [pollId = "", optionId = ""] = (action.value ?? "").split(":");
    const member = memberOf(ctx);
    const result = await member.polls.vote(pollId, optionId);
    if (body.container.type === "view") {
      await publishHome(deps, client, member, localeOf(ctx));
      return;
    }
    const text = "option" in result ? t(`slack.poll.vote.${result.kind}`, { option: escape(result.option) }) : t(`slack.poll.vote.${result.kind}`);
    await respond({ response_type: "ephemeral", replace_original: false, text });
  }));

  app.action<BlockButtonAction>(ACTIONS.closePoll, acknowledged(async ({ action, respond, context: ctx }: ActionArgs) => {
    const t = slackT(deps, localeOf(ctx));
    const result = await memberOf(ctx).polls.close(action.value ?? "");
    if (result.kind !== "closed") await respond({ response_type: "ephemeral", replace_original: false, text: t(`slack.poll.closeResult.${result.kind}`) });
  }));

  app.action<BlockButtonAction>(ACTIONS.meetingFromPoll, acknowledged(async ({ body, action, client, respond, context: ctx }: ActionArgs) => {
    const [pollId = "", optionId = ""] = (action.value ?? "").split(":");
    const member = memberOf(ctx);
    const poll = await member.polls.view(pollId);
    const option = poll?.options.find((o) => o.id === optionId);
    if (!poll || !option?.startsAt) return;
    const opened = await openMeetingModal(deps, client, body.trigger_id, member, localeOf(ctx), { title: poll.question, startsAt: option.startsAt });
    if (!opened) await respond({ response_type: "ephemeral", replace_original: false, text: slackT(deps, localeOf(ctx))("slack.coordinatorsOnly") });
  }));
}

export async function renderPoll(deps: SlackDeps, network: NetworkView, id: string) {
  const poll = await network.poll(id);
  if (!poll) return undefined;
  return { text: `📊 ${escape(poll.question)}`, blocks: pollBlocks(poll, slackT(deps), deps) };
}

export async function renderPollResults(deps: SlackDeps, network: NetworkView, id: string) {
  const poll = await network.poll(id);
  if (!poll) return undefined;
  return { text: `🏁 ${escape(poll.question)}`, blocks: resultBlocks(poll, slackT(deps)) };
}
