import { withoutDirectionMarks } from "../core/i18n.js";
import { ACTIONS, choice } from "../handlers/slack/action-ids.js";
import type { SlackSimMessage, SlackWorkspace } from "./slack-api.js";
import type { SimMessage, TelegramEmulator } from "./telegram-api.js";

/** A town as the scripted day uses it: its network, and its Slack workspace with its people and channels. */
export type ScenarioTown = {
  slug: string;
  /** The network's id (a volunteer ticks the towns they help in by it). */
  networkId: string;
  workspace: SlackWorkspace;
  coordinator: string;
  member: string;
  coordinatorChannel: string;
  networkChannel: string;
  /** The AG a meeting is planned for. */
  groupId: string;
};

/** Who plays the demo day, in which town. */
export type ScenarioCast = {
  beckum: ScenarioTown;
  ahlen: ScenarioTown;
  /** Newcomers: Amina lives in Ahlen, Dawit in Beckum. */
  amina: number;
  dawit: number;
  /** Yusuf lives in Ahlen and interprets in both towns. */
  yusuf: number;
  /** Leyla interprets Arabic in Beckum only. */
  leyla: number;
  timeZone: string;
  /** Whether the product knows someone already (from a day played before, or a demo started before). */
  knows: (telegramId: number) => Promise<boolean>;
};

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** The longest a step waits for the bots' answer: generous, for a loaded machine (every wait ends as soon as it comes). */
const STEP_MS = 30_000;
const REFERENCE = /[A-Z2-9]{3}-[A-Z2-9]{3}/;
/** How long a town's coordinators may take to be alerted: the demo's escalation time and a loaded machine. */
const ALERT_WAIT_MS = 120_000;

/**
 * A scripted day in two towns, played through the emulators exactly as people would: newcomers arrive by their
 * town's poster link, Yusuf registers to interpret in Ahlen and Beckum and each town's coordinator approves him
 * in their own workspace, Amina's request in Ahlen reaches him (not Leyla, who helps only in Beckum) and he
 * takes it, the two write to each other; Dawit's request in Beckum finds nobody who speaks Tigrinya, and only
 * Beckum's coordinators are alerted. In between, Ahlen plans an AG meeting and Beckum runs a poll.
 */
