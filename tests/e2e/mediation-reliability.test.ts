import { afterEach, describe, expect, it } from "vitest";
import type { RequestDraft } from "../../core/requests.js";
import { CLOSE_REQUEST, OFFER_TO_ALL } from "../../handlers/slack/alerts.js";
import { COORDINATOR_CHANNEL, startStack, type Stack, type StackOptions } from "../helpers/stack.js";
import { buttonData, onboard, plain, waitForText } from "../helpers/telegram.js";
import { approvedVolunteer } from "../helpers/volunteers.js";
import { eventually } from "../helpers/wait.js";

const NEWCOMER = 41_001;
const phoneRequest: RequestDraft = { kind: "MEDIATION", language: "ar", purpose: "HEALTH", mode: "PHONE" };

async function request(stack: Stack, draft: RequestDraft = phoneRequest, key = `${Math.random()}`) {
  const result = await stack.app.core.requests.create(NEWCOMER, draft, key);
  if (result.kind !== "created" && result.kind !== "exists") throw new Error(`not created: ${result.kind}`);
  return result;
}

const offerMessage = (stack: Stack, chatId: number) => stack.telegram.botMessages(chatId).find((m) => buttonData(m).some((d) => d.startsWith("offer:accept:")));

describe("language mediation: reliability", () => {
  let stack: Stack | undefined;
  afterEach(async () => {
    await stack?.stop();
    stack = undefined;
  });

  async function start(options: StackOptions = {}) {
    stack = await startStack(options);
    await onboard(stack.telegram, NEWCOMER, "de", "Amal");
    return stack;
  }

  it("10 volunteers press Accept at the same moment: exactly one match, nine 'taken' edits", async () => {
    const s = await start({ env: { DISPATCH_WAVE_SIZE: "10", DISPATCH_WAVE_INTERVAL_MS: "600000" } });
    const volunteers = Array.from({ length: 10 }, (_, i) => 42_000 + i);
    for (const id of volunteers) await approvedVolunteer(s, id, { remoteOnly: true, districts: [] });
    const { requestId } = await request(s);
    const offers = await s.telegram.waitFor(() => {
      const all = volunteers.map((id) => offerMessage(s, id));
      return all.every(Boolean) ? all : undefined;
    }, 10_000);

    const presses = await Promise.all(volunteers.map((id, i) => s.telegram.pressButton(id, offers[i]?.message_id ?? 0, { label: "✅ Ich übernehme" })));
    const answers = await s.telegram.waitFor(() => {
      const all = presses.map((u) => s.telegram.callbackAnswer(u.callback_query?.id ?? "")?.text);
      return all.every((a) => a !== undefined) ? all : undefined;
    });
    expect(answers.filter((a) => a === "Danke! Die Einzelheiten folgen.")).toHaveLength(1);
    expect(answers.filter((a) => a?.startsWith("Schon vergeben"))).toHaveLength(9);

    const db = s.app.database.prisma;
    const matched = await db.helpRequest.findUniqueOrThrow({ where: { id: requestId } });
    expect(matched.status).toBe("MATCHED");
    const statuses = await db.offer.groupBy({ by: ["status"], where: { requestId }, _count: true });
    expect(Object.fromEntries(statuses.map((g) => [g.status, g._count]))).toEqual({ ACCEPTED: 1, TAKEN: 9 });
    const winner = volunteers[answers.indexOf("Danke! Die Einzelheiten folgen.")] ?? 0;
    for (const [i, id] of volunteers.entries()) {
      const message = s.telegram.message(id, offers[i]?.message_id ?? 0);
      if (id === winner) await eventually(() => expect(plain(s.telegram.message(id, offers[i]?.message_id ?? 0))).toContain("übernommen. Danke!"));
      else await eventually(() => expect(plain(s.telegram.message(id, message?.message_id ?? 0))).toContain("schon jemand anderes übernommen"));
    }
    // Each losing offer was edited exactly once.
    await new Promise((r) => setTimeout(r, 300));
    for (const [i, id] of volunteers.entries()) if (id !== winner) expect(s.telegram.message(id, offers[i]?.message_id ?? 0)?.edits).toBe(1);
  });

  it("the same confirm delivered twice creates one request, and a double-tapped Accept is harmless", async () => {
    const s = await start({ env: { DISPATCH_WAVE_INTERVAL_MS: "600000" } });
    await approvedVolunteer(s, 43_001, { remoteOnly: true, districts: [] });
    const { telegram } = s;
    const tap = async (pattern: RegExp) => {
      const last = await telegram.waitFor(() => {
        const m = telegram.botMessages(NEWCOMER).at(-1);
        return buttonData(m).some((d) => pattern.test(d)) ? m : undefined;
      });
      return telegram.pressButton(NEWCOMER, last.message_id, { data: buttonData(last).find((d) => pattern.test(d)) ?? "" });
    };
    await telegram.pressButton(NEWCOMER, telegram.botMessages(NEWCOMER).at(-1)?.message_id ?? 0, { data: "menu:mediation" });
    await tap(/:language:ar$/);
    await tap(/:purpose:HEALTH$/);
    await tap(/:mode:PHONE$/);
    await tap(/:when:asap$/);
    await tap(/:note:skip$/);
    const confirm = await tap(/:confirm:yes$/);
    await telegram.deliver(confirm);
    await telegram.deliver({ ...confirm, update_id: confirm.update_id + 100_000 });
    await waitForText(telegram, NEWCOMER, "Ihre Anfrage ist angekommen");
    await new Promise((r) => setTimeout(r, 500));
    expect(await s.app.database.prisma.helpRequest.count()).toBe(1);
    expect(telegram.botMessages(NEWCOMER).filter((m) => plain(m).includes("Ihre Anfrage ist angekommen"))).toHaveLength(1);

    const offer = await telegram.waitFor(() => offerMessage(s, 43_001));
    const first = await telegram.pressButton(43_001, offer.message_id, { label: "✅ Ich übernehme" });
    const second = await telegram.pressButton(43_001, offer.message_id, { label: "✅ Ich übernehme" });
    await telegram.waitFor(() => telegram.callbackAnswer(second.callback_query?.id ?? ""));
    expect(telegram.callbackAnswer(first.callback_query?.id ?? "")?.text).toBe("Danke! Die Einzelheiten folgen.");
    expect(telegram.callbackAnswer(second.callback_query?.id ?? "")?.text).toBe("Sie haben diese Anfrage schon übernommen.");
    await new Promise((r) => setTimeout(r, 300));
    expect(telegram.botMessages(43_001).filter((m) => plain(m).includes("Hier sind die Einzelheiten"))).toHaveLength(1);
  });

  it("the newcomer cancels while offers are out: the offers are withdrawn", async () => {
    const s = await start({ env: { DISPATCH_WAVE_SIZE: "2", DISPATCH_WAVE_INTERVAL_MS: "600000" } });
    await approvedVolunteer(s, 44_001, { remoteOnly: true, districts: [] });
    await approvedVolunteer(s, 44_002, { remoteOnly: true, districts: [] });
    const { reference } = await request(s);
    const offers = await s.telegram.waitFor(() => {
      const both = [offerMessage(s, 44_001), offerMessage(s, 44_002)];
      return both.every(Boolean) ? both : undefined;
    });
    const acceptData = buttonData(offers[0])[0] ?? "";
    await s.telegram.sendText(NEWCOMER, "/myrequests");
    const list = await waitForText(s.telegram, NEWCOMER, "Ihre Anfragen:");
    await s.telegram.pressButton(NEWCOMER, list.message_id, { label: `✖️ ${reference} absagen` });
    await waitForText(s.telegram, NEWCOMER, "wirklich absagen");
    await s.telegram.pressButton(NEWCOMER, list.message_id, { label: "Ja, absagen" });
    await waitForText(s.telegram, NEWCOMER, `Ihre Anfrage ${reference} ist abgesagt.`);
    for (const [i, id] of [44_001, 44_002].entries()) {
      await eventually(() => expect(plain(s.telegram.message(id, offers[i]?.message_id ?? 0))).toContain("nicht mehr gebraucht"));
      expect(buttonData(s.telegram.message(id, offers[i]?.message_id ?? 0))).toEqual([]);
    }
    // A late press on a withdrawn offer changes nothing.
    const late = await s.telegram.pressButton(44_001, offers[0]?.message_id ?? 0, { forgedData: acceptData });
    await s.telegram.waitFor(() => s.telegram.callbackAnswer(late.callback_query?.id ?? ""));
    expect(s.telegram.callbackAnswer(late.callback_query?.id ?? "")?.text).toBe("Diese Anfrage wird nicht mehr gebraucht.");
    expect((await s.app.database.prisma.helpRequest.findFirstOrThrow()).status).toBe("CANCELLED");
  });

  it("the newcomer cancels after a volunteer accepted: the volunteer is told, the relay closes, no reminder follows", async () => {
    const s = await start({ env: { REMINDER_BEFORE_MS: String(3600_000) } });
    await approvedVolunteer(s, 45_001, { remoteOnly: true, districts: [] });
    const inAnHourAndAHalf = new Date(Date.now() + 3600_000 + 1500);
    const { requestId, reference } = await request(s, { ...phoneRequest, appointmentAt: inAnHourAndAHalf });
    const offer = await s.telegram.waitFor(() => offerMessage(s, 45_001));
    await s.telegram.pressButton(45_001, offer.message_id, { label: "✅ Ich übernehme" });
    await waitForText(s.telegram, NEWCOMER, "Volunteer45001");
    const cancelled = await s.app.core.requests.cancel(requestId, NEWCOMER);
    expect(cancelled.kind).toBe("cancelled");
    await waitForText(s.telegram, 45_001, `Die Anfrage ${reference} wurde abgesagt`);
    await new Promise((r) => setTimeout(r, 2500));
    expect(s.telegram.botMessages(45_001).some((m) => plain(m).includes("Erinnerung") || plain(m).includes("Gleich ist"))).toBe(false);
    const user = await s.app.database.prisma.telegramUser.findUnique({ where: { telegramId: 45_001 } });
    expect(user?.relayRequestId).toBeNull();
  });

  it("a reminder reaches both sides shortly before the appointment", async () => {
    const s = await start({ env: { REMINDER_BEFORE_MS: String(3600_000) } });
    await approvedVolunteer(s, 46_001, { remoteOnly: true, districts: [] });
    const soon = new Date(Date.now() + 3600_000 + 1500);
    await request(s, { ...phoneRequest, appointmentAt: soon });
    const offer = await s.telegram.waitFor(() => offerMessage(s, 46_001));
    await s.telegram.pressButton(46_001, offer.message_id, { label: "✅ Ich übernehme" });
    await waitForText(s.telegram, NEWCOMER, "Gleich ist Ihr Termin", 8000);
    await waitForText(s.telegram, 46_001, "Gleich ist Ihr Einsatz", 8000);
    const done = await s.app.database.prisma.helpRequest.findFirstOrThrow();
    expect(done.remindedHourAt).toBeInstanceOf(Date);
    expect(done.nextTickAt).toBeNull();
  });

  it("nobody accepts: next wave, then the widened circle, then the coordinators' alert, then an honest answer", async () => {
    const s = await start({
      env: {
        DISPATCH_WAVE_SIZE: "1",
        DISPATCH_WAVE_INTERVAL_MS: "400",
        DISPATCH_STRICT_WAVES: "1",
        DISPATCH_ESCALATE_AFTER_MS: "1200",
        DISPATCH_SEARCH_TIMEOUT_MS: "4000",
        OFFER_QUIET_MS: "60000",
        SLACK_CHANNEL_INTERVAL_MS: "20",
      },
    });
    await approvedVolunteer(s, 47_001, { firstName: "Strict", districts: ["ROLAND"] });
    await approvedVolunteer(s, 47_002, { firstName: "Basic", districts: ["ROLAND"], languages: [{ language: "ar", level: "BASIC" }] });
    await approvedVolunteer(s, 47_003, { firstName: "Elsewhere", districts: ["VELLERN"] });
    const { requestId, reference } = await request(s, { kind: "MEDIATION", language: "ar", purpose: "JOBCENTER", mode: "IN_PERSON", district: "ROLAND" });

    await s.telegram.waitFor(() => offerMessage(s, 47_001), 5000);
    expect(offerMessage(s, 47_002)).toBeUndefined();
    // The widened circle: a basic level, or another district.
    await s.telegram.waitFor(() => offerMessage(s, 47_002) && offerMessage(s, 47_003), 5000);
    const alert = await s.slack.waitFor(() => s.slack.channelMessages(COORDINATOR_CHANNEL).find((m) => m.text?.includes(reference)), 5000);
    expect(JSON.stringify(alert.blocks)).toContain(OFFER_TO_ALL);
    expect(JSON.stringify(alert.blocks)).toContain(CLOSE_REQUEST);
    expect(JSON.stringify(alert.blocks)).not.toContain("Amal");

    await waitForText(s.telegram, NEWCOMER, "niemanden gefunden", 8000);
    expect(plain(s.telegram.botMessages(NEWCOMER).at(-1))).toContain("Integrationsmanagement");
    for (const id of [47_001, 47_002, 47_003]) {
      await eventually(() => expect(plain(offerMessage(s, id) ?? s.telegram.botMessages(id).find((m) => plain(m).includes(reference)))).toContain("nicht mehr gebraucht"));
    }
    await eventually(() => expect(JSON.stringify(s.slack.channelMessages(COORDINATOR_CHANNEL).find((m) => m.text?.includes(reference))?.blocks)).toContain("niemand gefunden"));
    const closed = await s.app.database.prisma.helpRequest.findUniqueOrThrow({ where: { id: requestId } });
    expect(closed.status).toBe("UNMATCHED");
    expect(closed.widened).toBe(true);
    expect(closed.escalatedAt).toBeInstanceOf(Date);
  });

  it("a coordinator closes a stuck request with an internal note; the newcomer hears it honestly", async () => {
    const s = await start({ env: { DISPATCH_WAVE_INTERVAL_MS: "600000", DISPATCH_ESCALATE_AFTER_MS: "300", SLACK_CHANNEL_INTERVAL_MS: "20" } });
    const { requestId, reference } = await request(s);
    const alert = await s.slack.waitFor(() => s.slack.channelMessages(COORDINATOR_CHANNEL).find((m) => m.text?.includes(reference)), 5000);
    await s.slack.clickButton("U0COORD", alert, CLOSE_REQUEST);
    const modal = await s.slack.waitFor(() => s.slack.modals("U0COORD").at(-1));
    // Slack itself does not submit a required input left empty; blanks reach the product, which asks again.
    const empty = await s.slack.submitView("U0COORD", modal.id, { note: { note_input: { type: "plain_text_input", value: "" } } });
    expect(empty.refused).toEqual([{ blockId: "note", reason: "required" }]);
    const blank = await s.slack.submitView("U0COORD", modal.id, { note: { note_input: { type: "plain_text_input", value: "   " } } });
    expect(blank.body).toEqual({ response_action: "errors", errors: { note: "Bitte schreiben Sie eine kurze Notiz." } });
    const closed = await s.slack.submitView("U0COORD", modal.id, { note: { note_input: { type: "plain_text_input", value: "Kein Tigrinya-Dolmetscher im Kreis" } } });
    expect(closed.status).toBe(200);
    await waitForText(s.telegram, NEWCOMER, "niemanden gefunden");
    expect(plain(s.telegram.botMessages(NEWCOMER).at(-1))).not.toContain("Tigrinya-Dolmetscher");
    const request_ = await s.app.database.prisma.helpRequest.findUniqueOrThrow({ where: { id: requestId } });
    expect(request_.status).toBe("UNMATCHED");
    expect(request_.closingNote).toBe("Kein Tigrinya-Dolmetscher im Kreis");
    await eventually(() => expect(JSON.stringify(s.slack.channelMessages(COORDINATOR_CHANNEL).find((m) => m.text?.includes(reference))?.blocks)).toContain("Kein Tigrinya-Dolmetscher"));
  });

  it("a coordinator offers a stuck request to everyone from the Slack alert", async () => {
    const s = await start({ env: { DISPATCH_WAVE_SIZE: "1", DISPATCH_WAVE_INTERVAL_MS: "600000", DISPATCH_ESCALATE_AFTER_MS: "300", SLACK_CHANNEL_INTERVAL_MS: "20" } });
    await approvedVolunteer(s, 48_001, { remoteOnly: true, districts: [] });
    await approvedVolunteer(s, 48_002, { remoteOnly: true, districts: [], weeklyCapacity: 1 });
    await approvedVolunteer(s, 48_003, { remoteOnly: true, districts: [] });
    const { reference } = await request(s);
    const alert = await s.slack.waitFor(() => s.slack.channelMessages(COORDINATOR_CHANNEL).find((m) => m.text?.includes(reference)), 5000);
    const answer = await s.slack.clickButton("U0COORD", alert, OFFER_TO_ALL);
    expect(answer.status).toBe(200);
    await s.slack.waitFor(() => s.slack.responses.find((r) => String(r.body.text).includes("weitere Personen angeboten")));
    await s.telegram.waitFor(() => [48_001, 48_002, 48_003].every((id) => offerMessage(s, id)), 5000);
  });
});
