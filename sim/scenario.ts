import type { SlackEmulator } from "./slack-api.js";
import type { SimMessage, TelegramEmulator } from "./telegram-api.js";

/** Who plays the demo day. */
export type ScenarioCast = {
  newcomer: number;
  volunteers: [number, number];
  coordinator: string;
  member: string;
  networkChannel: string;
  /** Slack's id of the AG the meeting is for. */
  groupId: string;
  timeZone: string;
};

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A scripted day, played through the emulators exactly as people would: a newcomer asks for an Arabic
 * interpreter for the Jobcenter, two volunteers see the offer, one accepts, the two write to each other,
 * and in Slack a meeting is scheduled and a poll runs.
 */
export async function playScenario(telegram: TelegramEmulator, slack: SlackEmulator, cast: ScenarioCast, step: (label: string) => void, speed = 1): Promise<void> {
  const wait = (ms: number) => pause(ms / speed);
  const data = (message: SimMessage | undefined) => (message?.reply_markup?.inline_keyboard.flat() ?? []).flatMap((b) => ("callback_data" in b && b.callback_data ? [b.callback_data] : []));
  const tap = async (chatId: number, pattern: RegExp) => {
    const message = await telegram.waitFor(() => {
      const last = telegram.botMessages(chatId).at(-1);
      return data(last).some((d) => pattern.test(d)) ? last : undefined;
    }, 10_000, `a button ${pattern}`);
    await wait(700);
    await telegram.pressButton(chatId, message.message_id, { data: data(message).find((d) => pattern.test(d)) ?? "" });
  };
  const { newcomer, volunteers } = cast;

  if (telegram.messages(newcomer).length > 0) {
    step("0/6 Amina beginnt noch einmal von vorn (/deletemydata)");
    await telegram.sendText(newcomer, "/deletemydata");
    await tap(newcomer, /^data:sure$/);
    await telegram.waitFor(() => telegram.botMessages(newcomer).at(-1)?.reply_markup === undefined, 10_000, "the erasure");
  }
  step("1/6 Amina beginnt auf Arabisch");
  await telegram.sendText(newcomer, "/start");
  await tap(newcomer, /^lang:ar$/);
  await tap(newcomer, /^consent:yes$/);

  step("2/6 Amina bittet um eine Dolmetscherin für das Jobcenter");
  await tap(newcomer, /^menu:mediation$/);
  await tap(newcomer, /:language:ar$/);
  await tap(newcomer, /:purpose:JOBCENTER$/);
  await tap(newcomer, /:mode:IN_PERSON$/);
  await tap(newcomer, /:when:date$/);
  await tap(newcomer, /:date:\d{4}-\d{2}-\d{2}$/);
  await tap(newcomer, /:time:1000$/);
  await tap(newcomer, /:district:BECKUM$/);
  await wait(700);
  await telegram.sendText(newcomer, "Jobcenter Beckum");
  await tap(newcomer, /:note:skip$/);
  await tap(newcomer, /:confirm:yes$/);

  step("3/6 Yusuf und Leyla sehen das Angebot – Yusuf sagt zu");
  const offer = await telegram.waitFor(() => telegram.botMessages(volunteers[0]).find((m) => data(m).some((d) => d.startsWith("offer:accept:"))), 15_000, "the offer");
  await telegram.waitFor(() => telegram.botMessages(volunteers[1]).find((m) => data(m).some((d) => d.startsWith("offer:accept:"))), 15_000, "the second offer");
  await wait(1500);
  await telegram.pressButton(volunteers[0], offer.message_id, { data: data(offer).find((d) => d.startsWith("offer:accept:")) ?? "" });

  step("4/6 Amina und Yusuf schreiben sich über den Bot");
  await telegram.waitFor(() => telegram.botMessages(newcomer).find((m) => (m.text ?? "").includes("Yusuf")), 10_000, "the match");
  await wait(1200);
  await telegram.sendText(newcomer, "مرحبا يوسف، شكرا جزيلا!");
  await telegram.waitFor(() => telegram.botMessages(volunteers[0]).find((m) => m.copiedFrom?.chatId === newcomer), 10_000, "the relayed message");
  await wait(1000);
  await telegram.sendText(volunteers[0], "Hallo Amina, bis morgen um 10 Uhr am Jobcenter!");

  step("5/6 Frau Schulte plant ein Treffen der AG, Herr Demir sagt zu");
  await slack.slashCommand(cast.coordinator, "/meeting", "", { channel: cast.networkChannel });
  const modal = await slack.waitFor(() => slack.modals(cast.coordinator).at(-1), 10_000, "the meeting modal");
  await wait(1200);
  const inAWeek = new Intl.DateTimeFormat("en-CA", { timeZone: cast.timeZone }).format(new Date(Date.now() + 7 * 86_400_000));
  await slack.submitView(cast.coordinator, modal.id, {
    group: { value: { type: "static_select", selected_option: { value: cast.groupId } } },
    title: { value: { type: "plain_text_input", value: null } },
    day: { value: { type: "datepicker", selected_date: inAWeek } },
    time: { value: { type: "timepicker", selected_time: "18:00" } },
    place: { value: { type: "plain_text_input", value: "Multizentrum Beckum" } },
    agenda: { value: { type: "plain_text_input", value: "1. Ideen für das Fest der Kulturen\n2. Freizeitwünsche der Neuzugewanderten" } },
  });
  const announcement = await slack.waitFor(() => slack.channelMessages(cast.networkChannel).find((m) => JSON.stringify(m.blocks ?? "").includes("meeting_rsvp")), 10_000, "the announcement");
  await wait(1200);
  await slack.clickButton(cast.member, announcement, "meeting_rsvp.YES");

  step("6/6 Eine Umfrage im Netzwerk");
  await wait(1000);
  await slack.slashCommand(cast.coordinator, "/poll", "„Was brauchen wir für das Fest der Kulturen?“ „Musik“ „Essen“ „Zelte“ --mehrfach", { channel: cast.networkChannel });
  const poll = await slack.waitFor(() => slack.channelMessages(cast.networkChannel).find((m) => m.text?.includes("Fest der Kulturen?")), 10_000, "the poll");
  await wait(1000);
  const vote = JSON.stringify(poll.blocks).match(/"action_id":"(poll_vote\.[^"]+)"/)?.[1];
  if (vote) {
    await slack.clickButton(cast.member, poll, vote);
    await slack.clickButton(cast.coordinator, poll, vote);
  }
  step("✓ Fertig – alles lief über die Emulatoren, wie mit echtem Telegram und Slack.");
}
