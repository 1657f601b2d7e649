import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ACTIONS } from "../../handlers/slack/action-ids.js";
import { acceptOffer, copiesFrom, onboarded, requestOf } from "../helpers/journeys.js";
import { COORDINATOR, COORDINATOR_CHANNEL, startStack, type Stack } from "../helpers/stack.js";
import { buttonData, waitForText } from "../helpers/telegram.js";
import { approvedVolunteer } from "../helpers/volunteers.js";
import { eventually } from "../helpers/wait.js";

const DAY = 86_400_000;
const INTERPRETER = 76_001;
const MENTOR = 76_002;
const LATE_MENTOR = 76_003;
const AFTER_APPOINTMENT = 75_001;
const ASAP = 75_002;
const MENTORED = 75_003;
const UNCONFIRMED = 75_004;
const RECENT = 75_005;

/**
 * A volunteer who never sends /done must not keep a newcomer's place, note and letter (and an open relay)
 * forever: retention closes stuck matched jobs some days after the appointment, weeks after an "as soon as
 * possible" match, and reviews mentorships after half a year – both sides told politely – and anonymises
 * them on the normal schedule.
 */
describe("stuck matched requests are closed and anonymised", () => {
  let stack: Stack;
  const db = () => stack.app.database.prisma;
  const setTimes = (reference: string, data: { appointmentAt?: Date; matchedAt?: Date; confirmedAt?: Date }) => db().helpRequest.update({ where: { reference }, data });

  beforeAll(async () => {
    stack = await startStack({ env: { OFFER_QUIET_MS: "1", DISPATCH_WAVE_INTERVAL_MS: "600000" } });
    await approvedVolunteer(stack, INTERPRETER, { firstName: "Yusuf", weeklyCapacity: 5 });
    await approvedVolunteer(stack, MENTOR, { firstName: "Hanna", roles: ["MENTOR"], gender: "WOMAN", remoteOnly: true, districts: [] });
    await approvedVolunteer(stack, LATE_MENTOR, { firstName: "Klaus", roles: ["MENTOR"], gender: "MAN", languages: [{ language: "uk", level: "NATIVE" }], remoteOnly: true, districts: [] });
    for (const id of [AFTER_APPOINTMENT, ASAP, MENTORED, UNCONFIRMED, RECENT]) await onboarded(stack, id, "de", `Newcomer${id}`);
  });
  afterAll(() => stack?.stop());

  it("closes jobs past their time, tells both sides, closes the relay, and anonymises them on schedule; recent jobs stay", async () => {
    const { telegram, slack, app } = stack;
    const soon = new Date(Date.now() + 3 * DAY);
    const appointment = await requestOf(stack, AFTER_APPOINTMENT, { appointmentAt: soon, place: "Jobcenter, Raum 12", note: "Termin wegen Bürgergeld" });
    await acceptOffer(stack, INTERPRETER, appointment.reference);
    const asap = await requestOf(stack, ASAP, { note: "Brief von der Krankenkasse" });
    await acceptOffer(stack, INTERPRETER, asap.reference);
    const recent = await requestOf(stack, RECENT, { appointmentAt: soon });
    await acceptOffer(stack, INTERPRETER, recent.reference);
    const mentoring = await requestOf(stack, MENTORED, { kind: "MENTORING", topic: "WORK", purpose: undefined, mode: undefined });
    await acceptOffer(stack, MENTOR, mentoring.reference);
    const card = await slack.waitFor(() => slack.channelMessages(COORDINATOR_CHANNEL).find((m) => m.text?.includes(mentoring.reference)));
    await slack.clickButton(COORDINATOR, card, ACTIONS.confirmMentoring);
    await waitForText(telegram, MENTORED, "Hanna");
    const unconfirmed = await requestOf(stack, UNCONFIRMED, { kind: "MENTORING", topic: "FAMILY", language: "uk", purpose: undefined, mode: undefined });
    await acceptOffer(stack, LATE_MENTOR, unconfirmed.reference);
    const lateCard = await slack.waitFor(() => slack.channelMessages(COORDINATOR_CHANNEL).find((m) => m.text?.includes(unconfirmed.reference)));

    // Time passes: nobody sends /done, nobody confirms the second mentorship.
    await setTimes(appointment.reference, { appointmentAt: new Date(Date.now() - 4 * DAY), matchedAt: new Date(Date.now() - 6 * DAY) });
    await setTimes(asap.reference, { matchedAt: new Date(Date.now() - 15 * DAY) });
    await setTimes(recent.reference, { matchedAt: new Date(Date.now() - 20 * DAY) });
    await setTimes(mentoring.reference, { matchedAt: new Date(Date.now() - 200 * DAY), confirmedAt: new Date(Date.now() - 181 * DAY) });
    await setTimes(unconfirmed.reference, { matchedAt: new Date(Date.now() - 15 * DAY) });

    const result = await app.core.retention.apply();
    expect(result.closedByTime).toEqual({ "after-appointment": 1, asap: 1, review: 1, unconfirmed: 1 });

    await waitForText(telegram, AFTER_APPOINTMENT, `Ihre Anfrage ${appointment.reference} ist jetzt abgeschlossen, der Chat mit Yusuf ist beendet`);
    await waitForText(telegram, ASAP, `Ihre Anfrage ${asap.reference} ist jetzt abgeschlossen`);
    await telegram.waitFor(() => telegram.botMessages(INTERPRETER).filter((m) => m.text?.includes("liegt eine Weile zurück")).length === 2);
    await waitForText(telegram, MENTORED, `Ihre Patenschaft ${mentoring.reference} mit Hanna läuft schon lange`);
    await waitForText(telegram, MENTOR, `Ihre Patenschaft ${mentoring.reference} läuft schon lange`);
    // The mentorship nobody confirmed ends honestly for the newcomer; the mentor is thanked; the card shows it.
    await waitForText(telegram, UNCONFIRMED, "Anlaufstellen");
    await waitForText(telegram, LATE_MENTOR, "nicht rechtzeitig bestätigt");
    await slack.waitFor(() => (slack.message(lateCard)?.updates ?? 0) > 0 && !JSON.stringify(slack.message(lateCard)?.blocks).includes(ACTIONS.confirmMentoring));

    const statuses = Object.fromEntries(
      (await db().helpRequest.findMany({ where: { reference: { in: [appointment.reference, asap.reference, recent.reference, mentoring.reference, unconfirmed.reference] } } })).map((r) => [r.reference, r.status]),
    );
    expect(statuses).toEqual({ [appointment.reference]: "DONE", [asap.reference]: "DONE", [recent.reference]: "MATCHED", [mentoring.reference]: "DONE", [unconfirmed.reference]: "UNMATCHED" });

    // The relay is closed: the newcomer's message now meets the menu, not the volunteer.
    const copies = copiesFrom(stack, INTERPRETER, AFTER_APPOINTMENT).length;
    const answer = telegram.nextBotMessage(AFTER_APPOINTMENT);
    await telegram.sendText(AFTER_APPOINTMENT, "Sind Sie noch da?");
    expect(buttonData(await answer)).toContain("menu:mediation");
    expect(copiesFrom(stack, INTERPRETER, AFTER_APPOINTMENT)).toHaveLength(copies);
    // The recent job's chat still works.
    await telegram.sendText(RECENT, "Bis bald!");
    await telegram.waitFor(() => copiesFrom(stack, INTERPRETER, RECENT)[0]);

    // Retention then anonymises them like any closed request.
    await db().helpRequest.updateMany({ where: { reference: { in: [appointment.reference, asap.reference] } }, data: { closedAt: new Date(Date.now() - 31 * DAY) } });
    await app.core.retention.apply();
    await eventually(async () => {
      const rows = await db().helpRequest.findMany({ where: { reference: { in: [appointment.reference, asap.reference] } } });
      expect(rows.map((r) => [r.place, r.note, r.newcomerId, r.anonymisedAt !== null])).toEqual([
        [null, null, null, true],
        [null, null, null, true],
      ]);
    });
  });

  it("closes nothing twice", async () => {
    const result = await stack.app.core.retention.apply();
    expect(result.closedByTime).toEqual({ "after-appointment": 0, asap: 0, review: 0, unconfirmed: 0 });
  });
});