export async function playScenario(telegram: TelegramEmulator, cast: ScenarioCast, step: (label: string) => void, speed = 1): Promise<void> {
  const wait = (ms: number) => pause(ms / speed);
  const data = (message: SimMessage | undefined) => (message?.reply_markup?.inline_keyboard.flat() ?? []).flatMap((b) => ("callback_data" in b && b.callback_data ? [b.callback_data] : []));
  const buttonOf = (message: SimMessage | undefined, pattern: RegExp) => message?.reply_markup?.inline_keyboard.flat().find((b) => "callback_data" in b && pattern.test(b.callback_data ?? ""));
  const lastWith = (chatId: number, pattern: RegExp) => {
    const last = telegram.botMessages(chatId).at(-1);
    return data(last).some((d) => pattern.test(d)) ? last : undefined;
  };
  const tap = async (chatId: number, pattern: RegExp) => {
    const message = await telegram.waitFor(() => lastWith(chatId, pattern), STEP_MS, `a button ${pattern}`);
    await wait(700);
    await telegram.pressButton(chatId, message.message_id, { data: data(message).find((d) => pattern.test(d)) ?? "" });
  };
  /** A toggle, ticked (and left as it is when it was ticked already). */
  const tick = async (chatId: number, pattern: RegExp) => {
    const ticked = () => buttonOf(lastWith(chatId, pattern), pattern)?.text.includes("✅");
    await telegram.waitFor(() => lastWith(chatId, pattern), STEP_MS, `a button ${pattern}`);
    if (!ticked()) await tap(chatId, pattern);
    await telegram.waitFor(ticked, STEP_MS, `${pattern} ticked`);
  };
  const type = async (chatId: number, text: string) => {
    await wait(700);
    await telegram.sendText(chatId, text);
  };
  /** A poster's link opens the bot in the town: language, privacy notice, menu. */
  const arrive = async (chatId: number, town: ScenarioTown, language: string) => {
    await telegram.sendText(chatId, `/start ${town.slug}`);
    await tap(chatId, new RegExp(`^lang:${language}$`));
    await tap(chatId, /^consent:yes$/);
    await telegram.waitFor(() => lastWith(chatId, /^menu:mediation$/), STEP_MS, "the menu");
  };
  /** Sends the request summed up in the chat, and reads its reference from the bot's answer. */
  const send = async (chatId: number) => {
    const since = telegram.botMessages(chatId).length;
    await tap(chatId, /:confirm:yes$/);
    const received = await telegram.waitFor(() => telegram.botMessages(chatId).slice(since).find((m) => REFERENCE.test(m.text ?? "")), STEP_MS, "the request's reference");
    return REFERENCE.exec(received.text ?? "")?.[0] ?? "";
  };
  const { amina, dawit, yusuf, leyla, ahlen, beckum } = cast;

  const known = [];
  for (const id of [amina, dawit, yusuf]) if (telegram.messages(id).length > 0 || (await cast.knows(id))) known.push(id);
  if (known.length > 0) {
    step("0/10 Amina, Dawit und Yusuf beginnen noch einmal von vorn (/deletemydata)");
    for (const id of known) {
      await telegram.sendText(id, "/deletemydata");
      await tap(id, /^data:sure$/);
      await telegram.waitFor(() => telegram.botMessages(id).at(-1)?.reply_markup === undefined, STEP_MS, "the erasure");
    }
  }

  step("1/10 Dawit kommt über das Plakat von Beckum (/start beckum) und liest Tigrinya");
  await arrive(dawit, beckum, "ti");
  step("2/10 Dawit bittet um einen Tigrinya-Dolmetscher für die Ärztin, am Telefon");
  await tap(dawit, /^menu:mediation$/);
  await tap(dawit, /:language:ti$/);
  await tap(dawit, /:purpose:HEALTH$/);
  await tap(dawit, /:mode:PHONE$/);
  await tap(dawit, /:when:asap$/);
  await tap(dawit, /:note:skip$/);
  const dawitsRequest = await send(dawit);

  step("3/10 Amina kommt über das Plakat von Ahlen (/start ahlen) und liest Arabisch");
  await arrive(amina, ahlen, "ar");

  step("4/10 Yusuf aus Ahlen meldet sich als Dolmetscher für Ahlen und Beckum an");
  await arrive(yusuf, ahlen, "de");
  await type(yusuf, "/volunteer");
  await tick(yusuf, /:roles:INTERPRETER$/);
  await tap(yusuf, /:roles:done$/);
  // The name is typed: its question has no button but "back".
  await telegram.waitFor(() => lastWith(yusuf, /:name:<$/), STEP_MS, "the question for the name");
  await type(yusuf, "Yusuf");
  await tick(yusuf, /:languages:ar$/);
  await tap(yusuf, /:languages:done$/);
  await tap(yusuf, /:level:ar\.NATIVE$/);
  await tap(yusuf, /:german:C1_C2$/);
  await tick(yusuf, new RegExp(`:towns:${ahlen.networkId}$`));
  await tick(yusuf, new RegExp(`:towns:${beckum.networkId}$`));
  await tap(yusuf, /:towns:done$/);
  await tick(yusuf, /:districts:AHLEN$/);
  await tick(yusuf, /:districts:BECKUM$/);
  await tap(yusuf, /:districts:done$/);
  await tap(yusuf, /:capacity:3$/);
  const earlier = new Set([beckum, ahlen].flatMap((town) => town.workspace.channelMessages(town.coordinatorChannel).map((m) => `${m.team}/${m.ts}`)));
  await tap(yusuf, /:conduct:agree$/);

  step("5/10 Frau Schulte nimmt Yusuf in Beckums Slack auf, Frau Yılmaz in Ahlens – jede für ihren Ort");
  for (const town of [beckum, ahlen]) {
    const card = await town.workspace.waitFor(
      () => town.workspace.channelMessages(town.coordinatorChannel).find((m) => !earlier.has(`${m.team}/${m.ts}`) && blocksOf(m).includes(ACTIONS.approveVolunteer)),
      STEP_MS,
      "Yusuf's registration card",
    );
    await wait(1200);
    await town.workspace.clickButton(town.coordinator, card, ACTIONS.approveVolunteer);
    await town.workspace.waitFor(() => !blocksOf(town.workspace.message(card)).includes(ACTIONS.approveVolunteer), STEP_MS, "the approval");
  }

  step("6/10 Amina bittet um eine Dolmetscherin für das Jobcenter Ahlen");
  await tap(amina, /^menu:mediation$/);
  await tap(amina, /:language:ar$/);
  await tap(amina, /:purpose:JOBCENTER$/);
  await tap(amina, /:mode:IN_PERSON$/);
  await tap(amina, /:when:date$/);
  await tap(amina, /:date:\d{4}-\d{2}-\d{2}$/);
  await tap(amina, /:time:1000$/);
  await tap(amina, /:district:AHLEN$/);
  await type(amina, "Jobcenter Ahlen");
  await tap(amina, /:note:skip$/);
  const aminasRequest = await send(amina);

  step("7/10 Yusuf bekommt das Angebot aus Ahlen und sagt zu – Leyla hilft nur in Beckum und bekommt es nicht");
  const isOffer = (m: SimMessage) => withoutDirectionMarks(m.text ?? "").includes(aminasRequest) && data(m).some((d) => d.startsWith("offer:accept:"));
  const offer = await telegram.waitFor(() => telegram.botMessages(yusuf).find(isOffer), STEP_MS, "the offer");
  if (telegram.botMessages(leyla).some(isOffer)) throw new Error("Ahlen's request reached Leyla, who helps in Beckum only");
  await wait(1500);
  await telegram.pressButton(yusuf, offer.message_id, { data: data(offer).find((d) => d.startsWith("offer:accept:")) ?? "" });

  step("8/10 Amina und Yusuf schreiben sich über den Bot");
  await telegram.waitFor(() => telegram.botMessages(amina).find((m) => withoutDirectionMarks(m.text ?? "").includes("Yusuf") && withoutDirectionMarks(m.text ?? "").includes(aminasRequest)), STEP_MS, "the match");
  const copies = telegram.botMessages(yusuf).length;
  await type(amina, "مرحبا يوسف، شكرا جزيلا!");
  await telegram.waitFor(() => telegram.botMessages(yusuf).slice(copies).find((m) => m.copiedFrom?.chatId === amina), STEP_MS, "the relayed message");
  await wait(300);
  await type(yusuf, "Hallo Amina, bis morgen um 10 Uhr am Jobcenter!");

  step("9/10 In Ahlen plant Frau Yılmaz ein Treffen der AG, Herr Becker sagt zu; in Beckum läuft eine Umfrage");
  await planMeeting(ahlen, cast.timeZone, wait);
  await runPoll(beckum, wait);

  step("10/10 Für Dawit spricht niemand Tigrinya: Beckums Koordination wird in Beckums Slack alarmiert, Ahlens nicht");
  await beckum.workspace.waitFor(
    () => beckum.workspace.channelMessages(beckum.coordinatorChannel).find((m) => JSON.stringify(m).includes(dawitsRequest) && blocksOf(m).includes(ACTIONS.offerToAll)),
    ALERT_WAIT_MS,
    "Beckum's alert about Dawit's request",
  );
  const elsewhere = ahlen.workspace.channelMessages(ahlen.coordinatorChannel).some((m) => JSON.stringify(m).includes(dawitsRequest));
  if (elsewhere) throw new Error("Ahlen's coordinators saw Beckum's request");
  step("✓ Fertig – alles lief über die Emulatoren, wie mit echtem Telegram und Slack, jeder Ort in seinem Slack.");
}

