import { createHash, createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { floodKey } from "../../core/arrivals.js";
import { ACTIONS, choice } from "../../handlers/slack/action-ids.js";
import { OUTBOUND_TELEGRAM } from "../../jobs/outbound-telegram.js";
import { acceptOffer, copiesFrom, onboarded, requestOf, tapLast } from "../helpers/journeys.js";
import { BALLOT_SECRET, COORDINATOR, COORDINATOR_CHANNEL, NETWORK_CHANNEL, startStack, type Stack } from "../helpers/stack.js";
import { onboard, plain, waitForText } from "../helpers/telegram.js";
import { approvedVolunteer } from "../helpers/volunteers.js";
import { eventually } from "../helpers/wait.js";

const REPORTER = 77_001;
const NEWCOMER = 77_002;
const VOLUNTEER = 78_001;
const CLOSED_NEWCOMER = 77_003;
const QUOTED_NEWCOMER = 77_004;
const LETTER_NEWCOMER = 77_005;
const QUOTED_VOLUNTEER = 78_002;

const json = (value: unknown) => JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? String(v) : v));

describe("the review's lower findings", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { OFFER_QUIET_MS: "1", DISPATCH_WAVE_INTERVAL_MS: "600000" } });
  });
  afterAll(() => stack?.stop());

  it("an anonymous report leaves no outbox row of the reporter's chat to set beside its time", async () => {
    const { telegram, slack, app } = stack;
    await onboard(telegram, REPORTER, "de", "Reporter");
    const started = new Date();
    await tapLast(stack, REPORTER, /^menu:report$/);
    await waitForText(telegram, REPORTER, "Was ist passiert?");
    await telegram.sendText(REPORTER, "Im Supermarkt wurde ich nicht bedient.");
    await tapLast(stack, REPORTER, /:place:skip$/);
    await tapLast(stack, REPORTER, /:contact:anonymous$/);
    await tapLast(stack, REPORTER, /:confirm:yes$/);
    await waitForText(telegram, REPORTER, "anonym, ohne Ihre Daten");
    await slack.waitFor(() => slack.channelMessages(COORDINATOR_CHANNEL).find((m) => JSON.stringify(m.blocks).includes("Supermarkt")));
    const report = await app.database.prisma.discriminationReport.findFirstOrThrow({ where: { text: { contains: "Supermarkt" } } });
    expect(report.contactUserId).toBeNull();
    // Every message of the dialogue, the thanks included, is gone once delivered.
    await eventually(async () => expect(await app.database.prisma.outbox.count({ where: { recipient: String(REPORTER), createdAt: { gte: started } } })).toBe(0));
    expect(await app.database.prisma.botSession.count({ where: { key: String(REPORTER) } })).toBe(0);
    // Nor does the flood counter, which holds the chat's id and a time seconds after the report.
    expect(await app.database.prisma.rateLimitHit.count({ where: { key: floodKey(REPORTER) } })).toBe(0);
  });

  it("an anonymous ballot cannot be traced back by trying every member's id", async () => {
    const { slack, app } = stack;
    await slack.slashCommand("U0VOTER", "/poll", '"Sommerfest im Park?" "Ja" "Nein" --anonym', { channel: NETWORK_CHANNEL });
    const message = await slack.waitFor(() => slack.channelMessages(NETWORK_CHANNEL).find((m) => m.text?.includes("Sommerfest")));
    const poll = await app.database.prisma.poll.findFirstOrThrow({ where: { question: { contains: "Sommerfest" } }, include: { options: { orderBy: { position: "asc" } } } });
    const yes = poll.options[0]?.id ?? "";
    await slack.clickButton("U0VOTER", message, choice(ACTIONS.vote, yes), { value: `${poll.id}:${yes}` });
    const ballot = await eventually(() => app.database.prisma.pollBallot.findFirstOrThrow({ where: { pollId: poll.id } }));
    expect(ballot.voter).not.toBe(createHash("sha256").update(`${poll.id}:U0VOTER`).digest("hex"));
    expect(ballot.voter).toBe(createHmac("sha256", BALLOT_SECRET).update(`${poll.id}:U0VOTER`).digest("hex"));
    // The vote still counts once per person.
    await slack.clickButton("U0VOTER", message, choice(ACTIONS.vote, yes), { value: `${poll.id}:${yes}` });
    await slack.waitFor(() => slack.responses.find((r) => String((r.body as { text?: string }).text).includes("schon abgestimmt")));
    expect(await app.database.prisma.pollBallot.count({ where: { pollId: poll.id } })).toBe(1);
  });

  it("a poll question cannot call the whole channel through the message's fallback text", async () => {
    const { slack, app } = stack;
    await slack.slashCommand("U0PRANK", "/poll", '"<!channel> Wer kommt morgen?" "Ich" "Nicht ich"', { channel: NETWORK_CHANNEL });
    const message = await slack.waitFor(() => slack.channelMessages(NETWORK_CHANNEL).find((m) => m.text?.includes("Wer kommt morgen")));
    expect(message.text).not.toContain("<!channel>");
    expect(message.text).toContain("&lt;!channel&gt;");
    const poll = await app.database.prisma.poll.findFirstOrThrow({ where: { question: { contains: "Wer kommt morgen" } } });
    await slack.clickButton("U0PRANK", message, ACTIONS.closePoll, { value: poll.id });
    const results = await slack.waitFor(() => slack.channelMessages(NETWORK_CHANNEL).find((m) => m.text?.startsWith("🏁") && m.text.includes("Wer kommt morgen")));
    expect(results.text).not.toContain("<!channel>");
    // Plain-text blocks (the header) show it as typed and call nobody; fallback texts and mrkdwn never carry it.
    const mrkdwn = (value: unknown): string[] =>
      Array.isArray(value) ? value.flatMap(mrkdwn) : typeof value === "object" && value !== null
        ? [...((value as { type?: string }).type === "mrkdwn" ? [String((value as { text?: string }).text)] : []), ...Object.values(value).flatMap(mrkdwn)]
        : [];
    expect(slack.channelMessages(NETWORK_CHANNEL).flatMap((m) => [m.text ?? "", ...mrkdwn(m.blocks)]).filter((t) => t.includes("<!channel>"))).toEqual([]);
  });

  it("the relay passes texts, photos and voice notes, and politely refuses files, music, round videos and locations", async () => {
    const { telegram } = stack;
    await onboarded(stack, NEWCOMER, "de", "Amal");
    await approvedVolunteer(stack, VOLUNTEER, { firstName: "Yusuf" });
    const request = await requestOf(stack, NEWCOMER);
    await acceptOffer(stack, VOLUNTEER, request.reference);
    await waitForText(telegram, NEWCOMER, "Yusuf");

    for (const kind of ["document", "audio", "video_note", "location"] as const) {
      const answer = telegram.nextBotMessage(NEWCOMER);
      await telegram.sendAttachment(NEWCOMER, kind, "IMG_20260312_Ausweis.jpg");
      expect(plain(await answer), kind).toContain("Diese Nachricht kann ich nicht weiterleiten");
    }
    const answer = telegram.nextBotMessage(VOLUNTEER);
    await telegram.sendAttachment(VOLUNTEER, "document", "Visitenkarte.pdf");
    expect(plain(await answer)).toContain("Dateien, Videos, Standorte und Kontakte");

    await telegram.sendPhoto(NEWCOMER);
    await telegram.sendVoice(NEWCOMER);
    await telegram.sendText(NEWCOMER, "Danke!");
    const copies = await telegram.waitFor(() => (copiesFrom(stack, VOLUNTEER, NEWCOMER).length === 3 ? copiesFrom(stack, VOLUNTEER, NEWCOMER) : undefined));
    expect(copies.map((m) => m.kind)).toEqual(["photo", "voice", "text"]);
    expect(copiesFrom(stack, NEWCOMER, VOLUNTEER)).toEqual([]);
  });

  it("the letter of a request is taken as a photo, not as a file", async () => {
    const { telegram } = stack;
    await onboard(telegram, LETTER_NEWCOMER, "de", "Brief");
    await tapLast(stack, LETTER_NEWCOMER, /^menu:mediation$/);
    await tapLast(stack, LETTER_NEWCOMER, /:language:ar$/);
    await tapLast(stack, LETTER_NEWCOMER, /:purpose:JOBCENTER$/);
    await tapLast(stack, LETTER_NEWCOMER, /:mode:LETTER$/);
    await waitForText(telegram, LETTER_NEWCOMER, "Foto des Briefes");
    const refused = telegram.nextBotMessage(LETTER_NEWCOMER);
    await telegram.sendAttachment(LETTER_NEWCOMER, "document", "Bescheid.pdf");
    expect(plain(await refused)).toContain("Bitte schicken Sie hier ein Foto des Briefes");
    const next = telegram.nextBotMessage(LETTER_NEWCOMER);
    await telegram.sendPhoto(LETTER_NEWCOMER);
    expect(plain(await next)).toContain("Wann brauchen Sie die Hilfe?");
  });

  it("erasure takes the coordinators' closing note and the unsent messages to others that quote the person", async () => {
    const { telegram, app } = stack;
    await onboarded(stack, CLOSED_NEWCOMER, "de");
    const closed = await requestOf(stack, CLOSED_NEWCOMER, { language: "fa" });
    expect(await app.core.coordination.closeUnmatched({ slackUserId: COORDINATOR }, closed.id, "Frau K. aus der Lindenstraße, bitte zurückrufen")).toEqual({ kind: "closed" });
    await app.core.privacy.erase(CLOSED_NEWCOMER);
    expect((await app.database.prisma.helpRequest.findUniqueOrThrow({ where: { id: closed.id } })).closingNote).toBeNull();

    await onboarded(stack, QUOTED_NEWCOMER, "de");
    await approvedVolunteer(stack, QUOTED_VOLUNTEER, { firstName: "Leyla", languages: [{ language: "ti", level: "NATIVE" }] });
    const request = await requestOf(stack, QUOTED_NEWCOMER, { language: "ti", place: "Hauptstraße 5, 2. Stock", note: "Ich bin schwanger" });
    await telegram.waitFor(() => telegram.botMessages(QUOTED_VOLUNTEER).find((m) => plain(m).includes(request.reference)));
    // The volunteer accepts while the Telegram queue stands still: the details wait in the outbox.
    const queue = app.queues.queue(OUTBOUND_TELEGRAM);
    await queue.pause();
    try {
      await acceptOffer(stack, QUOTED_VOLUNTEER, request.reference);
      await eventually(async () => expect(json(await app.database.prisma.outbox.findMany({ where: { recipient: String(QUOTED_VOLUNTEER), status: "PENDING" } }))).toContain("Hauptstraße 5"));
      await app.core.privacy.erase(QUOTED_NEWCOMER);
      expect(json(await app.database.prisma.outbox.findMany())).not.toMatch(/Hauptstraße 5|schwanger/);
    } finally {
      await queue.resume();
    }
    await waitForText(telegram, QUOTED_VOLUNTEER, "wurde abgesagt");
    expect(telegram.botMessages(QUOTED_VOLUNTEER).some((m) => /Hauptstraße|schwanger/.test(plain(m)))).toBe(false);
  });
});
