import { Composer } from "grammy";
import { appointmentAt, dayIn, nextDays, parseDay, parseTime } from "../../core/appointments.js";
import type { Button, Label } from "../../core/messages.js";
import { createRequest, type RequestDraft } from "../../core/requests.js";
import { DISTRICT_NAMES, DISTRICTS, isOneOf, MEDIATION_LANGUAGES, MODES, PURPOSES, SUGGESTED_LANGUAGE } from "../../core/vocabulary.js";
import type { BotContext, Dialogue, Reply } from "./context.js";
import { asciiDigits, currentDialogue, dialogueButtons, label, newDialogue, rows, setDialogue } from "./dialogue.js";
import type { Feature } from "./feature.js";
import { MAX_TEXT_LENGTH } from "./fallback.js";
import { MENU, mainMenu } from "./menu.js";

const NAME = "mediation";
const PLACE_MAX = 200;
const NOTE_MAX = 500;
const TIMES = ["08:00", "09:00", "10:00", "11:00", "12:00", "13:00", "14:00", "15:00", "16:00", "17:00"];
const { button, pattern } = dialogueButtons("m");

type Step = "language" | "purpose" | "mode" | "letter" | "when" | "date" | "time" | "district" | "place" | "note" | "confirm";

/** What has been answered so far. */
type Draft = {
  language?: string;
  purpose?: string;
  mode?: string;
  day?: string;
  time?: string;
  asap?: boolean;
  district?: string;
  place?: string;
  note?: string;
  attachments?: { messageId: number; kind: "photo" | "voice" }[];
};

const draftOf = (dialogue: Dialogue) => dialogue.data as Draft;
const skip = (dialogue: Dialogue, step: Step): Button => button(dialogue, step, "skip", label("mediation.skip"));

/** The question of each step, with its answer buttons. */
function question(ctx: BotContext, dialogue: Dialogue, hint?: Label): Reply {
  const draft = draftOf(dialogue);
  const step = dialogue.step as Step;
  const before = hint ? [hint] : [];
  switch (step) {
    case "language": {
      const suggested = SUGGESTED_LANGUAGE[ctx.locale];
      const order = suggested ? [suggested, ...MEDIATION_LANGUAGES.filter((l) => l !== suggested)] : [...MEDIATION_LANGUAGES];
      return { parts: [...before, label("mediation.ask.language")], keyboard: rows(order.map((code) => button(dialogue, step, code, { language: code }))) };
    }
    case "purpose":
      return { parts: [...before, label("mediation.ask.purpose")], keyboard: rows(PURPOSES.map((p) => button(dialogue, step, p, label(`mediation.purpose.${p}`)))) };
    case "mode":
      return { parts: [...before, label("mediation.ask.mode")], keyboard: rows(MODES.map((m) => button(dialogue, step, m, label(`mediation.mode.${m}`)))) };
    case "letter":
      return { parts: [...before, label("mediation.ask.letter")], keyboard: [[skip(dialogue, step)]] };
    case "when":
      return {
        parts: [...before, label("mediation.ask.when")],
        keyboard: [[button(dialogue, step, "asap", label("mediation.asap"))], [button(dialogue, step, "date", label("mediation.pickDate"))]],
      };
    case "date": {
      const days = nextDays(8, ctx.deps.dispatch.timeZone).slice(1);
      return { parts: [...before, label("mediation.ask.date")], keyboard: rows(days.map((day) => button(dialogue, step, day, { date: `${day}T12:00:00Z`, short: true }))) };
    }
    case "time":
      return {
        parts: [...before, label("mediation.ask.time", { day: { date: `${draft.day ?? ""}T12:00:00Z` } })],
        keyboard: rows(TIMES.map((time) => button(dialogue, step, time.replace(":", ""), { text: time })), 5),
      };
    case "district":
      return { parts: [...before, label("mediation.ask.district")], keyboard: rows(DISTRICTS.map((d) => button(dialogue, step, d, { text: DISTRICT_NAMES[d] }))) };
    case "place":
      return { parts: [...before, label("mediation.ask.place", { max: PLACE_MAX })], keyboard: [[skip(dialogue, step)]] };
    case "note":
      return { parts: [...before, label("mediation.ask.note", { max: NOTE_MAX })], keyboard: [[skip(dialogue, step)]] };
    case "confirm":
      return {
        parts: [...before, label("mediation.ask.confirm"), ...summaryOf(draft, ctx.deps.dispatch.timeZone)],
        keyboard: [
          [button(dialogue, step, "yes", label("mediation.send"))],
          [button(dialogue, step, "restart", label("mediation.restart")), button(dialogue, step, "cancel", label("mediation.cancel"))],
        ],
      };
  }
}