/** The blocks of a Slack message as text, to find its buttons by action id. */
const blocksOf = (message: SlackSimMessage | undefined) => JSON.stringify(message?.blocks ?? []);

/** The town's coordinator schedules an AG meeting in a modal; the member says yes. */
async function planMeeting(town: ScenarioTown, timeZone: string, wait: (ms: number) => Promise<unknown>): Promise<void> {
  const { workspace } = town;
  const before = new Set(workspace.modals(town.coordinator).map((m) => m.id));
  await workspace.slashCommand(town.coordinator, "/meeting", "", { channel: town.networkChannel });
  const modal = await workspace.waitFor(() => workspace.modals(town.coordinator).find((m) => !before.has(m.id)), STEP_MS, "the meeting modal");
  await wait(1200);
  const inAWeek = new Intl.DateTimeFormat("en-CA", { timeZone }).format(new Date(Date.now() + 7 * 86_400_000));
  const announced = new Set(workspace.channelMessages(town.networkChannel).map((m) => m.ts));
  await workspace.submitView(town.coordinator, modal.id, {
    group: { value: { type: "static_select", selected_option: { value: town.groupId } } },
    title: { value: { type: "plain_text_input", value: null } },
    day: { value: { type: "datepicker", selected_date: inAWeek } },
    time: { value: { type: "timepicker", selected_time: "18:00" } },
    place: { value: { type: "plain_text_input", value: "Rathaus Ahlen" } },
    agenda: { value: { type: "plain_text_input", value: "1. Ideen für das Fest der Kulturen\n2. Freizeitwünsche der Neuzugewanderten" } },
  });
  const announcement = await workspace.waitFor(
    () => workspace.channelMessages(town.networkChannel).find((m) => !announced.has(m.ts) && blocksOf(m).includes(ACTIONS.rsvp)),
    STEP_MS,
    "the announcement",
  );
  await wait(1200);
  await workspace.clickButton(town.member, announcement, choice(ACTIONS.rsvp, "YES"));
}

/** The town's coordinator asks the network a question; the member and the coordinator vote. */
async function runPoll(town: ScenarioTown, wait: (ms: number) => Promise<unknown>): Promise<void> {
  const { workspace } = town;
  await wait(1000);
  const asked = new Set(workspace.channelMessages(town.networkChannel).map((m) => m.ts));
  await workspace.slashCommand(town.coordinator, "/poll", "„Was brauchen wir für das Fest der Kulturen?“ „Musik“ „Essen“ „Zelte“ --mehrfach", { channel: town.networkChannel });
  const poll = await workspace.waitFor(() => workspace.channelMessages(town.networkChannel).find((m) => !asked.has(m.ts) && m.text?.includes("Fest der Kulturen?")), STEP_MS, "the poll");
  await wait(1000);
  const vote = new RegExp(`"action_id":"(${ACTIONS.vote}\\.[^"]+)"`).exec(blocksOf(poll))?.[1];
  if (!vote) return;
  await workspace.clickButton(town.member, poll, vote);
  await workspace.clickButton(town.coordinator, poll, vote);
}
