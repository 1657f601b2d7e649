import { describe, expect, it } from "vitest";
import { checkPoll, MAX_OPTIONS, parsePollCommand, type PollDraft } from "../../core/polls.js";

const TZ = "Europe/Berlin";
/** Wednesday 25 November 2026, 11:00 in Berlin. */
const now = new Date("2026-11-25T10:00:00Z");
const parse = (text: string) => parsePollCommand(text, TZ, now);
const draft: PollDraft = { question: "Pizza oder Döner?", labels: ["Pizza", "Döner"], multiple: false, anonymous: false, datePoll: false };
const check = (change: Partial<PollDraft>) => checkPoll({ ...draft, ...change }, TZ, now);

describe("/poll as typed in Slack", () => {
  it("reads a question and its options in straight quotes, single choice and open by default", () => {
    expect(parse('"Pizza oder Döner?" "Pizza" "Döner"')).toEqual({
      question: "Pizza oder Döner?",
      options: [{ label: "Pizza" }, { label: "Döner" }],
      multiple: false,
      anonymous: false,
      datePoll: false,
    });
  });

  it("reads German quotes „…“ and guillemets «…» as people type them", () => {
    expect(parse("„Wann treffen wir uns?“ „Montag“ „Dienstag“")).toMatchObject({ question: "Wann treffen wir uns?", options: [{ label: "Montag" }, { label: "Dienstag" }] });
    expect(parse("«Ort?» «Rathaus» «Bibliothek»")).toMatchObject({ question: "Ort?", options: [{ label: "Rathaus" }, { label: "Bibliothek" }] });
  });

  it.each([
    ["--multi", { multiple: true }],
    ["--mehrfach", { multiple: true }],
    ["--anon", { anonymous: true }],
    ["--anonym", { anonymous: true }],
    ["--anonymous", { anonymous: true }],
    ["--MULTI", { multiple: true }],
  ])("understands the flag %s", (flag, expected) => {
    expect(parse(`"Q?" "A" "B" ${flag}`)).toMatchObject(expected);
  });

  it.each(["--termin", "--date", "--dates"])("%s makes a date poll whose options are dates with times", (flag) => {
    const poll = parse(`"Wann?" "3.12. 18:00" "4.12. 19:30" ${flag}`);
    expect(poll).toMatchObject({
      datePoll: true,
      options: [
        { label: "3.12. 18:00", startsAt: new Date("2026-12-03T17:00:00Z") },
        { label: "4.12. 19:30", startsAt: new Date("2026-12-04T18:30:00Z") },
      ],
    });
  });

  it("a date poll's time may have words, as people write it", () => {
    expect(parse('"Wann?" "3.12. 2 pm" "4.12. 14 Uhr" --termin')).toMatchObject({
      options: [{ startsAt: new Date("2026-12-03T13:00:00Z") }, { startsAt: new Date("2026-12-04T13:00:00Z") }],
    });
  });

  it("a date poll refuses an option that is not a date, naming it", () => {
    expect(parse('"Wann?" "3.12. 18:00" "irgendwann" --termin')).toEqual({ error: "slack.poll.error.date", field: "options", params: { text: "irgendwann" } });
  });

  it.each([
    ["--bis 24.12. 18:00", "2026-12-24T17:00:00.000Z"],
    ["--until 24.12. 18:00", "2026-12-24T17:00:00.000Z"],
    ["--deadline 2026-12-24 18.00", "2026-12-24T17:00:00.000Z"],
    ["--bis 24.12.", "2026-12-24T22:59:00.000Z"],
  ])("closes at the deadline given: %s", (flag, closesAt) => {
    const poll = parse(`"Q?" "A" "B" ${flag}`);
    expect("closesAt" in poll && poll.closesAt?.toISOString()).toBe(closesAt);
  });

  it("refuses a deadline in the past: earlier today, or a day gone by", () => {
    expect(parse('"Q?" "A" "B" --bis 25.11. 09:00')).toEqual({ error: "slack.poll.error.deadline", field: "deadline" });
    expect(parse('"Q?" "A" "B" --bis 24.11.2026')).toEqual({ error: "slack.poll.error.deadline", field: "deadline" });
  });

  it("a deadline without a year is the next such day, so it is never in the past", () => {
    const poll = parse('"Q?" "A" "B" --bis 24.11.');
    expect("closesAt" in poll && poll.closesAt?.toISOString()).toBe("2027-11-24T22:59:00.000Z");
  });

  it("refuses a deadline that is not a date", () => {
    expect(parse('"Q?" "A" "B" --bis morgen')).toEqual({ error: "slack.poll.error.deadline", field: "deadline" });
  });

  it("refuses an unknown flag or words outside quotes, quoting them", () => {
    expect(parse('"Q?" "A" "B" --geheim')).toEqual({ error: "slack.poll.error.unknown", field: "flags", params: { text: "--geheim" } });
    expect(parse('Pizza? "A" "B"')).toEqual({ error: "slack.poll.error.unknown", field: "flags", params: { text: "Pizza?" } });
  });

  it("refuses an anonymous poll with multiple choice: the member's one ballot is final", () => {
    expect(parse('"Q?" "A" "B" --anonym --multi')).toEqual({ error: "slack.poll.error.anonymousMultiple", field: "flags" });
  });

  it("refuses fewer than two options, and more than ten", () => {
    expect(parse('"Q?" "A"')).toEqual({ error: "slack.poll.error.options", field: "options" });
    const eleven = Array.from({ length: MAX_OPTIONS + 1 }, (_, i) => `"${i + 1}"`).join(" ");
    expect(parse(`"Q?" ${eleven}`)).toEqual({ error: "slack.poll.error.tooMany", field: "options", params: { max: 10 } });
    const ten = Array.from({ length: MAX_OPTIONS }, (_, i) => `"${i + 1}"`).join(" ");
    expect(parse(`"Q?" ${ten}`)).toMatchObject({ question: "Q?" });
  });

  it("a flag inside quotes is an option's text, not a flag", () => {
    expect(parse('"Wie?" "--multi" "--bis 24.12."')).toMatchObject({ multiple: false, options: [{ label: "--multi" }, { label: "--bis 24.12." }] });
    expect(parse('"Wie?" "--multi" "--bis 24.12."')).not.toHaveProperty("closesAt");
  });

  it("with nothing typed, explains the usage", () => {
    expect(parse("")).toEqual({ error: "slack.poll.error.usage", field: "question" });
  });
});