/** The newcomer's own view of the request before sending: everything, including place and note. */
function summaryOf(draft: Draft, timeZone: string): Label[] {
  const lines: Label[] = [];
  if (draft.language) lines.push(label("summary.language", { language: { language: draft.language } }));
  if (draft.purpose) lines.push(label("summary.purpose", { purpose: label(`mediation.purpose.${draft.purpose}`) }));
  if (draft.mode) lines.push(label("summary.mode", { mode: label(`mediation.mode.${draft.mode}`) }));
  lines.push(label("summary.when", { when: draft.asap || !draft.day ? label("mediation.asap") : { dateTime: whenOf(draft, timeZone)?.toISOString() ?? "" } }));
  if (draft.district && isOneOf(DISTRICTS, draft.district)) lines.push(label("summary.district", { district: { text: DISTRICT_NAMES[draft.district] } }));
  if (draft.place) lines.push(label("summary.place", { place: draft.place }));
  if (draft.note) lines.push(label("summary.note", { note: draft.note }));
  for (const attachment of draft.attachments ?? []) lines.push(label(`summary.attachment.${attachment.kind}`));
  return lines;
}

function whenOf(draft: Draft, timeZone: string): Date | undefined {
  return draft.day && draft.time ? appointmentAt(draft.day, draft.time, timeZone) : undefined;
}

/** The step after `step`, given the answers so far (letters need a photo, meetings a place). */
function nextStep(step: Step, draft: Draft): Step {
  switch (step) {
    case "language":
      return "purpose";
    case "purpose":
      return "mode";
    case "mode":
      return draft.mode === "LETTER" ? "letter" : "when";
    case "letter":
      return "when";
    case "when":
      return draft.asap ? afterWhen(draft) : "date";
    case "date":
      return "time";
    case "time":
      return afterWhen(draft);
    case "district":
      return "place";
    case "place":
      return "note";
    case "note":
    case "confirm":
      return "confirm";
  }
}

const afterWhen = (draft: Draft): Step => (draft.mode === "IN_PERSON" ? "district" : "note");

async function advance(ctx: BotContext, dialogue: Dialogue, viaButton: boolean): Promise<void> {
  dialogue.step = nextStep(dialogue.step as Step, draftOf(dialogue));
  await setDialogue(ctx, dialogue);
  const next = question(ctx, dialogue);
  await (viaButton ? ctx.replace(next) : ctx.say(next));
}

/** An answer button pressed at the current step. */
type Answer = { dialogue: Dialogue; step: Step; value: string };

const composer = new Composer<BotContext>();
const privateChat = composer.chatType("private");

privateChat.callbackQuery(MENU.mediation, async (ctx) => {
  await ctx.answerCallbackQuery();
  const dialogue = newDialogue(NAME, "language");
  await setDialogue(ctx, dialogue);
  await ctx.replace(question(ctx, dialogue));
});

