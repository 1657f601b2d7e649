import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { withoutDirectionMarks, type Locale } from "../../core/i18n.js";
import { ACTIONS, choice } from "../../handlers/slack/action-ids.js";
import { APPROVE_VOLUNTEER } from "../../handlers/slack/volunteers.js";
import { DIGEST } from "../../jobs/schedules.js";
import type { SlackSimMessage } from "../../sim/slack-api.js";
import type { SimMessage } from "../../sim/telegram-api.js";
import { COORDINATOR, COORDINATOR_CHANNEL, NETWORK_CHANNEL, startStack, type Stack } from "../helpers/stack.js";
import { buttonData, buttons, onboard, plain } from "../helpers/telegram.js";
import { eventually } from "../helpers/wait.js";

/**
 * Every feature on both platforms, in several languages, with long and odd inputs: the emulators check
 * each call against Telegram's and Slack's rules, and this file expects them to have refused none. Where the
 * product caps a field, more than the cap is sent first and the polite refusal checked.
 */

// ---- odd inputs: lengths in characters as both platforms count them (code points) ----

/** `n` characters of `seed` repeated, without white space at either end (the product trims). */
function fill(seed: string, n: number): string {
  const units = [...seed];
  const out = Array.from({ length: n }, (_, i) => units[i % units.length] ?? "x");
  if (/\s/.test(out[0] ?? "")) out[0] = "·";
  if (/\s/.test(out[n - 1] ?? "")) out[n - 1] = "·";
  return out.join("");
}
const length = (text: string) => [...text].length;
/** As Block Kit's mrkdwn needs it. */
const escaped = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
/** Without white space, which a split between two sections or messages may drop. */
const compact = (text: string) => text.replace(/\s+/g, "");

