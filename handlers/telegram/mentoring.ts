import { Composer } from "grammy";
import type { Label } from "../../core/messages.js";
import { createRequest } from "../../core/requests.js";
import { isOneOf, MEDIATION_LANGUAGES, SUGGESTED_LANGUAGE } from "../../core/vocabulary.js";
import type { BotContext, Dialogue, Reply } from "./context.js";
import { currentDialogue, dialogueButtons, label, newDialogue, rows, setDialogue } from "./dialogue.js";
import type { Feature } from "./feature.js";
import { MENU, mainMenu } from "./menu.js";
import { NOTE_MAX, noteAnswer } from "./notes.js";

const NAME = "mentoring";
export const TOPICS = ["EVERYDAY", "AUTHORITIES", "WORK", "LANGUAGE", "FAMILY"] as const;
const GENDERS = ["ANY", "WOMAN", "MAN"] as const;
const { button, pattern } = dialogueButtons("p");

type Step = "topic" | "language" | "gender" | "note" | "confirm";
type Draft = { topic?: string; language?: string; gender?: string; note?: string; attachments?: { messageId: number; kind: "voice" }[] };

const draftOf = (dialogue: Dialogue) => dialogue.data as Draft;

function question(ctx: BotContext, dialogue: Dialogue, hint?: Label): Reply {
  const draft = draftOf(dialogue);
  const before = hint ? [hint] : [];
  const step = dialogue.step as Step;
  switch (step) {
    case "topic":
      return { parts: [...before, label("mentoring.intro"), label("mentoring.ask.topic")], keyboard: TOPICS.map((t) => [button(dialogue, step, t, label(`mentoring.topic.${t}`))]) };
    case "language": {
      const suggested = SUGGESTED_LANGUAGE[ctx.locale];
      const order = ["de", ...(suggested ? [suggested] : []), ...MEDIATION_LANGUAGES.filter((l) => l !== suggested)];
      return { parts: [...before, label("mentoring.ask.language")], keyboard: rows(order.map((code) => button(dialogue, step, code, { language: code }))) };
    }
    case "gender":
      return { parts: [...before, label("mentoring.ask.gender")], keyboard: GENDERS.map((g) => [button(dialogue, step, g, label(`mentoring.gender.${g}`))]) };
    case "note":
      return { parts: [...before, label("mentoring.ask.note", { max: NOTE_MAX })], keyboard: [[button(dialogue, step, "skip", label("mediation.skip"))]] };
    case "confirm":
      return {
        parts: [
          ...before,
          label("mediation.ask.confirm"),
          {
            lines: [
              label("summary.topic", { topic: label(`mentoring.topic.${draft.topic ?? "EVERYDAY"}`) }),
              label("summary.language", { language: { language: draft.language ?? "de" } }),
              label("summary.gender", { gender: label(`mentoring.gender.${draft.gender ?? "ANY"}`) }),
              ...(draft.note ? [label("summary.note", { note: draft.note })] : []),
            ],
          },
        ],
        keyboard: [[button(dialogue, step, "yes", label("mediation.send"))], [button(dialogue, step, "cancel", label("mediation.cancel"))]],
      };
  }
}

const composer = new Composer<BotContext>();
const privateChat = composer.chatType("private");

privateChat.callbackQuery(MENU.mentor, async (ctx) => {
  await ctx.answerCallbackQuery();
  const dialogue = newDialogue(NAME, "topic");
  await setDialogue(ctx, dialogue);
  await ctx.replace(question(ctx, dialogue));
});

privateChat.callbackQuery(pattern, async (ctx) => {
  const [, id = "", step = "", value = ""] = ctx.match;
  const dialogue = await currentDialogue(ctx, NAME);
  if (!dialogue || dialogue.id !== id || dialogue.step !== step) {
    await ctx.answerCallbackQuery({ text: ctx.t("fallback.staleButton") });
    return ctx.say(dialogue ? question(ctx, dialogue) : mainMenu());
  }
  await ctx.answerCallbackQuery();
  const draft = draftOf(dialogue);
  const go = async (next: Step, hint?: Label) => {
    dialogue.step = next;
    await setDialogue(ctx, dialogue);
    await ctx.replace(question(ctx, dialogue, hint));
  };
  switch (step as Step) {
    case "topic":
      if (!isOneOf(TOPICS, value)) return go("topic");
      draft.topic = value;
      return go("language");
    case "language":
      if (value !== "de" && !isOneOf(MEDIATION_LANGUAGES, value)) return go("language");
      draft.language = value;
      return go("gender");
    case "gender":
      if (!isOneOf(GENDERS, value)) return go("gender");
      draft.gender = value;
      return go("note");
    case "note":
      return go("confirm");
    case "confirm": {
      await setDialogue(ctx, undefined);
      if (value !== "yes" || !draft.topic || !draft.language) return ctx.replace(mainMenu(label("cancel.done")));
      await createRequest(
        ctx.deps.db,
        ctx.from.id,
        {
          kind: "MENTORING",
          language: draft.language,
          topic: draft.topic,
          ...(draft.gender && draft.gender !== "ANY" ? { genderPreference: draft.gender } : {}),
          ...(draft.note ? { note: draft.note } : {}),
          ...(draft.attachments?.length ? { attachments: draft.attachments } : {}),
        },
        `${ctx.from.id}:${dialogue.id}`,
        ctx.deps.dispatch,
      );
      return ctx.replace({ parts: [label("mediation.sent")] });
    }
  }
});

privateChat.on("message", async (ctx, next) => {
  const dialogue = await currentDialogue(ctx, NAME);
  if (!dialogue || ctx.message.text?.startsWith("/")) return next();
  if (dialogue.step === "note") {
    const answer = noteAnswer(ctx.message);
    if (answer.kind === "invalid") return ctx.say(question(ctx, dialogue, label(answer.hint, { max: NOTE_MAX })));
    const draft = draftOf(dialogue);
    if (answer.kind === "text") draft.note = answer.text;
    else draft.attachments = [{ messageId: answer.messageId, kind: "voice" }];
    dialogue.step = "confirm";
    await setDialogue(ctx, dialogue);
    return ctx.say(question(ctx, dialogue));
  }
  await ctx.say(question(ctx, dialogue, label("mediation.useButtons")));
});

export const mentoringFeature: Feature = { name: NAME, composer };