privateChat.callbackQuery(pattern, async (ctx) => {
  const [, id = "", step = "", value = ""] = ctx.match;
  const dialogue = await currentDialogue(ctx, NAME);
  if (!dialogue || dialogue.id !== id) {
    if (step === "confirm" && value === "yes") return alreadySent(ctx, id);
    await ctx.answerCallbackQuery({ text: ctx.t("fallback.staleButton") });
    return ctx.say(dialogue ? question(ctx, dialogue) : mainMenu(label("mediation.expired")));
  }
  if (dialogue.step !== step) {
    await ctx.answerCallbackQuery({ text: ctx.t("mediation.oldStep") });
    return ctx.say(question(ctx, dialogue));
  }
  await ctx.answerCallbackQuery();
  await answerStep(ctx, { dialogue, step: step as Step, value });
});

async function answerStep(ctx: BotContext, { dialogue, step, value }: Answer): Promise<void> {
  const draft = draftOf(dialogue);
  const invalid = () => ctx.replace(question(ctx, dialogue, label("mediation.invalidChoice")));
  switch (step) {
    case "language":
      if (!isOneOf(MEDIATION_LANGUAGES, value)) return invalid();
      draft.language = value;
      break;
    case "purpose":
      if (!isOneOf(PURPOSES, value)) return invalid();
      draft.purpose = value;
      break;
    case "mode":
      if (!isOneOf(MODES, value)) return invalid();
      draft.mode = value;
      if (value !== "IN_PERSON") delete draft.district;
      break;
    case "letter":
    case "place":
    case "note":
      if (value !== "skip") return invalid();
      break;
    case "when":
      if (value !== "asap" && value !== "date") return invalid();
      draft.asap = value === "asap";
      if (draft.asap) {
        delete draft.day;
        delete draft.time;
      }
      break;
    case "date": {
      const day = parseDay(value, ctx.deps.dispatch.timeZone);
      if (!day) return invalid();
      draft.day = day;
      break;
    }
    case "time": {
      const time = parseTime(`${value.slice(0, 2)}:${value.slice(2)}`);
      if (!time) return invalid();
      return acceptTime(ctx, dialogue, time, true);
    }
    case "district":
      if (!isOneOf(DISTRICTS, value)) return invalid();
      draft.district = value;
      break;
    case "confirm":
      return confirm(ctx, dialogue, value);
  }
  await advance(ctx, dialogue, true);
}

/** A time is accepted only with its day in the future, at least an hour ahead and within 90 days. */
async function acceptTime(ctx: BotContext, dialogue: Dialogue, time: string, viaButton: boolean): Promise<void> {
  const draft = draftOf(dialogue);
  const when = draft.day ? appointmentAt(draft.day, time, ctx.deps.dispatch.timeZone) : undefined;
  const now = Date.now();
  if (!when || when.getTime() < now + 3600_000) {
    const reply = question(ctx, dialogue, label("mediation.tooSoon"));
    return viaButton ? ctx.replace(reply) : ctx.say(reply);
  }
  draft.time = time;
  await advance(ctx, dialogue, viaButton);
}

async function confirm(ctx: BotContext, dialogue: Dialogue, value: string): Promise<void> {
  if (value === "cancel") {
    await setDialogue(ctx, undefined);
    return ctx.replace(mainMenu(label("cancel.done")));
  }
  if (value === "restart") {
    const fresh = newDialogue(NAME, "language");
    await setDialogue(ctx, fresh);
    return ctx.replace(question(ctx, fresh));
  }
  if (value !== "yes") return ctx.replace(question(ctx, dialogue, label("mediation.invalidChoice")));
  const draft = draftOf(dialogue);
  if (!draft.language) return ctx.replace(question(ctx, { ...dialogue, step: "language" }));
  const request: RequestDraft = {
    kind: "MEDIATION",
    language: draft.language,
    ...(draft.purpose ? { purpose: draft.purpose } : {}),
    ...(draft.mode ? { mode: draft.mode } : {}),
    ...(draft.district ? { district: draft.district } : {}),
    ...(draft.place ? { place: draft.place } : {}),
    ...(draft.note ? { note: draft.note } : {}),
    ...(draft.attachments?.length ? { attachments: draft.attachments } : {}),
  };
  const when = whenOf(draft, ctx.deps.dispatch.timeZone);
  if (when && !draft.asap) request.appointmentAt = when;
  const result = await createRequest(ctx.deps.db, ctx.from?.id ?? 0, request, `${ctx.from?.id}:${dialogue.id}`, ctx.deps.dispatch);
  await setDialogue(ctx, undefined);
  // The "received" message is written with the request itself; here the summary loses its buttons.
  if (result.kind === "no-consent") return ctx.say(mainMenu(label("privacy.needed")));
  await ctx.replace({ parts: [label("mediation.sent"), ...summaryOf(draft, ctx.deps.dispatch.timeZone)] });
}