/** Every string in a call's parameters, JSON-encoded ones (Slack's blocks, Telegram's markup) opened up. */
function* strings(value: unknown): Generator<string> {
  if (typeof value === "string") {
    yield value;
    if (/^\s*[[{]/.test(value)) {
      try {
        yield* strings(JSON.parse(value) as unknown);
      } catch {
        // not JSON after all
      }
    }
  } else if (Array.isArray(value)) for (const item of value) yield* strings(item);
  else if (value && typeof value === "object") for (const item of Object.values(value)) yield* strings(item);
}

/** Half of a surrogate pair: not a character, and not encodable in UTF-8. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The section texts of a Slack message, one after the other. */
const sectionTexts = (message: SlackSimMessage | undefined) =>
  ((message?.blocks ?? []) as { type: string; text?: { text?: string } }[]).filter((b) => b.type === "section").map((b) => b.text?.text ?? "").join("\n");

type InputElement = { type: string; action_id?: string; initial_value?: string; initial_date?: string; initial_time?: string; initial_option?: unknown; initial_options?: unknown[]; initial_conversation?: string };
/** A modal's state as Slack submits it when nothing is touched: every input with its initial value. */
function asSlackSends(view: Record<string, unknown>): Record<string, Record<string, unknown>> {
  const inputs = (view.blocks as { type: string; block_id?: string; element?: InputElement }[]).filter((b) => b.type === "input" && b.block_id && b.element);
  return Object.fromEntries(
    inputs.map(({ block_id = "", element = { type: "" } }) => {
      const state: Record<string, unknown> = { type: element.type };
      if (element.type === "plain_text_input") state.value = element.initial_value ?? null;
      else if (element.type === "datepicker") state.selected_date = element.initial_date ?? null;
      else if (element.type === "timepicker") state.selected_time = element.initial_time ?? null;
      else if (element.type === "static_select") state.selected_option = element.initial_option ?? null;
      else if (element.type === "conversations_select") state.selected_conversation = element.initial_conversation ?? null;
      else state.selected_options = element.initial_options ?? [];
      return [block_id, { [element.action_id ?? "value"]: state }];
    }),
  );
}

/** Arabic mixed with Latin, digits, Block Kit's and Markdown's special characters and an emoji. */
const ARABIC_LATIN = "مرحبا Jobcenter غداً 9:30 <Raum 12> & موعد *wichtig* _bitte_ `x` 🙂 ";
const TIGRINYA = "ሰላም ቤት ጽሕፈት Jobcenter ኣብ 10:00 & <ቁ. 3> 🙏 ";
const PASHTO = "سلام د کار دفتر Jobcenter سبا ۹:۳۰ & <کوټه ۱۲> 🌿 ";
const GERMAN = "Termin beim Ausländeramt, Zimmer 3 & <Wartenummer> – bitte pünktlich 🕘 ";
/** Emoji of one, two and several code points (skin tone, ZWJ sequence, a flag). */
const EMOJI = "😀🎉🙏🏽👩‍⚕️🇸🇾🌍✨💬";
/** Characters of Block Kit's mrkdwn that escaping multiplies (`&` becomes `&amp;`): a text of them grows fivefold. */
const MARKUP = "Q&A<>&&<<>> ";

/**
 * `n` characters whose emoji (outside the BMP: two UTF-16 units) starts at character `at`, all before it
 * in the BMP: a cap applied with `String.slice(0, at + 1)` would keep half of it.
 */
const emojiAt = (seed: string, at: number, n: number, emoji = "🏠") => fill(seed, at) + emoji + fill(seed, n - at - 1);
/** Letters of the BMP only (one UTF-16 unit each), Arabic mixed with Latin. */
const BMP = "Wohnung سكن Nachbarschaft جيران ";

/** What each newcomer writes, in their language. */
const SEED: Record<string, string> = { ar: ARABIC_LATIN, ti: TIGRINYA, ps: PASHTO, de: GERMAN, en: `Appointment at the job centre & <room 4> ${ARABIC_LATIN}` };
/** The report each newcomer writes: 1,000 characters; the German one of the characters mrkdwn escaping multiplies. */
const reportText = (locale: string) => fill(locale === "de" ? MARKUP : (SEED[locale] ?? GERMAN), 1000);

// ---- people ----

const NEWCOMERS = { ar: 71_001, ti: 71_002, ps: 71_003, de: 71_004, en: 71_005 } as const;
type NewcomerLocale = keyof typeof NEWCOMERS;
/** The interpreting language each newcomer asks for. */
const ASKS_FOR: Record<NewcomerLocale, string> = { ar: "ar", ti: "ti", ps: "ps", de: "uk", en: "so" };
/** Registers through /volunteer in Tigrinya; the only one who speaks Tigrinya, so the Tigrinya jobs are his. */
const YUSUF = 73_001;
const YUSUF_NAME = fill("Yusuf ዮሱፍ يوسف Al-Amin ", 40);
const MEMBERS = Array.from({ length: 30 }, (_, i) => `U0M${String(i).padStart(2, "0")}`);
const ENGLISH = "U0EN";
const AG_CHANNEL = "C0AGLONG";

describe("conformance: every feature, both platforms, many languages, long and odd inputs", () => {
  let stack: Stack;
  /** Everything the product sent to Slack and the emulator checked, by method (Web API, response URLs, command answers). */
  const slackChecked = new Map<string, number>();
  /** Modal submissions Slack's client refused (a field over its max_length): nothing reached the product. */
  let refusedByClient = 0;
  let violationsSeen = 0;

  beforeAll(async () => {
    stack = await startStack({
      env: {
        // Many requests per person (12 open of a kind; the 13th is refused below), all within a day.
        REQUEST_LIMIT_OPEN: "12",
        REQUEST_LIMIT_DAY: "60",
        // Coordinators get the "nobody yet" card at once; volunteers may take several jobs in a row.
        DISPATCH_ESCALATE_AFTER_MS: "1500",
        DISPATCH_WAVE_INTERVAL_MS: "600000",
        OFFER_QUIET_MS: "1",
        MEETING_REMINDERS: "2h",
        // Tests send far more than a person: the emulator has no rate limit, Telegram's pacing would only slow this down.
        TELEGRAM_MESSAGES_PER_SECOND: "300",
      },
    });
    stack.slack.on("call", (call: { method: string }) => {
      if (call.method === "view_submission_refused") refusedByClient++;
      else if (!["view_submission", "view_closed", "socket_connected"].includes(call.method)) slackChecked.set(call.method, (slackChecked.get(call.method) ?? 0) + 1);
    });
    stack.slack.member(ENGLISH, "Jamie", { locale: "en-US" });
    for (const member of [COORDINATOR, ENGLISH, ...MEMBERS]) stack.slack.join(NETWORK_CHANNEL, member);
  });

  const reported = new Set<string>();
  afterEach(() => {
    const { telegram, slack } = stack;
    // Named by the test that caused them.
    const fresh = [...telegram.violations.map((v) => `Telegram ${v.method}: ${v.description}`), ...slack.violations.map((v) => `Slack ${v.method}: ${v.error} ${v.errors.join("; ")}`)].slice(violationsSeen);
    violationsSeen += fresh.length;
    // Both platforms take UTF-8 only: a text cut inside a surrogate pair (half an emoji) cannot be encoded.
    const sent = [
      ...telegram.calls.map((c) => ({ where: `Telegram ${c.method}`, value: c.params as unknown })),
      ...slack.calls.map((c) => ({ where: `Slack ${c.method}`, value: c.params as unknown })),
      // What reached members without a Web API call: command answers and response URLs.
      ...slack.messages.map((m) => ({ where: `Slack message in ${m.channel}`, value: { text: m.text, blocks: m.blocks } as unknown })),
    ];
    const malformed = sent
      .flatMap(({ where, value }) => [...strings(value)].filter((text) => LONE_SURROGATE.test(text)).map((text) => `${where}: half an emoji in "${text.slice(0, 60)}…"`))
      .filter((problem) => !reported.has(problem));
    for (const problem of malformed) reported.add(problem);
    expect([...fresh, ...malformed]).toEqual([]);
  });

  afterAll(async () => {
    if (!stack) return;
    const byMethod = (methods: string[]) => Object.fromEntries([...methods.reduce((m, x) => m.set(x, (m.get(x) ?? 0) + 1), new Map<string, number>())].sort((a, b) => b[1] - a[1]));
    const telegram = byMethod(stack.telegram.calls.map((c) => c.method));
    const slack = Object.fromEntries([...slackChecked].sort((a, b) => b[1] - a[1]));
    const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
    console.log(
      [
        `Telegram: ${total(telegram)} calls checked, ${stack.telegram.violations.length} refused`,
        ...Object.entries(telegram).map(([method, n]) => `  ${method}: ${n}`),
        `Slack: ${total(slack)} calls checked, ${stack.slack.violations.length} refused (and ${refusedByClient} modal submissions Slack's client refused, as intended)`,
        ...Object.entries(slack).map(([method, n]) => `  ${method}: ${n}`),
      ].join("\n"),
    );
    await stack.stop();
  });

  // ---- helpers in the person's terms ----

  const t = (locale: Locale, key: string, params?: Record<string, string | number>) => withoutDirectionMarks(stack.app.i18n.t(locale, key, params));
  const last = (chat: number) => stack.telegram.botMessages(chat).at(-1);

  /** Taps the first button matching `pattern` of the chat's last bot message, once one shows it. */
  async function tap(chat: number, pattern: RegExp): Promise<void> {
    const { telegram } = stack;
    const message = await telegram.waitFor(() => (buttonData(last(chat)).some((d) => pattern.test(d)) ? last(chat) : undefined), 8000, `a button ${pattern} in chat ${chat}`);
    await telegram.pressButton(chat, message.message_id, { data: buttonData(message).find((d) => pattern.test(d)) ?? "" });
  }

  /** Sends a text and returns the bot's first answer to it. */
  async function send(chat: number, text: string): Promise<SimMessage> {
    const { telegram } = stack;
    const seen = telegram.botMessages(chat).length;
    await telegram.sendText(chat, text);
    return telegram.waitFor(() => telegram.botMessages(chat)[seen], 8000, `an answer in chat ${chat}`);
  }

  /** Sends a text and expects the answer to start with (or contain) `expected`. */
  async function sendExpecting(chat: number, text: string, expected: string): Promise<SimMessage> {
    const answer = await send(chat, text);
    expect(plain(answer)).toContain(expected);
    return answer;
  }

  /** Back at the main menu (a new message), wherever the person was. */
  async function menu(chat: number): Promise<void> {
    const seen = stack.telegram.botMessages(chat).length;
    await stack.telegram.sendText(chat, "/start");
    await stack.telegram.waitFor(() => stack.telegram.botMessages(chat).length > seen && buttonData(last(chat)).includes("menu:mediation"), 8000, `the menu in chat ${chat}`);
  }

  /** Waits until the chat shows a bot message containing `fragment` (sent or edited), and returns it. */
  const shown = (chat: number, fragment: string | RegExp, timeoutMs = 8000) =>
    stack.telegram.waitFor(
      () => stack.telegram.botMessages(chat).find((m) => (typeof fragment === "string" ? plain(m).includes(fragment) : fragment.test(plain(m)))),
      timeoutMs,
      `a message with ${String(fragment).slice(0, 60)} in chat ${chat}`,
    );

  const referenceIn = (message: SimMessage | undefined) => /([A-Z2-9]{3}-[A-Z2-9]{3})/.exec(plain(message))?.[1] ?? "";
  const slackText = (message: SlackSimMessage | undefined) => JSON.stringify(message?.blocks ?? message?.text ?? "");
  const coordinatorCard = (title: string) =>
    stack.slack.waitFor(() => stack.slack.channelMessages(COORDINATOR_CHANNEL).find((m) => m.text === title), 10_000, `the card "${title}"`);
  const openOffers = (chat: number) => stack.telegram.botMessages(chat).filter((m) => buttonData(m).some((d) => d.startsWith("offer:accept:")));

  // ---- the journeys ----

  it("25 volunteers are approved in Slack, and Yusuf registers through /volunteer in Tigrinya, his 200-character name refused politely", async () => {
    const { telegram, slack, app } = stack;
    const languages = ["ar", "ar", "ps", "prs", "uk", "ar", "ps", "uk", "en", "ar"];
    const locales = ["ar", "de", "en", "tr", "uk"] as const;
    const names = Array.from({ length: 25 }, (_, i) => (i === 0 ? fill("Leyla ليلى Ben-Amor ", 40) : `${["Amira", "Hamid", "Sara", "Nuri", "Olena"][i % 5]} ${["بدر", "ዮናስ", "رحيم", "كريم", "Жанна"][i % 5]} ${i}`));
    await Promise.all(
      names.map(async (firstName, i) => {
        const telegramId = 72_001 + i;
        const locale = locales[i % locales.length] ?? "de";
        telegram.user(telegramId, { first_name: firstName, language_code: locale });
        await app.core.users.chooseLocale(telegramId, locale);
        await app.core.users.giveConsent(telegramId);
        await app.core.users.placeIn(telegramId, stack.town);
        await app.core.volunteers.register(telegramId, {
          networks: [stack.town],
          firstName,
          roles: i % 6 === 5 ? ["LEISURE_BUDDY", "MENTOR"] : ["INTERPRETER", ...(i % 4 === 2 ? (["MENTOR"] as const) : [])],
          gender: i % 2 === 0 ? "WOMAN" : "MAN",
          languages: [{ language: languages[i % languages.length] ?? "ar", level: "NATIVE" }, { language: "de", level: "FLUENT" }],
          germanLevel: "C1_C2",
          remoteOnly: i % 3 === 0,
          districts: i % 3 === 0 ? [] : ["BECKUM", "NEUBECKUM"],
          weeklyCapacity: 5,
        });
      }),
    );
    for (const name of names) await slack.clickButton(COORDINATOR, await coordinatorCard(`Neue Anmeldung: ${name}`), APPROVE_VOLUNTEER);
    await eventually(async () => expect(await app.database.prisma.volunteerNetwork.count({ where: { status: "APPROVED" } })).toBe(25), 10_000);

    await onboard(telegram, YUSUF, "ti", "Yusuf");
    await telegram.sendText(YUSUF, "/volunteer");
    await tap(YUSUF, /:roles:INTERPRETER$/);
    await tap(YUSUF, /:roles:MENTOR$/);
    await telegram.waitFor(() => buttons(last(YUSUF)).filter((b) => b.startsWith("✅")).length === 2);
    await tap(YUSUF, /:roles:done$/);
    await telegram.waitFor(() => plain(last(YUSUF)).includes(t("ti", "volunteer.ask.name")));
    await sendExpecting(YUSUF, fill("Yusuf ዮሱፍ يوسف ", 200), t("ti", "volunteer.badName"));
    await send(YUSUF, YUSUF_NAME);
    await tap(YUSUF, /:gender:MAN$/);
    await tap(YUSUF, /:languages:ti$/);
    await tap(YUSUF, /:languages:ar$/);
    await telegram.waitFor(() => buttons(last(YUSUF)).filter((b) => b.startsWith("✅")).length === 2);
    await tap(YUSUF, /:languages:done$/);
    await tap(YUSUF, /:level:ti\.NATIVE$/);
    await tap(YUSUF, /:level:ar\.GOOD$/);
    await tap(YUSUF, /:german:B1_B2$/);
    await tap(YUSUF, /:districts:BECKUM$/);
    await telegram.waitFor(() => buttons(last(YUSUF)).some((b) => b.startsWith("✅")));
    await tap(YUSUF, /:districts:done$/);
    await tap(YUSUF, /:capacity:5$/);
    await tap(YUSUF, /:conduct:agree$/);
    await shown(YUSUF, t("ti", "volunteer.pending", { name: YUSUF_NAME }));

    const card = await coordinatorCard(`Neue Anmeldung: ${YUSUF_NAME}`);
    await slack.clickButton(COORDINATOR, card, APPROVE_VOLUNTEER);
    await shown(YUSUF, t("ti", "volunteer.approved", { name: YUSUF_NAME }));
    expect((await app.core.volunteers.of(YUSUF))?.status).toBe("APPROVED");
  }, 40_000);

  it("the catalogue takes entries with 1,000-character descriptions and 120-character names; a 200-character name is refused with the row named", async () => {
    const { core } = stack.app;
    const entry = (i: number, seed: string) => ({
      name: fill(`${i} ${seed}`, 120),
      categories: ["COUNSELLING", "HOUSING"],
      description: fill(seed, 1000),
      address: fill(`Lindenstraße ${i} ${seed}`, 200),
      openingHours: fill("Mo–Fr 8–12 Uhr, Do 14–18 Uhr · ", 300),
      phone: "+49 2521 29-0",
      web: "https://www.beckum.de/de/integration",
      languages: ["de", "ar", "ti", "ps", "en"],
    });
    const offer = (i: number, seed: string) => ({
      title: fill(`${i} ${seed}`, 120),
      interests: ["SPORTS", "MUSIC", "NATURE"],
      times: ["WEEKEND", "WEEKDAY_EVENING"],
      description: fill(seed, 1000),
      place: fill(`Sportpark ${seed}`, 200),
      contact: fill(`Frau Schulte ${seed}`, 200),
    });
    const seeds = [ARABIC_LATIN, TIGRINYA, PASHTO, GERMAN, EMOJI.repeat(3) + GERMAN];
    const tooLong = await core.catalog.import(stack.town, { contactPoints: [{ ...entry(0, GERMAN), name: fill(GERMAN, 200) }], leisureOffers: [] });
    expect(tooLong.kind).toBe("invalid");
    expect(tooLong.kind === "invalid" ? tooLong.problems.join("\n") : "").toMatch(/contactPoints row 1: name/);
    const imported = await core.catalog.import(stack.town, { contactPoints: seeds.map((s, i) => entry(i + 1, s)), leisureOffers: seeds.map((s, i) => offer(i + 1, s)) });
    expect(imported).toEqual({ kind: "imported", contactPoints: 5, leisureOffers: 5 });
  });

  const references: Partial<Record<NewcomerLocale, string>> = {};

  it("newcomers in Arabic, Tigrinya, Pashto, German and English ask for an interpreter with a 200-character place and a 500-character note; longer ones are refused politely", async () => {
    await Promise.all(
      (Object.keys(NEWCOMERS) as NewcomerLocale[]).map(async (locale) => {
        const chat = NEWCOMERS[locale];
        const seed = SEED[locale] ?? GERMAN;
        await onboard(stack.telegram, chat, locale, fill(seed, 64));
        // Outside any dialogue: a 4,000-character emoji message is too long to be read as an answer.
        await sendExpecting(chat, fill(EMOJI, 4000), t(locale, "fallback.tooLong", { max: 1000 }));
        await tap(chat, /^menu:mediation$/);
        await tap(chat, new RegExp(`:language:${ASKS_FOR[locale]}$`));
        await tap(chat, /:purpose:FOREIGNERS_OFFICE$/);
        await tap(chat, /:mode:IN_PERSON$/);
        await tap(chat, /:when:date$/);
        await tap(chat, /:date:\d{4}-\d{2}-\d{2}$/);
        await tap(chat, /:time:1000$/);
        await tap(chat, /:district:NEUBECKUM$/);
        await sendExpecting(chat, fill(seed, 201), t(locale, "mediation.tooLong", { max: 200 }));
        const place = fill(seed, 200);
        await send(chat, place);
        await sendExpecting(chat, fill(seed, 1000), t(locale, "mediation.tooLong", { max: 500 }));
        await sendExpecting(chat, fill(EMOJI, 4000), t(locale, "fallback.tooLong", { max: 1000 }));
        const note = fill(seed, 500);
        const summary = await send(chat, note);
        expect(plain(summary)).toContain(t(locale, "mediation.ask.confirm"));
        await tap(chat, /:confirm:yes$/);
        const received = await shown(chat, /[A-Z2-9]{3}-[A-Z2-9]{3}/);
        references[locale] = referenceIn(received);
        expect(references[locale]).not.toBe("");
      }),
    );
  }, 40_000);

  it("…then a leisure buddy, a mentor and a discrimination report with a 1,000-character text, and they browse and search the contact points", async () => {
    await Promise.all(
      (Object.keys(NEWCOMERS) as NewcomerLocale[]).map(async (locale) => {
        const chat = NEWCOMERS[locale];
        const seed = SEED[locale] ?? GERMAN;
        await menu(chat);
        await tap(chat, /^menu:leisure$/);
        await tap(chat, /:interests:SPORTS$/);
        await tap(chat, /:interests:MUSIC$/);
        await tap(chat, /:interests:done$/);
        await tap(chat, /:times:WEEKEND$/);
        await tap(chat, /:times:done$/);
        // The catalogue's long entries, several messages if need be, the buttons under the last.
        await tap(chat, /:offers:company$/);
        await sendExpecting(chat, fill(seed, 501), t(locale, "mediation.tooLong", { max: 500 }));
        await send(chat, fill(seed, 500));
        await tap(chat, /:confirm:yes$/);
        await shown(chat, t(locale, "mediation.sent").slice(0, 15));

        await menu(chat);
        await tap(chat, /^menu:mentor$/);
        await tap(chat, /:topic:AUTHORITIES$/);
        await tap(chat, new RegExp(`:language:${locale === "de" || locale === "en" ? "de" : ASKS_FOR[locale]}$`));
        await tap(chat, /:gender:WOMAN$/);
        await send(chat, fill(seed, 500));
        await tap(chat, /:confirm:yes$/);

        await menu(chat);
        await tap(chat, /^menu:report$/);
        await stack.telegram.waitFor(() => plain(last(chat)).includes(t(locale, "report.ask.text", { max: 1000 }).slice(0, 15)));
        await sendExpecting(chat, fill(seed, 1001), t(locale, "fallback.tooLong", { max: 1000 }));
        await send(chat, reportText(locale));
        await send(chat, fill(seed, 200));
        await tap(chat, locale === "ti" ? /:contact:contact$/ : /:contact:anonymous$/);
        await tap(chat, /:confirm:yes$/);

        await menu(chat);
        await tap(chat, /^menu:contacts$/);
        await tap(chat, /^cp:cat:COUNSELLING$/);
        await tap(chat, /^menu:contacts$/);
        await tap(chat, /^cp:search$/);
        await stack.telegram.waitFor(() => last(chat)?.reply_markup === undefined);
        const found = await send(chat, fill(seed, 1000));
        expect(plain(found).length).toBeGreaterThan(0);
      }),
    );
    // Each report reached the coordinators whole (escaped for mrkdwn), in as many sections as it needs.
    const reports = await stack.slack.waitFor(() => {
      const posted = stack.slack.channelMessages(COORDINATOR_CHANNEL).filter((m) => m.text?.startsWith("⚖️"));
      return posted.length === 5 ? posted : undefined;
    }, 10_000);
    expect(escaped(reportText("de")).length).toBeGreaterThan(3000);
    for (const locale of Object.keys(NEWCOMERS) as NewcomerLocale[]) {
      expect(reports.some((m) => compact(sectionTexts(m)).includes(compact(escaped(reportText(locale))))), locale).toBe(true);
    }
  }, 60_000);

  it("one newcomer makes many requests: /myrequests, /mydata over several messages, the 13th request is refused politely and the coordinators hear it", async () => {
    const { telegram, app } = stack;
    const chat = NEWCOMERS.ar;
    for (let i = 0; i < 11; i++) {
      const created = await app.core.requests.create(
        chat,
        { kind: "MEDIATION", language: i % 2 ? "ar" : "ti", purpose: "HEALTH", mode: "PHONE", place: fill(ARABIC_LATIN, 200), note: fill(`${i} ${ARABIC_LATIN}${EMOJI}`, 500) },
        `conformance-many-${i}`,
      );
      expect(created.kind).toBe("created");
    }
    await menu(chat);
    await tap(chat, /^menu:mediation$/);
    await tap(chat, /:language:ar$/);
    await tap(chat, /:purpose:HEALTH$/);
    await tap(chat, /:mode:VIDEO$/);
    await tap(chat, /:when:asap$/);
    await tap(chat, /:note:skip$/);
    await tap(chat, /:confirm:yes$/);
    await shown(chat, t("ar", "request.limit.open", { max: 12 }));
    await coordinatorCard("Grenze erreicht: Anfragen einer Person");

    const listed = await send(chat, "/myrequests");
    expect(plain(listed)).toContain(t("ar", "requests.title"));
    // One of them is cancelled from the list.
    await tap(chat, /^req:cancel:/);
    await tap(chat, /^req:sure:/);
    await shown(chat, t("ar", "request.cancelled", { reference: "" }).slice(0, 10));
    const before = telegram.botMessages(chat).length;
    await telegram.sendText(chat, "/mydata");
    await eventually(() => expect(buttonData(last(chat))).toContain("data:erase"));
    expect(telegram.botMessages(chat).length - before).toBeGreaterThan(1);
    await sendExpecting(chat, "/help", t("ar", "help.text").slice(0, 20));
    // A dialogue left half-way with /cancel.
    await menu(chat);
    await tap(chat, /^menu:report$/);
    await sendExpecting(chat, "/cancel", t("ar", "cancel.done"));
  }, 30_000);

  it("languages switch back and forth with /language, and the menu follows", async () => {
    for (const [locale, other] of [["ar", "ps"], ["ti", "en"], ["de", "ar"]] as const) {
      const chat = NEWCOMERS[locale];
      await stack.telegram.sendText(chat, "/language");
      await tap(chat, new RegExp(`^lang:${other}$`));
      await shown(chat, t(other, "menu.title"));
      await stack.telegram.sendText(chat, "/language");
      await tap(chat, new RegExp(`^lang:${locale}$`));
      await stack.telegram.waitFor(() => plain(last(chat)).includes(t(locale, "menu.title")));
    }
  });

  it("Yusuf takes ten Tigrinya jobs (offers, then 'offer to all' from the coordinators' cards): /myjobs, writing to one newcomer, /done, /pause, /resume, /guide", async () => {
    const { telegram, slack, app } = stack;
    const tigrinya = await app.database.prisma.helpRequest.findMany({ where: { language: "ti", kind: "MEDIATION", status: { in: ["SEARCHING", "MATCHED"] } }, select: { id: true, reference: true } });
    for (let i = tigrinya.length; i < 10; i++) {
      const created = await app.core.requests.create(NEWCOMERS.ti, { kind: "MEDIATION", language: "ti", purpose: "SCHOOL", mode: "IN_PERSON", district: "BECKUM", place: fill(TIGRINYA, 200), note: fill(TIGRINYA, 500) }, `conformance-ti-${i}`);
      if (created.kind === "created") tigrinya.push({ id: created.requestId, reference: created.reference });
    }
    const accepted = new Set<number>();
    const askedAll = new Set<string>();
    await eventually(
      async () => {
        for (const offer of openOffers(YUSUF).filter((m) => !accepted.has(m.message_id))) {
          accepted.add(offer.message_id);
          await telegram.pressButton(YUSUF, offer.message_id, { data: buttonData(offer).find((d) => d.startsWith("offer:accept:")) ?? "" });
        }
        for (const card of slack.channelMessages(COORDINATOR_CHANNEL).filter((m) => m.text?.startsWith("⚠️") && slackText(m).includes(ACTIONS.offerToAll))) {
          const request = tigrinya.find((r) => card.text?.includes(r.reference));
          if (!request || askedAll.has(request.id)) continue;
          askedAll.add(request.id);
          await slack.clickButton(COORDINATOR, card, ACTIONS.offerToAll, { value: request.id });
        }
        expect(await app.database.prisma.helpRequest.count({ where: { language: "ti", status: "MATCHED", volunteer: { user: { telegramId: YUSUF } } } })).toBeGreaterThanOrEqual(10);
      },
      30_000,
      200,
    );

    const before = telegram.botMessages(YUSUF).length;
    await telegram.sendText(YUSUF, "/myjobs");
    await eventually(() => expect(buttonData(last(YUSUF)).filter((d) => d.startsWith("done:"))).toHaveLength(10));
    expect(telegram.botMessages(YUSUF).slice(before).some((m) => plain(m).startsWith(t("ti", "jobs.title")))).toBe(true);
    // He answers the Tigrinya newcomer, with a long text, through the bot.
    const theirs = await app.database.prisma.helpRequest.findFirstOrThrow({ where: { status: "MATCHED", newcomer: { telegramId: NEWCOMERS.ti }, volunteer: { user: { telegramId: YUSUF } } }, orderBy: { matchedAt: "desc" } });
    await tap(YUSUF, new RegExp(`^relay:${theirs.id}$`));
    const copies = telegram.botMessages(NEWCOMERS.ti).filter((m) => m.copiedFrom).length;
    await telegram.sendText(YUSUF, fill(TIGRINYA + EMOJI, 4000));
    await telegram.waitFor(() => telegram.botMessages(NEWCOMERS.ti).filter((m) => m.copiedFrom).length > copies);
    // The newcomer has several open chats with him: asked to whom, they choose the one he wrote from.
    await telegram.sendText(NEWCOMERS.ti, fill(EMOJI, 4000));
    await tap(NEWCOMERS.ti, new RegExp(`^rsend:${theirs.id}:`));
    await telegram.waitFor(() => telegram.botMessages(YUSUF).some((m) => m.copiedFrom?.chatId === NEWCOMERS.ti), 8000, "the newcomer's text copied to Yusuf");
    await telegram.sendPhoto(NEWCOMERS.ti, fill(TIGRINYA, 1000));
    await telegram.waitFor(() => telegram.botMessages(YUSUF).some((m) => m.copiedFrom?.chatId === NEWCOMERS.ti && m.kind === "photo"), 8000, "the photo copied to Yusuf");

    await telegram.sendText(YUSUF, "/done");
    await tap(YUSUF, /^done:/);
    await tap(YUSUF, /^hours:.*:1\.5$/);
    await shown(YUSUF, /1[,.٫]5/);
    for (const command of ["/pause", "/resume", "/guide"]) await send(YUSUF, command);
    const before2 = telegram.botMessages(YUSUF).length;
    await telegram.sendText(YUSUF, "/mydata");
    await telegram.waitFor(() => telegram.botMessages(YUSUF).slice(before2).some((m) => buttonData(m).includes("data:erase")), 8000, "Yusuf's data");
  }, 45_000);

  it("an Arabic newcomer's interpreter accepts; they write 4,000-character texts to each other; the interpreter is suspended and the search starts again", async () => {
    const { telegram, slack, app } = stack;
    const reference = references.ar ?? "";
    const request = await app.database.prisma.helpRequest.findUniqueOrThrow({ where: { reference } });
    const offered = await eventually(async () => {
      const offers = await app.database.prisma.offer.findMany({ where: { requestId: request.id, status: "OPEN" }, select: { volunteer: { select: { id: true, user: { select: { telegramId: true } } } } } });
      expect(offers.length).toBeGreaterThan(0);
      return offers.map((o) => ({ id: o.volunteer.id, chat: Number(o.volunteer.user.telegramId) }));
    });
    const [winner, other] = offered;
    if (!winner) throw new Error("no offer");
    if (other) {
      const declined = await telegram.waitFor(() => openOffers(other.chat).find((m) => plain(m).includes(reference)));
      await telegram.pressButton(other.chat, declined.message_id, { data: buttonData(declined).find((d) => d.startsWith("offer:decline:")) ?? "" });
    }
    const offer = await telegram.waitFor(() => openOffers(winner.chat).find((m) => plain(m).includes(reference)));
    await telegram.pressButton(winner.chat, offer.message_id, { data: buttonData(offer).find((d) => d.startsWith("offer:accept:")) ?? "" });
    await eventually(async () => expect((await app.database.prisma.helpRequest.findUniqueOrThrow({ where: { reference } })).status).toBe("MATCHED"));

    // With chats open with Yusuf too, the newcomer is asked to whom, and chooses this one.
    const openChats = await app.database.prisma.helpRequest.count({ where: { status: "MATCHED", confirmedAt: { not: null }, newcomer: { telegramId: NEWCOMERS.ar } } });
    await telegram.sendText(NEWCOMERS.ar, fill(EMOJI + ARABIC_LATIN, 4000));
    if (openChats > 1) await tap(NEWCOMERS.ar, new RegExp(`^rsend:${request.id}:`));
    await telegram.waitFor(() => telegram.botMessages(winner.chat).some((m) => m.copiedFrom?.chatId === NEWCOMERS.ar), 8000, "the newcomer's text copied to the interpreter");
    await telegram.sendText(winner.chat, fill(ARABIC_LATIN, 4000));
    await telegram.waitFor(() => telegram.botMessages(NEWCOMERS.ar).some((m) => m.copiedFrom?.chatId === winner.chat), 8000, "the interpreter's text copied to the newcomer");
    await telegram.sendVoice(NEWCOMERS.ar);
    await telegram.waitFor(() => telegram.botMessages(winner.chat).some((m) => m.copiedFrom?.chatId === NEWCOMERS.ar && m.kind === "voice"), 8000, "the voice note copied");

    // Suspended from the registration card: the newcomer is told that someone else is searched for.
    const profile = await app.core.inNetwork(stack.town).volunteer(winner.id);
    const card = await coordinatorCard(`Neue Anmeldung: ${profile?.firstName ?? ""}`);
    await slack.clickButton(COORDINATOR, card, ACTIONS.suspendVolunteer, { value: winner.id });
    await shown(NEWCOMERS.ar, t("ar", "request.searchingAgain", { reference }));
    // Reactivated from App Home, among 26 approved volunteers.
    await slack.event({ type: "app_home_opened", user: COORDINATOR, tab: "home", channel: "D0COORD" });
    const home = await slack.waitFor(() => (JSON.stringify(slack.home(COORDINATOR)?.view.blocks ?? "").includes(ACTIONS.reactivateVolunteer) ? slack.home(COORDINATOR) : undefined));
    await slack.clickViewButton(COORDINATOR, home.id, ACTIONS.reactivateVolunteer, { value: winner.id });
    await eventually(async () => expect((await app.core.inNetwork(stack.town).volunteer(winner.id))?.status).toBe("APPROVED"));
  }, 30_000);

  it("an appointment an hour away is matched, and both sides are reminded shortly before it", async () => {
    const { telegram, app } = stack;
    const created = await app.core.requests.create(
      NEWCOMERS.en,
      { kind: "MEDIATION", language: "uk", purpose: "HEALTH", mode: "PHONE", appointmentAt: new Date(Date.now() + 3600_000 + 3000), note: fill(ARABIC_LATIN, 500) },
      "conformance-soon",
    );
    if (created.kind !== "created") throw new Error(created.kind);
    const chat = await eventually(async () => {
      const offer = await app.database.prisma.offer.findFirst({ where: { requestId: created.requestId, status: "OPEN" }, select: { volunteer: { select: { user: { select: { telegramId: true } } } } } });
      expect(offer).not.toBeNull();
      return Number(offer?.volunteer.user.telegramId);
    });
    const offer = await telegram.waitFor(() => openOffers(chat).find((m) => plain(m).includes(created.reference)));
    await telegram.pressButton(chat, offer.message_id, { data: buttonData(offer).find((d) => d.startsWith("offer:accept:")) ?? "" });
    await eventually(async () => expect((await app.database.prisma.helpRequest.findUniqueOrThrow({ where: { id: created.requestId } })).remindedHourAt).not.toBeNull(), 10_000, 100);
    await shown(NEWCOMERS.en, /⏰/);
    await shown(chat, new RegExp(`⏰.*${created.reference}`));
  }, 20_000);

  it("Yusuf asks to change his name and languages: the coordinators' 'changes' card, applied", async () => {
    const { telegram, slack } = stack;
    const newName = fill("Yosef ዮሴፍ يوسف Haile ", 40);
    await telegram.sendText(YUSUF, "/volunteer");
    await tap(YUSUF, /:roles:done$/);
    await send(YUSUF, newName);
    await tap(YUSUF, /:gender:MAN$/);
    await tap(YUSUF, /:languages:ps$/);
    await telegram.waitFor(() => buttons(last(YUSUF)).filter((b) => b.startsWith("✅")).length === 3);
    await tap(YUSUF, /:languages:done$/);
    // One level question per language, in the order they were chosen.
    for (const language of ["ar", "ti", "ps"]) await tap(YUSUF, new RegExp(`:level:${language}\\.FLUENT$`));
    await tap(YUSUF, /:german:C1_C2$/);
    await tap(YUSUF, /:districts:done$/);
    await tap(YUSUF, /:capacity:3$/);
    await tap(YUSUF, /:conduct:agree$/);
    const card = await coordinatorCard(`Änderung gewünscht: ${YUSUF_NAME}`);
    await slack.clickButton(COORDINATOR, card, ACTIONS.applyChanges);
    await shown(YUSUF, t("ti", "volunteer.changeApplied", { name: newName }).slice(0, 20));
  }, 20_000);

  it("the Pashto newcomer's mentor is confirmed by a coordinator; the Tigrinya report is answered with 2,000 characters (2,001 refused by Slack's client)", async () => {
    const { telegram, slack, app } = stack;
    const mentoring = await app.database.prisma.helpRequest.findFirstOrThrow({ where: { kind: "MENTORING", newcomer: { telegramId: NEWCOMERS.ps } } });
    const mentor = await eventually(async () => {
      const offer = await app.database.prisma.offer.findFirst({ where: { requestId: mentoring.id, status: "OPEN" }, select: { volunteer: { select: { user: { select: { telegramId: true } } } } } });
      expect(offer).not.toBeNull();
      return Number(offer?.volunteer.user.telegramId);
    });
    const offer = await telegram.waitFor(() => openOffers(mentor).find((m) => plain(m).includes(mentoring.reference)));
    await telegram.pressButton(mentor, offer.message_id, { data: buttonData(offer).find((d) => d.startsWith("offer:accept:")) ?? "" });
    const card = await slack.waitFor(() => slack.channelMessages(COORDINATOR_CHANNEL).find((m) => m.text?.startsWith("🤝") && m.text.includes(mentoring.reference) && slackText(m).includes(ACTIONS.confirmMentoring)), 10_000);
    await slack.clickButton(COORDINATOR, card, ACTIONS.confirmMentoring);
    await eventually(async () => expect((await app.database.prisma.helpRequest.findUniqueOrThrow({ where: { id: mentoring.id } })).confirmedAt).not.toBeNull());

    const report = await slack.waitFor(() => slack.channelMessages(COORDINATOR_CHANNEL).find((m) => m.text?.startsWith("⚖️") && slackText(m).includes(ACTIONS.answerReport)));
    // The whole text arrived (escaped for mrkdwn), in as many sections as it needs.
    expect(compact(sectionTexts(report))).toContain(compact(escaped(reportText("ti"))));
    await slack.clickButton(COORDINATOR, report, ACTIONS.answerReport);
    const modal = await slack.waitFor(() => slack.modals(COORDINATOR).at(-1));
    const tooLong = await slack.submitView(COORDINATOR, modal.id, { answer: { value: { type: "plain_text_input", value: fill(GERMAN, 2001) } } });
    expect(tooLong.refused).toEqual([{ blockId: "answer", reason: "too_long", limit: 2000 }]);
    const answer = emojiAt(`Bitte kommen Sie Dienstag ins Rathaus ${BMP}`, 1999, 2000, "🤝");
    await slack.submitView(COORDINATOR, modal.id, { answer: { value: { type: "plain_text_input", value: answer } } });
    await shown(NEWCOMERS.ti, answer.slice(0, 40).trim());
  }, 20_000);

  it("a Somali request nobody can take is closed by a coordinator with a 500-character internal note (501 refused by Slack's client)", async () => {
    const { slack } = stack;
    const reference = references.en ?? "";
    const card = await slack.waitFor(() => slack.channelMessages(COORDINATOR_CHANNEL).find((m) => m.text?.includes(reference) && m.text.startsWith("⚠️")), 10_000);
    await slack.clickButton(COORDINATOR, card, ACTIONS.closeRequest);
    const modal = await slack.waitFor(() => slack.modals(COORDINATOR).find((m) => JSON.stringify(m.view).includes(ACTIONS.closeRequestModal)));
    const refused = await slack.submitView(COORDINATOR, modal.id, { note: { note_input: { type: "plain_text_input", value: fill(ARABIC_LATIN, 501) } } });
    expect(refused.refused?.[0]?.reason).toBe("too_long");
    const note = emojiAt(`Bitte wenden Sie sich an das Integrationsbüro ${BMP}`, 499, 500, "🙏");
    await slack.submitView(COORDINATOR, modal.id, { note: { note_input: { type: "plain_text_input", value: note } } });
    // The newcomer is told honestly; the note, whole, stays with the coordinators.
    await shown(NEWCOMERS.en, t("en", "request.unmatched.MEDIATION", { reference }));
    await eventually(() => expect(compact(sectionTexts(slack.message(card)))).toContain(compact(escaped(note))));
  });

  it("an AG with an 80-character name and a 500-character description (81 and 501 refused by Slack's client); /ag, joining, leaving, in German and English; 120 AGs more", async () => {
    const { slack, app } = stack;
    await slack.slashCommand(COORDINATOR, "/ag", "", { channel: NETWORK_CHANNEL });
    const list = slack.channelMessages(NETWORK_CHANNEL).filter((m) => m.visibleTo === COORDINATOR).at(-1);
    await slack.clickButton(COORDINATOR, list as SlackSimMessage, ACTIONS.addGroup);
    const modal = await slack.waitFor(() => slack.modals(COORDINATOR).find((m) => JSON.stringify(m.view).includes(ACTIONS.addGroupModal)));
    // An emoji as the 75th character: where the name is cut to a select option's 75, it must not be cut in half.
    const name = emojiAt("AG Wohnen & <Nachbarschaft> سكن وجوار ", 74, 80);
    const values = (n: string, d: string) => ({
      name: { value: { type: "plain_text_input", value: n } },
      description: { value: { type: "plain_text_input", value: d } },
      channel: { value: { type: "conversations_select", selected_conversation: AG_CHANNEL } },
    });
    expect((await slack.submitView(COORDINATOR, modal.id, values(fill(name, 81), fill(ARABIC_LATIN, 500)))).refused?.[0]?.blockId).toBe("name");
    expect((await slack.submitView(COORDINATOR, modal.id, values(name, fill(ARABIC_LATIN, 501)))).refused?.[0]?.blockId).toBe("description");
    await slack.submitView(COORDINATOR, modal.id, values(name, fill(ARABIC_LATIN, 500)));
    const group = await app.database.prisma.workingGroup.findFirstOrThrow({ where: { slackChannel: AG_CHANNEL } });
    expect(length(group.name)).toBe(80);

    for (const member of MEMBERS.slice(0, 5)) {
      await slack.slashCommand(member, "/ag", "", { channel: NETWORK_CHANNEL });
      const shownTo = slack.channelMessages(NETWORK_CHANNEL).filter((m) => m.visibleTo === member).at(-1) as SlackSimMessage;
      await slack.clickButton(member, shownTo, ACTIONS.joinGroup, { value: group.id });
    }
    await eventually(async () => expect(await app.database.prisma.workingGroupMember.count({ where: { groupId: group.id } })).toBe(5));
    await slack.waitFor(() => slack.responses.filter((r) => JSON.stringify(r.body).includes(ACTIONS.leaveGroup)).length >= 5);
    const mine = slack.channelMessages(NETWORK_CHANNEL).filter((m) => m.visibleTo === MEMBERS[0]).at(-1) as SlackSimMessage;
    await slack.clickButton(MEMBERS[0] ?? "", mine, ACTIONS.leaveGroup, { value: group.id });
    await eventually(async () => expect(await app.database.prisma.workingGroupMember.count({ where: { groupId: group.id } })).toBe(4));
    const joinShown = () => (slack.message(mine)?.blocks as { accessory?: { action_id?: string; value?: string } }[]).some((b) => b.accessory?.action_id === ACTIONS.joinGroup && b.accessory.value === group.id);
    await eventually(() => expect(joinShown()).toBe(true));
    await slack.clickButton(MEMBERS[0] ?? "", mine, ACTIONS.joinGroup, { value: group.id });
    await eventually(async () => expect(await app.database.prisma.workingGroupMember.count({ where: { groupId: group.id } })).toBe(5));

    await slack.slashCommand(ENGLISH, "/ag");
    await eventually(async () => expect((await app.database.prisma.slackMember.findUnique({ where: { id: ENGLISH } }))?.locale).toBe("en"));
    expect(JSON.stringify((await slack.slashCommand(ENGLISH, "/ag")).body)).toContain("Working groups");

    // The network grows to 123 AGs: /ag shows as many as a message takes, and says how many more there are.
    for (let i = 1; i <= 120; i++) {
      await (await stack.member(COORDINATOR)).groups.create({ name: fill(`AG ${i} ${[ARABIC_LATIN, TIGRINYA, PASHTO, GERMAN][i % 4]}`, 80), description: fill(GERMAN, 500) });
    }
    for (const user of [COORDINATOR, MEMBERS[2] ?? "", ENGLISH]) {
      const answer = JSON.stringify((await slack.slashCommand(user, "/ag", "", { channel: NETWORK_CHANNEL })).body);
      expect(answer).toMatch(/… \+\d+/);
    }
    // The member's own AG comes first, so they can still leave it.
    expect(JSON.stringify((await slack.slashCommand(MEMBERS[2] ?? "", "/ag")).body)).toContain(ACTIONS.leaveGroup);
  }, 20_000);

  it("a meeting with a 2,000-character agenda and a 300-character place (2,001 and 301 refused by Slack's client): announcement, RSVPs, rescheduling, the reminder and nudges, cancelling", async () => {
    const { slack, app } = stack;
    const group = await app.database.prisma.workingGroup.findFirstOrThrow({ where: { slackChannel: AG_CHANNEL } });
    const day = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Berlin" }).format(new Date(Date.now() + 10 * 86_400_000));
    const agenda = fill(`1. ${ARABIC_LATIN}\n2. ${MARKUP}${MARKUP}${MARKUP}\n3. ${TIGRINYA}\n4. ${PASHTO}\n`, 2000);
    expect(escaped(agenda).length).toBeGreaterThan(3000);
    const place = fill(`Rathaus Beckum, Raum 3 & <Eingang Nord> ${ARABIC_LATIN}`, 300);
    await slack.slashCommand(COORDINATOR, "/meeting");
    const modal = await slack.waitFor(() => slack.modals(COORDINATOR).find((m) => JSON.stringify(m.view).includes(ACTIONS.meetingModal)));
    const values = (p: string, a: string) => ({
      group: { value: { type: "static_select", selected_option: { value: group.id } } },
      title: { value: { type: "plain_text_input", value: fill(`Treffen ${ARABIC_LATIN}`, 120) } },
      day: { value: { type: "datepicker", selected_date: day } },
      time: { value: { type: "timepicker", selected_time: "18:30" } },
      place: { value: { type: "plain_text_input", value: p } },
      agenda: { value: { type: "plain_text_input", value: a } },
    });
    expect((await slack.submitView(COORDINATOR, modal.id, values(fill(place, 301), agenda))).refused?.[0]?.blockId).toBe("place");
    expect((await slack.submitView(COORDINATOR, modal.id, values(place, fill(agenda, 2001)))).refused?.[0]?.blockId).toBe("agenda");
    await slack.submitView(COORDINATOR, modal.id, values(place, agenda));
    const announcement = await slack.waitFor(() => slack.channelMessages(AG_CHANNEL).find((m) => m.text?.startsWith("Treffen")), 10_000);
    // Place and agenda arrive whole (escaped for mrkdwn), in as many sections as they need.
    expect(compact(sectionTexts(announcement))).toContain(compact(escaped(agenda)));
    expect(compact(sectionTexts(announcement))).toContain(compact(escaped(place)));
    const meeting = await app.database.prisma.meeting.findFirstOrThrow({ where: { groupId: group.id } });
    for (const [i, member] of MEMBERS.slice(0, 12).entries()) {
      const answer = (["YES", "MAYBE", "NO"] as const)[i % 3] ?? "YES";
      await slack.clickButton(member, announcement, choice(ACTIONS.rsvp, answer), { value: `${meeting.id}:${answer}` });
    }
    await slack.clickButton(COORDINATOR, announcement, ACTIONS.rescheduleMeeting, { value: meeting.id });
    const reschedule = await slack.waitFor(() => slack.modals(COORDINATOR).find((m) => JSON.stringify(m.view).includes(meeting.id)));
    expect((await slack.submitView(COORDINATOR, reschedule.id, { ...asSlackSends(reschedule.view), time: { value: { type: "timepicker", selected_time: "19:00" } } })).refused).toBeUndefined();
    await eventually(async () => expect((await app.database.prisma.meeting.findUniqueOrThrow({ where: { id: meeting.id } })).startsAt.getUTCMinutes()).toBe(0));

    // A second meeting two hours and a moment ahead: the reminder in the channel, nudges to who has not answered.
    const soon = await (await stack.member(COORDINATOR)).meetings.schedule({ groupId: group.id, title: fill(`Bald ${PASHTO}`, 120), startsAt: new Date(Date.now() + 2 * 3600_000 + 1500), place, agenda });
    if (soon.kind !== "scheduled") throw new Error(soon.kind);
    await slack.waitFor(() => slack.channelMessages(AG_CHANNEL).find((m) => m.text?.startsWith("Erinnerung")), 10_000);
    await slack.waitFor(() => slack.channelMessages(MEMBERS[1] ?? "").length > 0, 10_000);
    await slack.clickButton(COORDINATOR, announcement, ACTIONS.cancelMeeting, { value: meeting.id });
    await eventually(() => expect(slackText(slack.message(announcement))).toContain("abgesagt"));
  }, 30_000);

  it("polls: a 300-character question with ten 75-character options, many votes, anonymous, dated, with a deadline, from the modal (11 options and 301 characters refused), closed with results", async () => {
    const { slack, app } = stack;
    // Emoji as the last character of the 300 and of the 75: the caps must not keep half of one.
    const question = emojiAt(`Welcher Termin passt? ${BMP}`, 299, 300, "🗓");
    const labels = Array.from({ length: 10 }, (_, i) => (i % 2 ? emojiAt(`${i + 1}) ${BMP}`, 74, 75, "🗳") : fill(`${i + 1}) ${[ARABIC_LATIN, TIGRINYA, PASHTO, GERMAN, EMOJI][i % 5]}`, 75)));
    const quoted = (items: string[]) => items.map((item) => `"${item}"`).join(" ");
    await slack.slashCommand(COORDINATOR, "/poll", `${quoted([question, ...labels])} --mehrfach`, { channel: NETWORK_CHANNEL });
    const poll = await slack.waitFor(() => slack.channelMessages(NETWORK_CHANNEL).find((m) => m.text?.includes("Welcher Termin passt?")), 10_000);
    const record = await app.database.prisma.poll.findFirstOrThrow({ where: { question: { startsWith: "Welcher Termin passt?" } }, include: { options: { orderBy: { position: "asc" } } } });
    expect(record.options).toHaveLength(10);
    for (const [i, member] of MEMBERS.entries()) {
      for (const option of [record.options[i % 10], record.options[(i * 3) % 10]]) {
        if (option) await slack.clickButton(member, poll, choice(ACTIONS.vote, option.id), { value: `${record.id}:${option.id}` });
      }
    }
    // Multiple choice: who clicked the same option twice took it back (6 of 30).
    await eventually(async () => expect(await app.database.prisma.pollVote.count({ where: { pollId: record.id } })).toBe(48), 10_000);

    await slack.slashCommand(ENGLISH, "/poll", `"${fill(PASHTO, 120)}?" "${fill(EMOJI, 75)}" "${fill(TIGRINYA, 75)}" --anonym`, { channel: NETWORK_CHANNEL });
    const days = Array.from({ length: 10 }, (_, i) => new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Berlin" }).format(new Date(Date.now() + (20 + i) * 86_400_000)));
    const datePollQuestion = fill(`Nächstes Netzwerktreffen ${ARABIC_LATIN}`, 300);
    await slack.slashCommand(COORDINATOR, "/poll", `"${datePollQuestion}" ${quoted(days.map((d) => `${d} 18:00`))} --termin --bis ${days[0]} 12:00`, { channel: NETWORK_CHANNEL });
    await slack.slashCommand(ENGLISH, "/poll", `"${fill(PASHTO, 50)}"`, { channel: NETWORK_CHANNEL });
    // Words the command does not know are quoted back, 40 characters of them.
    await slack.slashCommand(ENGLISH, "/poll", `"Q?" "A" "B" ${emojiAt(BMP, 39, 45, "🤔")}`, { channel: NETWORK_CHANNEL });

    await slack.slashCommand(COORDINATOR, "/poll", "", { channel: NETWORK_CHANNEL });
    const modal = await slack.waitFor(() => slack.modals(COORDINATOR).find((m) => JSON.stringify(m.view).includes(ACTIONS.pollModal)));
    const values = (q: string, options: string[]) => ({
      question: { value: { type: "plain_text_input", value: q } },
      options: { value: { type: "plain_text_input", value: options.join("\n") } },
      flags: { value: { type: "checkboxes", selected_options: [{ value: "anonymous" }] } },
    });
    expect((await slack.submitView(COORDINATOR, modal.id, values(fill(question, 301), labels))).refused?.[0]?.blockId).toBe("question");
    const eleven = await slack.submitView(COORDINATOR, modal.id, values(fill(`Modal ${question}`, 300), [...labels, fill(GERMAN, 75)]));
    expect((eleven.body as { response_action?: string }).response_action).toBe("errors");
    await slack.submitView(COORDINATOR, modal.id, values(fill(`Modal ${question}`, 300), labels));
    const anonymous = await slack.waitFor(() => slack.channelMessages(NETWORK_CHANNEL).find((m) => m.text?.startsWith("📊 Modal")), 10_000);
    const anonymousRecord = await app.database.prisma.poll.findFirstOrThrow({ where: { question: { startsWith: "Modal" } }, include: { options: true } });
    for (const [i, member] of MEMBERS.slice(0, 10).entries()) {
      const option = anonymousRecord.options[i];
      if (option) await slack.clickButton(member, anonymous, choice(ACTIONS.vote, option.id), { value: `${anonymousRecord.id}:${option.id}` });
    }

    await slack.clickButton(COORDINATOR, poll, ACTIONS.closePoll, { value: record.id });
    const results = await slack.waitFor(() => slack.channelMessages(NETWORK_CHANNEL).find((m) => m.text?.startsWith("🏁 Welcher Termin")), 10_000);
    expect(slackText(results).length).toBeGreaterThan(0);
  }, 40_000);

  it("the winner of a date poll with a 300-character question becomes a meeting, its title prefilled within the field's limit", async () => {
    const { slack, app } = stack;
    const record = await app.database.prisma.poll.findFirstOrThrow({ where: { datePoll: true }, include: { options: { orderBy: { position: "asc" } } } });
    const poll = await slack.waitFor(() => slack.channelMessages(NETWORK_CHANNEL).find((m) => m.text?.startsWith("📊 Nächstes Netzwerktreffen")));
    await slack.clickButton(MEMBERS[3] ?? "", poll, choice(ACTIONS.vote, record.options[2]?.id ?? ""), { value: `${record.id}:${record.options[2]?.id}` });
    await slack.clickButton(COORDINATOR, poll, ACTIONS.closePoll, { value: record.id });
    const results = await slack.waitFor(() => slack.channelMessages(NETWORK_CHANNEL).find((m) => m.text?.startsWith("🏁 Nächstes Netzwerktreffen")), 10_000);
    await slack.clickButton(COORDINATOR, results, ACTIONS.meetingFromPoll);
    const modal = await slack.waitFor(() => slack.modals(COORDINATOR).find((m) => JSON.stringify(m.view).includes("initial_date")));
    // Submitted as Slack sends it: the prefilled title, day and time as they are, a place typed in.
    const submitted = await slack.submitView(COORDINATOR, modal.id, {
      ...asSlackSends(modal.view),
      group: { value: { type: "static_select", selected_option: { value: "network" } } },
      place: { value: { type: "plain_text_input", value: fill(GERMAN, 300) } },
    });
    expect(submitted.refused).toBeUndefined();
    await slack.waitFor(() => slack.channelMessages(NETWORK_CHANNEL).find((m) => m.text?.startsWith("Nächstes Netzwerktreffen")), 10_000);
  });

  it("coordinators edit the catalogue in Slack: a 1,000-character description kept, a 200-character name refused by Slack's client", async () => {
    const { slack, app } = stack;
    await slack.slashCommand(COORDINATOR, "/catalog", "", { channel: NETWORK_CHANNEL });
    const list = slack.channelMessages(NETWORK_CHANNEL).filter((m) => m.visibleTo === COORDINATOR).at(-1) as SlackSimMessage;
    const point = await app.database.prisma.contactPoint.findFirstOrThrow({ where: { name: { startsWith: "2 " } } });
    await slack.clickButton(COORDINATOR, list, ACTIONS.editContact, { value: point.id });
    const modal = await slack.waitFor(() => slack.modals(COORDINATOR).find((m) => JSON.stringify(m.view).includes(ACTIONS.contactModal)));
    const values = (name: string) => ({
      ...asSlackSends(modal.view),
      name: { value: { type: "plain_text_input", value: name } },
      categories: { value: { type: "multi_static_select", selected_options: [{ value: "COUNSELLING" }, { value: "WORK" }] } },
      description: { value: { type: "plain_text_input", value: fill(`${PASHTO}${EMOJI}`, 1000) } },
    });
    expect((await slack.submitView(COORDINATOR, modal.id, values(fill(GERMAN, 200)))).refused?.[0]?.blockId).toBe("name");
    await slack.submitView(COORDINATOR, modal.id, values(fill(`${PASHTO} ${GERMAN}`, 120)));
    const saved = await eventually(async () => {
      const row = await app.database.prisma.contactPoint.findUniqueOrThrow({ where: { id: point.id } });
      expect(length(row.description ?? "")).toBe(1000);
      return row;
    });
    // What was prefilled and not touched is kept.
    expect([saved.address, saved.openingHours, saved.web]).toEqual([point.address, point.openingHours, point.web]);

    await slack.clickButton(COORDINATOR, list, ACTIONS.newOffer, { value: "new" });
    const offerModal = await slack.waitFor(() => slack.modals(COORDINATOR).find((m) => JSON.stringify(m.view).includes(ACTIONS.offerModal)));
    await slack.submitView(COORDINATOR, offerModal.id, {
      title: { value: { type: "plain_text_input", value: fill(`Fußball ${ARABIC_LATIN}`, 120) } },
      interests: { value: { type: "multi_static_select", selected_options: [{ value: "SPORTS" }] } },
      times: { value: { type: "checkboxes", selected_options: [{ value: "WEEKEND" }] } },
      description: { value: { type: "plain_text_input", value: fill(ARABIC_LATIN, 1000) } },
    });
    await eventually(async () => expect(await app.database.prisma.leisureOffer.count({ where: { title: { startsWith: "Fußball" } } })).toBe(1));
  });

  it("App Home for the coordinator (a long volunteer section), a member and an English member; voting, answering and joining from it", async () => {
    const { slack, app } = stack;
    const member = MEMBERS[20] ?? "";
    for (const user of [COORDINATOR, member, ENGLISH]) await slack.event({ type: "app_home_opened", user, tab: "home", channel: `D${user}` });
    await eventually(() => expect(JSON.stringify(slack.home(COORDINATOR)?.view.blocks)).toContain(ACTIONS.suspendVolunteer));
    await eventually(() => expect(slack.home(ENGLISH)).toBeDefined());
    const home = await slack.waitFor(() => slack.home(member));
    const poll = await app.database.prisma.poll.findFirstOrThrow({ where: { status: "OPEN", question: { startsWith: "Modal" } }, include: { options: { orderBy: { position: "asc" } } } });
    const option = poll.options[9];
    await slack.clickViewButton(member, home.id, choice(ACTIONS.vote, option?.id ?? ""), { value: `${poll.id}:${option?.id}` });
    await eventually(() => expect(JSON.stringify(slack.home(member)?.view.blocks)).toContain(t("de", "slack.home.votedAnonymously")));
    const meeting = await app.database.prisma.meeting.findFirstOrThrow({ where: { status: "SCHEDULED", groupId: null } });
    await slack.clickViewButton(member, slack.home(member)?.id ?? "", choice(ACTIONS.rsvp, "MAYBE"), { value: `${meeting.id}:MAYBE` });
    await eventually(async () => expect(await app.database.prisma.meetingRsvp.count({ where: { meetingId: meeting.id, slackUserId: member } })).toBe(1));
    // Among 123 AGs, as many as the Home tab has room for, and how many more.
    const shownGroups = (slack.home(member)?.view.blocks as { accessory?: { action_id?: string; value?: string } }[]).filter((b) => b.accessory?.action_id === ACTIONS.joinGroup);
    expect(JSON.stringify(slack.home(member)?.view.blocks)).toMatch(/… \+\d+/);
    const groupId = shownGroups[3]?.accessory?.value ?? "";
    await slack.clickViewButton(member, slack.home(member)?.id ?? "", ACTIONS.joinGroup, { value: groupId });
    await eventually(async () => expect(await app.database.prisma.workingGroupMember.count({ where: { groupId, slackUserId: member } })).toBe(1));
    // …and it comes first now.
    await eventually(() => expect((slack.home(member)?.view.blocks as { accessory?: { value?: string } }[]).find((b) => b.accessory?.value && b.accessory.value !== "new")?.accessory?.value).toBe(groupId));
  });

  it("the digest: /digest for a coordinator and an English member, and the weekly post", async () => {
    const { slack, app } = stack;
    expect(JSON.stringify((await slack.slashCommand(COORDINATOR, "/digest")).body)).toContain("Wochenrückblick");
    expect(JSON.stringify((await slack.slashCommand(ENGLISH, "/digest")).body)).toContain(t("en", "slack.digest.title"));
    await app.queues.queue(DIGEST).add("digest", {});
    await slack.waitFor(() => slack.channelMessages(NETWORK_CHANNEL).find((m) => m.text?.includes("Wochenrückblick")), 10_000);
  });

  it("a newcomer erases their data with /deletemydata", async () => {
    const chat = NEWCOMERS.de;
    await stack.telegram.sendText(chat, "/deletemydata");
    await tap(chat, /^data:sure$/);
    await shown(chat, t("de", "mydata.erased").slice(0, 12));
  });
});
