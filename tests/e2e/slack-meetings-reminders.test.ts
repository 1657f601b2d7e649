import { afterEach, describe, expect, it } from "vitest";
import { COORDINATOR, NETWORK_CHANNEL, startStack, type Stack } from "../helpers/stack.js";
import { eventually } from "../helpers/wait.js";

describe("meeting reminders and Socket Mode", () => {
  let stack: Stack | undefined;
  afterEach(async () => {
    await stack?.stop();
    stack = undefined;
  });

  it("a reminder goes to the channel, and a nudge only to AG members who have not answered", async () => {
    stack = await startStack({ env: { MEETING_REMINDERS: "2h" } });
    const s = stack;
    const db = s.app.database.prisma;
    const group = await db.workingGroup.findFirstOrThrow({ where: { slug: "zusammenleben-gestalten" } });
    for (const member of ["U0ANSWERED", "U0SILENT1", "U0SILENT2"]) await db.workingGroupMember.create({ data: { groupId: group.id, slackUserId: member } });
    // Two hours and two seconds ahead: the "2 hours before" reminder is due in two seconds.
    const startsAt = new Date(Date.now() + 2 * 3600_000 + 2000);
    const scheduled = await (await s.member(COORDINATOR)).meetings.schedule({ groupId: group.id, title: "AG-Treffen Freizeit", startsAt, place: "Multizentrum" });
    if (scheduled.kind !== "scheduled") throw new Error("not scheduled");
    const { id } = scheduled;
    const announcement = await s.slack.waitFor(() => s.slack.channelMessages(NETWORK_CHANNEL).find((m) => m.text?.startsWith("AG-Treffen Freizeit")));
    await s.slack.clickButton("U0ANSWERED", announcement, "meeting_rsvp.YES", { value: `${id}:YES` });
    await eventually(async () => expect(await db.meetingRsvp.count()).toBe(1));

    await s.slack.waitFor(() => s.slack.channelMessages(NETWORK_CHANNEL).find((m) => m.text?.startsWith("Erinnerung: AG-Treffen Freizeit")), 6000);
    await eventually(() => {
      expect(s.slack.channelMessages("U0SILENT1")).toHaveLength(1);
      expect(s.slack.channelMessages("U0SILENT2")).toHaveLength(1);
    });
    expect(s.slack.channelMessages("U0ANSWERED")).toHaveLength(0);
    expect(JSON.stringify(s.slack.channelMessages("U0SILENT1")[0]?.blocks)).toContain("meeting_rsvp");
    const meeting = await db.meeting.findUniqueOrThrow({ where: { id } });
    expect(meeting.remindersSent).toEqual([2 * 3600_000]);
    expect(meeting.nextTickAt).toBeNull();
  });

  it("works in Socket Mode: commands and clicks arrive over the WebSocket, answers go back on it", async () => {
    stack = await startStack({ slackSocketMode: true });
    const s = stack;
    await s.slack.waitFor(() => s.slack.socketConnected, 5000, "the Socket Mode connection");
    const list = await s.slack.slashCommand("U0SOCKET", "/ag", "", { channel: NETWORK_CHANNEL });
    expect(list.status).toBe(200);
    expect(JSON.stringify(list.body)).toContain("AG Kontakt mit Behörden");
    await s.slack.slashCommand("U0SOCKET", "/poll", '"Über den Socket?" "Ja" "Nein"', { channel: NETWORK_CHANNEL });
    const poll = await s.slack.waitFor(() => s.slack.channelMessages(NETWORK_CHANNEL).find((m) => m.text === "📊 Über den Socket?"));
    const record = await s.app.database.prisma.poll.findFirstOrThrow({ include: { options: { orderBy: { position: "asc" } } } });
    const click = await s.slack.clickButton("U0SOCKET", poll, `poll_vote.${record.options[0]?.id}`, { value: `${record.id}:${record.options[0]?.id}` });
    expect(click.status).toBe(200);
    await eventually(async () => expect(await s.app.database.prisma.pollVote.count()).toBe(1));
    // No HTTP endpoint is needed for Slack in Socket Mode.
    expect(s.slack.calls.some((c) => c.method === "chat.postMessage")).toBe(true);
  });
});