/** A second tap on "send" after the request went out. */
async function alreadySent(ctx: BotContext, id: string): Promise<void> {
  await ctx.answerCallbackQuery({ text: ctx.t("mediation.alreadySent") });
  ctx.log.info({ dialogue: id }, "confirm pressed again");
}

// Typed answers: dates, times, the place and the note. Buttons steps explain that a button is needed.
privateChat.on("message:text", async (ctx, next) => {
  const dialogue = await currentDialogue(ctx, NAME);
  if (!dialogue || ctx.message.text.startsWith("/")) return next();
  const text = asciiDigits(ctx.message.text.trim());
  const draft = draftOf(dialogue);
  const step = dialogue.step as Step;
  if (ctx.message.text.length > MAX_TEXT_LENGTH) return ctx.say(question(ctx, dialogue, label("fallback.tooLong", { max: MAX_TEXT_LENGTH })));
  switch (step) {
    case "date": {
      const day = parseDay(text, ctx.deps.dispatch.timeZone);
      const today = dayIn(new Date(), ctx.deps.dispatch.timeZone);
      if (!day) return ctx.say(question(ctx, dialogue, label("mediation.badDate")));
      if (day < today || day > dayIn(new Date(Date.now() + 90 * 86_400_000), ctx.deps.dispatch.timeZone)) {
        return ctx.say(question(ctx, dialogue, label("mediation.dateRange")));
      }
      draft.day = day;
      return advance(ctx, dialogue, false);
    }
    case "time": {
      const time = parseTime(text);
      if (!time) return ctx.say(question(ctx, dialogue, label("mediation.badTime")));
      return acceptTime(ctx, dialogue, time, false);
    }
    case "place":
      if (text.length > PLACE_MAX) return ctx.say(question(ctx, dialogue, label("mediation.tooLong", { max: PLACE_MAX })));
      draft.place = text;
      return advance(ctx, dialogue, false);
    case "note":
      if (text.length > NOTE_MAX) return ctx.say(question(ctx, dialogue, label("mediation.tooLong", { max: NOTE_MAX })));
      draft.note = text;
      return advance(ctx, dialogue, false);
    default:
      return ctx.say(question(ctx, dialogue, label("mediation.useButtons")));
  }
});

// A photo of the letter; a voice note instead of a typed note. Anything else is explained.
privateChat.on("message", async (ctx, next) => {
  const dialogue = await currentDialogue(ctx, NAME);
  if (!dialogue) return next();
  const draft = draftOf(dialogue);
  if (dialogue.step === "letter" && (ctx.message.photo || ctx.message.document)) {
    draft.attachments = [...(draft.attachments ?? []), { messageId: ctx.message.message_id, kind: "photo" }];
    return advance(ctx, dialogue, false);
  }
  if (dialogue.step === "note" && ctx.message.voice) {
    draft.attachments = [...(draft.attachments ?? []), { messageId: ctx.message.message_id, kind: "voice" }];
    return advance(ctx, dialogue, false);
  }
  const hint = dialogue.step === "letter" ? "mediation.photoNeeded" : dialogue.step === "note" ? "mediation.textOrVoice" : "mediation.useButtons";
  await ctx.say(question(ctx, dialogue, label(hint)));
});

export const mediationFeature: Feature = { name: NAME, composer };
