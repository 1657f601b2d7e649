import { appointmentAt, nextDays, parseDay, parseTime } from "../../core/appointments.js";
import type { Label } from "../../core/messages.js";
import type { RequestDraft } from "../../core/requests.js";
import type { District } from "../../core/networks.js";
import { isOneOf, MEDIATION_LANGUAGES, MODES, PURPOSES, SUGGESTED_LANGUAGE } from "../../core/vocabulary.js";
import { CALLBACK } from "./callback-data.js";
import type { BotContext } from "./context.js";
import { defineDialogue, requestKey, type Outcome, type StepSpec } from "./dialogue.js";
import type { Feature } from "./feature.js";
import { mainMenu } from "./menu.js";
import { noteStep, type Noted } from "./notes.js";
import { notCreated } from "./requests.js";
import { label, rows, longerThan } from "./reply.js";
import { townOf } from "./town.js";

const PLACE_MAX = 200;
const TIMES = ["08:00", "09:00", "10:00", "11:00", "12:00", "13:00", "14:00", "15:00", "16:00", "17:00"];

type Step = "language" | "purpose" | "mode" | "letter" | "when" | "date" | "time" | "district" | "place" | "note" | "confirm";

/** What has been answered so far. */
type Draft = Noted & {
  language?: string;
  purpose?: string;
  mode?: string;
  day?: string;
  time?: string;
  asap?: boolean;
  district?: string;
  place?: string;
  /** The districts of the newcomer's town, as it had them when the dialogue began. */
  districts?: District[];
};

const invalid = (step: Step): Outcome<Step> => ({ go: step, hint: label("mediation.invalidChoice") });
/** After the time: a place for meetings in person, else the note. */
const afterWhen = (draft: Draft): Step => (draft.mode !== "IN_PERSON" ? "note" : draft.districts?.length ? "district" : "place");

/** A step answered by one of a fixed list of buttons, kept in the draft under the step's name. */
function pick(here: "purpose", question: string, values: readonly string[], next: Step, show: (value: string) => Label, perRow = 2): StepSpec<Draft, Step> {
  return {
    ask: (_ctx, _draft, choice) => ({ parts: [label(question)], keyboard: rows(values.map((v) => choice(v, show(v))), perRow) }),
    chosen: (draft) => draft[here],
    button: (value, draft) => {
      if (!values.includes(value)) return invalid(here);
      draft[here] = value;
      return { go: next };
    },
  };
}

/** The newcomer's own view of the request before sending: everything, including place and note. */
function summaryOf(draft: Draft, timeZone: string): Label[] {
  const lines: Label[] = [];
  if (draft.language) lines.push(label("summary.language", { language: { language: draft.language } }));
  if (draft.purpose) lines.push(label("summary.purpose", { purpose: label(`mediation.purpose.${draft.purpose}`) }));
  if (draft.mode) lines.push(label("summary.mode", { mode: label(`mediation.mode.${draft.mode}`) }));
  const when = draft.asap || !draft.day || !draft.time ? label("mediation.asap") : { dateTime: appointmentAt(draft.day, draft.time, timeZone).toISOString() };
  lines.push(label("summary.when", { when }));
  const district = draft.districts?.find((d) => d.code === draft.district);
  if (district) lines.push(label("summary.district", { district: { text: district.name } }));
  if (draft.place) lines.push(label("summary.place", { place: draft.place }));
  if (draft.note) lines.push(label("summary.note", { note: draft.note }));
  for (const attachment of draft.attachments ?? []) lines.push(label(`summary.attachment.${attachment.kind}`));
  return lines;
}

/** A time chosen or typed: core says whether the appointment can be worked for. */
function acceptTime(ctx: BotContext, draft: Draft, time: string): Outcome<Step> {
  const check = draft.day ? ctx.core.requests.checkAppointment(draft.day, time) : { kind: "out-of-range" as const };
  if (check.kind === "too-soon") return { go: "time", hint: label("mediation.tooSoon") };
  if (check.kind === "out-of-range") return { go: "date", hint: label("mediation.dateRange") };
  draft.time = time;
  return { go: afterWhen(draft) };
}