describe("the one check of a poll (slash command and modal)", () => {
  it("drops empty options and trims the rest", () => {
    expect(check({ labels: [" Pizza ", "", "   ", "Döner"] })).toMatchObject({ options: [{ label: "Pizza" }, { label: "Döner" }] });
  });

  it("needs a question", () => {
    expect(check({ question: "   " })).toEqual({ error: "slack.poll.error.usage", field: "question" });
  });

  it("cuts a long question to 300 characters and a long option to 75", () => {
    const poll = check({ question: "?".repeat(400), labels: ["a".repeat(100), "b"] });
    expect(poll).toMatchObject({ question: "?".repeat(300), options: [{ label: "a".repeat(75) }, { label: "b" }] });
  });

  it("takes the modal's deadline as a day and a time, or the end of that day", () => {
    expect(check({ deadline: { day: "2026-11-26", time: "12:00" } })).toMatchObject({ closesAt: new Date("2026-11-26T11:00:00Z") });
    expect(check({ deadline: { day: "2026-11-25" } })).toMatchObject({ closesAt: new Date("2026-11-25T22:59:00Z") });
    expect(check({ deadline: { day: "2026-11-25", time: "10:59" } })).toEqual({ error: "slack.poll.error.deadline", field: "deadline" });
  });

  it("refuses anonymous multiple choice from the modal too", () => {
    expect(check({ anonymous: true, multiple: true })).toEqual({ error: "slack.poll.error.anonymousMultiple", field: "flags" });
  });
});
