import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ACTIONS, choice } from "../../handlers/slack/action-ids.js";
import { DIGEST } from "../../jobs/schedules.js";
import type { SlackSimMessage } from "../../sim/slack-api.js";
import { COORDINATOR, NETWORK_CHANNEL, startStack, type Stack } from "../helpers/stack.js";
import { eventually } from "../helpers/wait.js";

const text = (message: SlackSimMessage | undefined) => JSON.stringify(message?.blocks ?? message?.text ?? "");
const valuesOf = (fields: Record<string, Record<string, unknown>>) => fields;

/** Tomorrow (Berlin) as Slack's datepicker sends it. */
function day(offsetDays: number): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Berlin" }).format(new Date(Date.now() + offsetDays * 86_400_000));
}

describe("Slack network bot", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { MEETING_REMINDERS: "3d,2h" } });
    // App Home and /digest show the meetings and polls of the member's channels: these two are in the network's.
    for (const member of ["U0HOME", COORDINATOR]) stack.slack.join(NETWORK_CHANNEL, member);
    stack.slack.member("U0EN", "Jamie", { locale: "en-US" });
  });
  afterAll(() => stack?.stop());

  it("AGs: a member joins and leaves; the count follows; English for an English Slack", async () => {
    const { slack, app } = stack;
    const list = await slack.slashCommand("U0MEMBER", "/ag", "", { channel: NETWORK_CHANNEL });
    expect(JSON.stringify(list.body)).toContain("Ich kann mir vorstellen mitzuarbeiten");
    const shown = slack.channelMessages(NETWORK_CHANNEL).find((m) => m.visibleTo === "U0MEMBER");
    const group = await app.database.prisma.workingGroup.findFirstOrThrow({ where: { slug: "kontakt-mit-behoerden" } });
    await slack.clickButton("U0MEMBER", shown as SlackSimMessage, ACTIONS.joinGroup, { value: group.id });
    await eventually(async () => expect(await app.database.prisma.workingGroupMember.count({ where: { groupId: group.id } })).toBe(1));
    await slack.waitFor(() => slack.responses.find((r) => JSON.stringify(r.body).includes("Austreten")));
    // Joining twice (a stale button) is joining once.
    await slack.clickButton("U0MEMBER", shown as SlackSimMessage, ACTIONS.joinGroup, { value: group.id, stale: true });
    await new Promise((r) => setTimeout(r, 200));
    expect(await app.database.prisma.workingGroupMember.count({ where: { groupId: group.id } })).toBe(1);
    await slack.clickButton("U0MEMBER", shown as SlackSimMessage, ACTIONS.leaveGroup, { value: group.id });
    await eventually(async () => expect(await app.database.prisma.workingGroupMember.count({ where: { groupId: group.id } })).toBe(0));

    // A member's language is looked up after their first request, which is answered in German at once.
    await slack.slashCommand("U0EN", "/ag");
    await eventually(async () => expect((await app.database.prisma.slackMember.findUnique({ where: { id: "U0EN" } }))?.locale).toBe("en"));
    const english = await slack.slashCommand("U0EN", "/ag");
    expect(JSON.stringify(english.body)).toContain("Working groups of the integration network");
  });

  it("AGs: coordinators can add one, others do not see the button", async () => {
    const { slack, app } = stack;
    expect(JSON.stringify((await slack.slashCommand("U0MEMBER", "/ag")).body)).not.toContain(ACTIONS.addGroup);
    await slack.slashCommand(COORDINATOR, "/ag", "", { channel: NETWORK_CHANNEL });
    const shown = slack.channelMessages(NETWORK_CHANNEL).filter((m) => m.visibleTo === COORDINATOR).at(-1);
    await slack.clickButton(COORDINATOR, shown as SlackSimMessage, ACTIONS.addGroup);
    const modal = await slack.waitFor(() => slack.modals(COORDINATOR).at(-1));
    await slack.submitView(COORDINATOR, modal.id, valuesOf({
      name: { value: { type: "plain_text_input", value: "AG Wohnen" } },
      description: { value: { type: "plain_text_input", value: "Wohnungssuche und Nachbarschaft" } },
      channel: { value: { type: "conversations_select", selected_conversation: "C0WOHNEN" } },
    }));
    const created = await app.database.prisma.workingGroup.findFirst({ where: { slug: "ag-wohnen" } });
    expect(created?.slackChannel).toBe("C0WOHNEN");
  });

  let meetingId = "";

  it("meetings: a coordinator schedules one; the announcement has RSVP buttons and live counts", async () => {
    const { slack, app } = stack;
    const refused = await slack.slashCommand("U0MEMBER", "/meeting");
    expect(JSON.stringify(refused.body)).toContain("Koordinationskanals");

    const group = await app.database.prisma.workingGroup.findFirstOrThrow({ where: { slug: "ag-wohnen" } });
    for (const member of ["U0A", "U0B", "U0C"]) await app.database.prisma.workingGroupMember.create({ data: { groupId: group.id, slackUserId: member } });
    await slack.slashCommand(COORDINATOR, "/meeting");
    const modal = await slack.waitFor(() => slack.modals(COORDINATOR).at(-1));
    const past = await slack.submitView(COORDINATOR, modal.id, {
      group: { value: { type: "static_select", selected_option: { value: group.id } } },
      day: { value: { type: "datepicker", selected_date: day(-2) } },
      time: { value: { type: "timepicker", selected_time: "18:00" } },
      place: { value: { type: "plain_text_input", value: "Rathaus, Raum 3" } },
    });
    expect((past.body as { response_action: string }).response_action).toBe("errors");
    await slack.submitView(COORDINATOR, modal.id, {
      group: { value: { type: "static_select", selected_option: { value: group.id } } },
      title: { value: { type: "plain_text_input", value: null } },
      day: { value: { type: "datepicker", selected_date: day(10) } },
      time: { value: { type: "timepicker", selected_time: "18:00" } },
      place: { value: { type: "plain_text_input", value: "Rathaus, Raum 3" } },
      agenda: { value: { type: "plain_text_input", value: "1. Wohnungsbörse\n2. Verschiedenes" } },
    });
    const announcement = await slack.waitFor(() => slack.channelMessages("C0WOHNEN").find((m) => m.text?.includes("Treffen: AG Wohnen")));
    expect(text(announcement)).toContain("Rathaus, Raum 3");
    expect(text(announcement)).toContain(ACTIONS.rsvp);
    meetingId = (await app.database.prisma.meeting.findFirstOrThrow()).id;

    await slack.clickButton("U0A", announcement, choice(ACTIONS.rsvp, "YES"), { value: `${meetingId}:YES` });
    await slack.clickButton("U0B", announcement, choice(ACTIONS.rsvp, "MAYBE"), { value: `${meetingId}:MAYBE` });
    await slack.clickButton("U0A", announcement, choice(ACTIONS.rsvp, "NO"), { value: `${meetingId}:NO` });
    await eventually(() => expect(text(slack.message(announcement))).toContain("✅ 0 dabei · 🤔 1 vielleicht · ❌ 1 nicht dabei"), 5000);

    const calendar = await fetch(`${stack.url}/meetings/${meetingId}.ics`);
    expect(calendar.status).toBe(200);
    expect(calendar.headers.get("content-type")).toContain("text/calendar");
    const ics = await calendar.text();
    expect(ics).toContain("BEGIN:VEVENT");
    expect(ics).toContain("SUMMARY:Treffen: AG Wohnen");
    expect(ics).toContain("LOCATION:Rathaus\\, Raum 3");
  });

  it("meetings: rescheduling updates the announcement and moves the reminders; cancelling removes them", async () => {
    const { slack, app } = stack;
    const before = await app.database.prisma.meeting.findUniqueOrThrow({ where: { id: meetingId } });
    const announcement = slack.channelMessages("C0WOHNEN").find((m) => m.text?.includes("Treffen: AG Wohnen")) as SlackSimMessage;
    await slack.clickButton(COORDINATOR, announcement, ACTIONS.rescheduleMeeting, { value: meetingId });
    const modal = await slack.waitFor(() => slack.modals(COORDINATOR).at(-1));
    expect(JSON.stringify(modal.view)).toContain("Rathaus, Raum 3");
    await slack.submitView(COORDINATOR, modal.id, {
      day: { value: { type: "datepicker", selected_date: day(12) } },
      time: { value: { type: "timepicker", selected_time: "17:30" } },
      place: { value: { type: "plain_text_input", value: "Multizentrum" } },
      agenda: { value: { type: "plain_text_input", value: null } },
    });
    await eventually(() => expect(text(slack.message(announcement))).toContain("Multizentrum"));
    const after = await app.database.prisma.meeting.findUniqueOrThrow({ where: { id: meetingId } });
    expect(after.startsAt.getTime() - before.startsAt.getTime()).toBe(2 * 86_400_000 - 30 * 60_000);
    // The first reminder (3 days before) moved with the meeting.
    expect((after.nextTickAt?.getTime() ?? 0) - (before.nextTickAt?.getTime() ?? 0)).toBe(after.startsAt.getTime() - before.startsAt.getTime());

    await slack.clickButton("U0MEMBER", announcement, ACTIONS.cancelMeeting, { value: meetingId });
    await new Promise((r) => setTimeout(r, 300));
    expect((await app.database.prisma.meeting.findUniqueOrThrow({ where: { id: meetingId } })).status).toBe("SCHEDULED");
    await slack.clickButton(COORDINATOR, announcement, ACTIONS.cancelMeeting, { value: meetingId });
    await eventually(() => expect(text(slack.message(announcement))).toContain("abgesagt"));
    const cancelled = await app.database.prisma.meeting.findUniqueOrThrow({ where: { id: meetingId } });
    expect(cancelled.nextTickAt).toBeNull();
  });

  it("polls: multiple choice, a changed vote, a live tally; only the creator closes it; results are posted", async () => {
    const { slack, app } = stack;
    const bad = await slack.slashCommand("U0A", "/poll", "„Nur eine Frage?“", { channel: NETWORK_CHANNEL });
    expect(JSON.stringify(bad.body)).toContain("mindestens zwei Antworten");
    await slack.slashCommand("U0A", "/poll", "„Was brauchen wir fürs Fest der Kulturen?“ „Zelt“ „Musik“ „Essen“ --mehrfach", { channel: NETWORK_CHANNEL });
    const poll = await slack.waitFor(() => slack.channelMessages(NETWORK_CHANNEL).find((m) => m.text?.includes("Fest der Kulturen")));
    const record = await app.database.prisma.poll.findFirstOrThrow({ include: { options: { orderBy: { position: "asc" } } } });
    const [zelt, musik, essen] = record.options;
    const click = (user: string, option: { id: string } | undefined) => slack.clickButton(user, poll, choice(ACTIONS.vote, option?.id ?? ""), { value: `${record.id}:${option?.id}` });
    await click("U0A", zelt);
    await click("U0A", musik);
    await click("U0B", musik);
    await click("U0C", essen);
    await click("U0C", essen); // multiple choice: a second click takes the choice back
    await eventually(() => expect(text(slack.message(poll))).toContain("2 Personen haben abgestimmt"), 5000);
    expect(text(slack.message(poll))).toContain("<@U0A>");

    await slack.clickButton("U0B", poll, ACTIONS.closePoll, { value: record.id });
    await slack.waitFor(() => slack.responses.find((r) => String(r.body.text).includes("Nur wer die Umfrage gestartet hat")));
    await slack.clickButton("U0A", poll, ACTIONS.closePoll, { value: record.id });
    const results = await slack.waitFor(() => slack.channelMessages(NETWORK_CHANNEL).find((m) => m.text?.startsWith("🏁")));
    expect(text(results)).toContain("Musik");
    expect(text(results)).toContain("mit 2 Stimmen");
    await eventually(() => expect(text(slack.message(poll))).toContain("Diese Umfrage ist beendet"));
    const late = await slack.clickButton("U0C", poll, choice(ACTIONS.vote, zelt?.id ?? ""), { value: `${record.id}:${zelt?.id}`, stale: true });
    expect(late.status).toBe(200);
    await slack.waitFor(() => slack.responses.find((r) => String(r.body.text).includes("Diese Umfrage ist beendet")));
  });

  it("an anonymous poll counts one vote per person and no table or log holds who chose what", async () => {
    const { slack, app } = stack;
    await slack.slashCommand("U0A", "/poll", '"Soll das Netzwerktreffen online sein?" "Ja" "Nein" --anonym', { channel: NETWORK_CHANNEL });
    const poll = await slack.waitFor(() => slack.channelMessages(NETWORK_CHANNEL).find((m) => m.text?.includes("online sein")));
    const record = await app.database.prisma.poll.findFirstOrThrow({ where: { anonymous: true }, include: { options: { orderBy: { position: "asc" } } } });
    const [yes, no] = record.options;
    await slack.clickButton("U0SECRET1", poll, choice(ACTIONS.vote, yes?.id ?? ""), { value: `${record.id}:${yes?.id}` });
    await slack.clickButton("U0SECRET2", poll, choice(ACTIONS.vote, no?.id ?? ""), { value: `${record.id}:${no?.id}` });
    await slack.clickButton("U0SECRET1", poll, choice(ACTIONS.vote, no?.id ?? ""), { value: `${record.id}:${no?.id}` });
    await slack.waitFor(() => slack.responses.find((r) => String(r.body.text).includes("schon abgestimmt")));
    await eventually(() => expect(text(slack.message(poll))).toContain("2 Personen haben abgestimmt"), 5000);
    expect(text(slack.message(poll))).not.toContain("U0SECRET");

    const options = await app.database.prisma.pollOption.findMany({ where: { pollId: record.id }, orderBy: { position: "asc" } });
    expect(options.map((o) => o.count)).toEqual([1, 1]);
    expect(await app.database.prisma.pollVote.count({ where: { pollId: record.id } })).toBe(0);
    // No row anywhere in the database names a voter of this poll.
    const everything = JSON.stringify(await app.database.prisma.$queryRawUnsafe(`SELECT row_to_json(t)::text AS row FROM (
      SELECT * FROM "PollBallot" UNION ALL SELECT "pollId", "optionId", "votedAt" FROM "PollVote") t`));
    expect(everything).not.toContain("U0SECRET");
    const outbox = JSON.stringify(await app.database.prisma.outbox.findMany(), (_key, value: unknown) => (typeof value === "bigint" ? String(value) : value));
    expect(outbox).not.toContain("U0SECRET");
    for (const line of stack.logs) expect(line).not.toContain("U0SECRET");
  });

  it("a poll closes by itself at its deadline", async () => {
    const { slack } = stack;
    await (await stack.member("U0A")).polls.create({ question: "Kurze Frage mit Frist?", options: [{ label: "A" }, { label: "B" }], multiple: false, anonymous: false, datePoll: false, closesAt: new Date(Date.now() + 1500) }, NETWORK_CHANNEL);
    await slack.waitFor(() => slack.channelMessages(NETWORK_CHANNEL).find((m) => m.text === "🏁 Kurze Frage mit Frist?"), 6000);
  });

  it("a date poll's winner becomes a meeting in one click", async () => {
    const { slack, app } = stack;
    const [a, b] = [day(20), day(21)].map((d) => `${d} 18:00`);
    await slack.slashCommand(COORDINATOR, "/poll", `"Nächstes Netzwerktreffen?" "${a}" "${b}" --termin`, { channel: NETWORK_CHANNEL });
    const poll = await slack.waitFor(() => slack.channelMessages(NETWORK_CHANNEL).find((m) => m.text?.includes("Nächstes Netzwerktreffen")));
    const record = await app.database.prisma.poll.findFirstOrThrow({ where: { datePoll: true }, include: { options: { orderBy: { position: "asc" } } } });
    await slack.clickButton("U0A", poll, choice(ACTIONS.vote, record.options[1]?.id ?? ""), { value: `${record.id}:${record.options[1]?.id}` });
    await slack.clickButton(COORDINATOR, poll, ACTIONS.closePoll, { value: record.id });
    const results = await slack.waitFor(() => slack.channelMessages(NETWORK_CHANNEL).find((m) => m.text === "🏁 Nächstes Netzwerktreffen?"));
    await slack.clickButton(COORDINATOR, results, ACTIONS.meetingFromPoll);
    const modal = await slack.waitFor(() => slack.modals(COORDINATOR).at(-1));
    expect(JSON.stringify(modal.view)).toContain(`"initial_date":"${day(21)}"`);
    expect(JSON.stringify(modal.view)).toContain('"initial_time":"18:00"');
    expect(JSON.stringify(modal.view)).toContain("Nächstes Netzwerktreffen?");
  });

  it("App Home shows my AGs, the next meetings with my answer, open polls with my vote, events", async () => {
    const { slack, app } = stack;
    const group = await app.database.prisma.workingGroup.findFirstOrThrow({ where: { slug: "zusammenleben-gestalten" } });
    await app.database.prisma.workingGroupMember.create({ data: { groupId: group.id, slackUserId: "U0HOME" } });
    await (await stack.member(COORDINATOR)).meetings.schedule({ groupId: group.id, title: "Freizeit-Treffen", startsAt: new Date(Date.now() + 5 * 86_400_000), place: "Multizentrum" });
    const event = await slack.event({ type: "app_home_opened", user: "U0HOME", tab: "home", channel: "D0HOME" });
    expect(event.status).toBe(200);
    const home = await slack.waitFor(() => slack.home("U0HOME"));
    const blocks = JSON.stringify(home.view.blocks);
    expect(blocks).toContain("✅ *AG Zusammenleben gestalten*");
    expect(blocks).toContain("Freizeit-Treffen");
    expect(blocks).toContain("Fest der Kulturen");
    expect(blocks).toContain("Termin folgt");
    const meeting = await app.database.prisma.meeting.findFirstOrThrow({ where: { title: "Freizeit-Treffen" } });
    await slack.clickViewButton("U0HOME", home.id, choice(ACTIONS.rsvp, "YES"), { value: `${meeting.id}:YES` });
    await eventually(() => expect(JSON.stringify(slack.home("U0HOME")?.view.blocks)).toContain("✓ ✅ Dabei"));
  });

  it("the digest shows real figures, zeros where nothing happened", async () => {
    const { slack } = stack;
    const digest = await slack.slashCommand(COORDINATOR, "/digest");
    const blocks = JSON.stringify(digest.body);
    expect(blocks).toContain("Wochenrückblick");
    expect(blocks).toContain("*Anfragen*\\n0");
    expect(blocks).toContain("Dolmetschen: 0");
    expect(blocks).toContain("Freizeit-Treffen");
  });

  it("the digest is scheduled for Monday 08:00 Berlin time and posts to the network channel", async () => {
    const { slack, app } = stack;
    const digestQueue = app.queues.queue(DIGEST);
    const schedulers = await digestQueue.getJobSchedulers();
    expect(schedulers.map((j) => [j.key, j.pattern, j.tz])).toContainEqual(["digest-weekly", "0 8 * * 1", "Europe/Berlin"]);
    await digestQueue.add("digest", {});
    const posted = await slack.waitFor(() => slack.channelMessages(NETWORK_CHANNEL).find((m) => m.text?.includes("Wochenrückblick")), 5000);
    expect(text(posted)).toContain("Ehrenamtsstunden");
  });

  it("Slack's retries and double clicks change nothing", async () => {
    const { slack, app } = stack;
    await slack.slashCommand("U0A", "/poll", '"Retry?" "Eins" "Zwei"', { channel: NETWORK_CHANNEL });
    const poll = await slack.waitFor(() => slack.channelMessages(NETWORK_CHANNEL).find((m) => m.text === "📊 Retry?"));
    const counted = async (kind: string) => (await app.metrics.slackRequests.get()).values.find((v) => v.labels.kind === kind)?.value ?? 0;
    const [duplicatesBefore, homesBefore] = [await counted("duplicate"), await counted("app_home")];
    const record = await app.database.prisma.poll.findFirstOrThrow({ where: { question: "Retry?" }, include: { options: true } });
    const option = record.options.find((o) => o.label === "Eins");
    const body = new URLSearchParams({
      payload: JSON.stringify({
        type: "block_actions",
        user: { id: "U0RETRY" },
        team: { id: slack.teamId },
        api_app_id: "A0BRUECKE",
        trigger_id: "trigger-retried-once",
        container: { type: "message", message_ts: poll.ts, channel_id: NETWORK_CHANNEL },
        channel: { id: NETWORK_CHANNEL },
        message: { ts: poll.ts },
        response_url: `${slack.apiUrl.replace("/api/", "")}/response/retry`,
        actions: [{ type: "button", action_id: choice(ACTIONS.vote, option?.id ?? ""), block_id: "b", value: `${record.id}:${option?.id}`, action_ts: "1" }],
      }),
    }).toString();
    expect((await slack.post(body, "application/x-www-form-urlencoded")).status).toBe(200);
    expect((await slack.post(body, "application/x-www-form-urlencoded", { retryNum: 1 })).status).toBe(200);
    expect((await slack.post(body, "application/x-www-form-urlencoded", { retryNum: 2 })).status).toBe(200);
    await slack.clickButton("U0RETRY", poll, choice(ACTIONS.vote, option?.id ?? ""), { value: `${record.id}:${option?.id}` });
    await new Promise((r) => setTimeout(r, 300));
    expect(await app.database.prisma.pollVote.count({ where: { pollId: record.id } })).toBe(1);
    const events = await Promise.all([1, 2].map((n) => slack.event({ type: "app_home_opened", user: "U0RETRY", tab: "home" }, { eventId: "Ev0SAME", retryNum: n - 1 })));
    expect(events.map((e) => e.status)).toEqual([200, 200]);
    await eventually(async () => expect(await counted("duplicate")).toBe(duplicatesBefore + 3));
    await new Promise((r) => setTimeout(r, 300));
    expect(await counted("app_home")).toBe(homesBefore + 1);
  });
});