/**
 * Asking for an interpreter: language, purpose, how (a letter comes as a photo), when, where, a note, and
 * a summary to send. Every step explains a wrong answer.
 */
const composer = defineDialogue<Draft, Step>({
  name: "mediation",
  prefix: "m",
  start: { button: CALLBACK.mediation.pack({}) },
  first: "language",
  begin: async (ctx) => ({ draft: { districts: (await ctx.core.networks.byId(townOf(ctx)))?.districts ?? [] } }),
  gone: label("mediation.expired"),
  sent: (ctx, dialogueId) => ctx.core.requests.sentWith(requestKey(ctx, dialogueId)),
  steps: {
    language: {
      ask: (ctx, _draft, choice) => {
        const suggested = SUGGESTED_LANGUAGE[ctx.locale];
        const order = suggested ? [suggested, ...MEDIATION_LANGUAGES.filter((l) => l !== suggested)] : [...MEDIATION_LANGUAGES];
        return { parts: [label("mediation.ask.language")], keyboard: rows(order.map((code) => choice(code, { language: code }))) };
      },
      chosen: (draft) => draft.language,
      button: (value, draft) => {
        if (!isOneOf(MEDIATION_LANGUAGES, value)) return invalid("language");
        draft.language = value;
        return { go: "purpose" };
      },
    },
    // One office to a row: its German name and the explanation need the width.
    purpose: pick("purpose", "mediation.ask.purpose", PURPOSES, "mode", (p) => label(`mediation.purpose.${p}`), 1),
    mode: {
      ask: (_ctx, _draft, choice) => ({ parts: [label("mediation.ask.mode")], keyboard: rows(MODES.map((m) => choice(m, label(`mediation.mode.${m}`)))) }),
      chosen: (draft) => draft.mode,
      button: (value, draft) => {
        if (!isOneOf(MODES, value)) return invalid("mode");
        draft.mode = value;
        // Answers of another way (after "back"): a place only in person, the letter's photos only for a letter.
        if (value !== "IN_PERSON") {
          delete draft.district;
          delete draft.place;
        }
        if (value !== "LETTER") draft.attachments = draft.attachments?.filter((a) => a.kind !== "photo");
        return { go: value === "LETTER" ? "letter" : "when" };
      },
    },
    letter: {
      ask: (_ctx, _draft, choice) => ({ parts: [label("mediation.ask.letter")], keyboard: [[choice("skip", label("mediation.skip"))]] }),
      button: (value) => (value === "skip" ? { go: "when" } : invalid("letter")),
      message: (message, draft) => {
        // A photo, not a file: Telegram re-encodes photos, so no file name or camera data reaches the volunteer.
        if (!message.photo) return { go: "letter", hint: label("mediation.photoNeeded") };
        draft.attachments = [...(draft.attachments ?? []), { messageId: message.message_id, kind: "photo" }];
        return { go: "when" };
      },
    },
    when: {
      ask: (_ctx, _draft, choice) => ({ parts: [label("mediation.ask.when")], keyboard: [[choice("asap", label("mediation.asap"))], [choice("date", label("mediation.pickDate"))]] }),
      chosen: (draft) => (draft.asap ? "asap" : draft.day ? "date" : undefined),
      button: (value, draft) => {
        if (value !== "asap" && value !== "date") return invalid("when");
        draft.asap = value === "asap";
        if (!draft.asap) return { go: "date" };
        delete draft.day;
        delete draft.time;
        return { go: afterWhen(draft) };
      },
    },
    date: {
      ask: (ctx, _draft, choice) => {
        const days = nextDays(8, ctx.core.settings.timeZone).slice(1);
        return { parts: [label("mediation.ask.date")], keyboard: rows(days.map((day) => choice(day, { date: `${day}T12:00:00Z`, short: true }))) };
      },
      chosen: (draft) => draft.day,
      button: (value, draft, ctx) => {
        const day = parseDay(value, ctx.core.settings.timeZone);
        if (!day) return invalid("date");
        draft.day = day;
        return { go: "time" };
      },
      message: (message, draft, ctx) => {
        const day = parseDay(message.text ?? "", ctx.core.settings.timeZone);
        if (!day) return { go: "date", hint: label(message.text ? "mediation.badDate" : "mediation.useButtons") };
        if (ctx.core.requests.checkDay(day).kind !== "ok") return { go: "date", hint: label("mediation.dateRange") };
        draft.day = day;
        return { go: "time" };
      },
    },
    time: {
      ask: (_ctx, draft, choice) => ({
        parts: [label("mediation.ask.time", { day: { date: `${draft.day ?? ""}T12:00:00Z` } })],
        keyboard: rows(TIMES.map((time) => choice(time.replace(":", ""), { text: time })), 5),
      }),
      chosen: (draft) => draft.time?.replace(":", ""),
      button: (value, draft, ctx) => {
        const time = parseTime(`${value.slice(0, 2)}:${value.slice(2)}`);
        return time ? acceptTime(ctx, draft, time) : invalid("time");
      },
      message: (message, draft, ctx) => {
        const time = parseTime(message.text ?? "");
        return time ? acceptTime(ctx, draft, time) : { go: "time", hint: label(message.text ? "mediation.badTime" : "mediation.useButtons") };
      },
    },
    district: {
      ask: (_ctx, draft, choice) => ({ parts: [label("mediation.ask.district")], keyboard: rows((draft.districts ?? []).map((d) => choice(d.code, { text: d.name }))) }),
      chosen: (draft) => draft.district,
      button: (value, draft) => {
        if (!draft.districts?.some((d) => d.code === value)) return invalid("district");
        draft.district = value;
        return { go: "place" };
      },
    },
    place: {
      ask: (_ctx, _draft, choice) => ({ parts: [label("mediation.ask.place", { max: PLACE_MAX })], keyboard: [[choice("skip", label("mediation.skip"))]] }),
      button: (value) => (value === "skip" ? { go: "note" } : invalid("place")),
      message: (message, draft) => {
        const place = message.text?.trim() ?? "";
        if (!place) return { go: "place", hint: label("mediation.useButtons") };
        if (longerThan(place, PLACE_MAX)) return { go: "place", hint: label("mediation.tooLong", { max: PLACE_MAX }) };
        draft.place = place;
        return { go: "note" };
      },
    },
    note: noteStep("mediation.ask.note", "confirm", "note"),
    confirm: {
      ask: (ctx, draft, choice) => ({
        parts: [label("mediation.ask.confirm"), ...summaryOf(draft, ctx.core.settings.timeZone)],
        keyboard: [[choice("yes", label("mediation.send"))], [choice("restart", label("mediation.restart")), choice("cancel", label("mediation.cancel"))]],
      }),
      button: async (value, draft, ctx, dialogueId) => {
        if (value === "cancel") return { end: mainMenu(label("cancel.done")) };
        if (value === "restart") {
          // Everything answered goes; the town's districts stay (they decide whether the district is asked).
          for (const key of Object.keys(draft)) if (key !== "districts") delete draft[key as keyof Draft];
          return { go: "language" };
        }
        if (value !== "yes") return invalid("confirm");
        if (!draft.language) return { go: "language" };
        const request: RequestDraft = {
          kind: "MEDIATION",
          language: draft.language,
          ...(draft.purpose ? { purpose: draft.purpose } : {}),
          ...(draft.mode ? { mode: draft.mode } : {}),
          ...(draft.district ? { district: draft.district } : {}),
          ...(draft.place ? { place: draft.place } : {}),
          ...(draft.note ? { note: draft.note } : {}),
          ...(draft.attachments?.length ? { attachments: draft.attachments } : {}),
          ...(!draft.asap && draft.day && draft.time ? { appointmentAt: appointmentAt(draft.day, draft.time, ctx.core.settings.timeZone) } : {}),
        };
        const result = await ctx.core.requests.create(ctx.from?.id ?? 0, request, requestKey(ctx, dialogueId));
        const refused = notCreated(result);
        if (refused) return { end: refused };
        // The "received" message is written with the request itself; here the summary loses its buttons.
        return { end: { parts: [label("mediation.sent"), ...summaryOf(draft, ctx.core.settings.timeZone)] } };
      },
    },
  },
});

export const mediationFeature: Feature = { name: "mediation", composer };
