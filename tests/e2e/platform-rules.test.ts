import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ACTIONS, choice } from "../../handlers/slack/action-ids.js";
import { TELEGRAM_TEXT_MAX } from "../../core/long-text.js";
import { NETWORK_CHANNEL, startStack, type Stack } from "../helpers/stack.js";
import { onboard, plain } from "../helpers/telegram.js";
import { eventually } from "../helpers/wait.js";

/** A click as Slack sends it, for a button the message may not have (a message posted by an older version). */
function click(stack: Stack, user: string, action: { action_id: string; value?: string; url?: string }, trigger: string) {
  const { slack } = stack;
  const payload = {
    type: "block_actions",
    user: { id: user },
    team: { id: slack.teamId },
    api_app_id: "A0BRUECKE",
    trigger_id: trigger,
    container: { type: "message", message_ts: "1.000001", channel_id: NETWORK_CHANNEL },
    channel: { id: NETWORK_CHANNEL },
    message: { ts: "1.000001" },
    response_url: `${slack.apiUrl.replace("/api/", "")}/response/${trigger}`,
    actions: [{ type: "button", block_id: "b", action_ts: "1", ...action }],
  };
  return slack.post(new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), "application/x-www-form-urlencoded");
}

describe("the platforms' rules", () => {
  let stack: Stack;
  beforeAll(async () => {
    // One newcomer asks eight times below: more than the usual limits allow.
    stack = await startStack({ env: { REQUEST_LIMIT_OPEN: "20", REQUEST_LIMIT_DAY: "20" } });
  });
  afterAll(() => stack?.stop());

  it("a button of an older version is acknowledged (never a 404) and the member reads that it is out of date", async () => {
    const started = Date.now();
    const answer = await click(stack, "U0OLD", { action_id: "poll_vote_v0", value: "x" }, "trigger-old-button");
    expect(answer.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(2000);
    const response = await stack.slack.waitFor(() => stack.slack.responses.find((r) => r.responseUrl.endsWith("/trigger-old-button")));
    expect(response.body).toMatchObject({ response_type: "ephemeral", replace_original: false });
    expect(String(response.body.text)).toContain("nicht mehr aktuell");
  });

  it("a calendar link button's click is acknowledged without a message", async () => {
    const answer = await click(stack, "U0CAL", { action_id: ACTIONS.calendar, url: "http://127.0.0.1/meetings/x.ics" }, "trigger-calendar");
    expect(answer.status).toBe(200);
    await new Promise((r) => setTimeout(r, 200));
    expect(stack.slack.responses.some((r) => r.responseUrl.endsWith("/trigger-calendar"))).toBe(false);
  });

  it("vote buttons side by side carry action ids of their own, and each one counts", async () => {
    const { slack, app } = stack;
    const { id } = await (await stack.member("U0CREATOR")).polls.create({ question: "Welcher Tag?", options: [{ label: "Mo" }, { label: "Di" }, { label: "Mi" }], multiple: true, anonymous: false, datePoll: false }, NETWORK_CHANNEL);
    const poll = await slack.waitFor(() => slack.channelMessages(NETWORK_CHANNEL).find((m) => m.text === "📊 Welcher Tag?"));
    const votes = (poll.blocks as { type: string; block_id?: string; elements?: { action_id: string }[] }[]).find((b) => b.block_id === `vote-${id}`);
    const ids = votes?.elements?.map((e) => e.action_id) ?? [];
    expect(ids).toHaveLength(3);
    expect(new Set(ids).size).toBe(3);
    const options = await app.database.prisma.pollOption.findMany({ where: { pollId: id }, orderBy: { position: "asc" } });
    for (const option of options) await slack.clickButton("U0VOTER", poll, choice(ACTIONS.vote, option.id), { value: `${id}:${option.id}` });
    await eventually(async () => expect(await app.database.prisma.pollVote.count({ where: { pollId: id } })).toBe(3));
  });

  it("/mydata of a newcomer with many requests and long notes arrives whole, in several messages within Telegram's limit", async () => {
    const { telegram, app } = stack;
    const newcomer = 7_001;
    await onboard(telegram, newcomer, "ar");
    const references: string[] = [];
    for (let i = 0; i < 8; i++) {
      const created = await app.core.requests.create(
        newcomer,
        { kind: "MEDIATION", language: "ar", purpose: "JOBCENTER", mode: "IN_PERSON", district: "BECKUM", place: `Lindenstraße ${i} `.repeat(12).trim(), note: `ملاحظة طويلة ${i} with Latin words 🙂 `.repeat(20).trim() },
        `${newcomer}:long-${i}`,
      );
      if (created.kind === "created") references.push(created.reference);
    }
    expect(references).toHaveLength(8);
    // Each "received" message is out before /mydata is asked for.
    await eventually(() => expect(telegram.botMessages(newcomer).filter((m) => references.some((r) => plain(m).includes(r)))).toHaveLength(8));
    const before = telegram.botMessages(newcomer).length;
    await telegram.sendText(newcomer, "/mydata");
    await eventually(() => {
      const shown = telegram.botMessages(newcomer).slice(before).map(plain).join("\n");
      for (const reference of references) expect(shown).toContain(reference);
    });
    const pieces = telegram.botMessages(newcomer).slice(before);
    expect(pieces.length).toBeGreaterThan(1);
    for (const piece of pieces) expect(piece.text?.length ?? 0).toBeLessThanOrEqual(TELEGRAM_TEXT_MAX);
    // The buttons (erase my data, back) come under the last piece only.
    expect(pieces.at(-1)?.reply_markup).toBeDefined();
    expect(pieces.slice(0, -1).every((m) => m.reply_markup === undefined)).toBe(true);
  });
});
