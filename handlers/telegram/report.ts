import { Composer } from "grammy";
import type { Label } from "../../core/messages.js";
import { reportDiscrimination } from "../../core/reports.js";
import type { BotContext, Dialogue, Reply } from "./context.js";
import { currentDialogue, dialogueButtons, label, newDialogue, setDialogue } from "./dialogue.js";
import type { Feature } from "./feature.js";
import { MENU, mainMenu } from "./menu.js";

const NAME = "report";
const TEXT_MAX = 1000;
const PLACE_MAX = 200;
const { button, pattern } = dialogueButtons("r");

type Step = "text" | "place" | "contact" | "confirm";
type Draft = { text?: string; place?: string; anonymous?: boolean };

const draftOf = (dialogue: Dialogue) => dialogue.data as Draft;

function question(dialogue: Dialogue, hint?: Label): Reply {
  const draft = draftOf(dialogue);
  const before = hint ? [hint] : [];
  const step = dialogue.step as Step;
  switch (step) {
    case "text":
      return { parts: [...before, label("report.intro"), label("report.ask.text", { max: TEXT_MAX })] };
    case "place":
      return { parts: [...before, label("report.ask.place")], keyboard: [[button(dialogue, step, "skip", label("mediation.skip"))]] };
    case "contact":
      return {
        parts: [...before, label("report.ask.contact")],
        keyboard: [[button(dialogue, step, "anonymous", label("report.anonymous"))], [button(dialogue, step, "contact", label("report.contactMe"))]],
      };
    case "confirm":
      return {
        parts: [...before, label("report.ask.confirm"), { text: draft.text ?? "" }, ...(draft.place ? [label("summary.place", { place: draft.place })] : []), label(draft.anonymous ? "report.anonymous" : "report.contactMe")],
        keyboard: [[button(dialogue, step, "yes", label("report.send"))], [button(dialogue, step, "cancel", label("mediation.cancel"))]],
      };
  }
}

const composer = new Composer<BotContext>();
const privateChat = composer.chatType("private");

privateChat.callbackQuery(MENU.report, async (ctx) => {
  await ctx.answerCallbackQuery();
  const dialogue = newDialogue(NAME, "text");
  await setDialogue(ctx, dialogue);
  await ctx.replace(question(dialogue));
});

privateChat.callbackQuery(pattern, async (ctx) => {
  const [, id = "", step = "", value = ""] = ctx.match;
  const dialogue = await currentDialogue(ctx, NAME);
  if (!dialogue || dialogue.id !== id || dialogue.step !== step) {
    await ctx.answerCallbackQuery({ text: ctx.t("fallback.staleButton") });
    return ctx.say(dialogue ? question(dialogue) : mainMenu());
  }
  await ctx.answerCallbackQuery();
  const draft = draftOf(dialogue);
  const go = async (next: Step) => {
    dialogue.step = next;
    await setDialogue(ctx, dialogue);
    await ctx.replace(question(dialogue));
  };
  if (step === "place") return go("contact");
  if (step === "contact") {
    draft.anonymous = value !== "contact";
    return go("confirm");
  }
  await setDialogue(ctx, undefined);
  if (value !== "yes" || !draft.text) return ctx.replace(mainMenu(label("cancel.done")));
  const { reference } = await reportDiscrimination(
    ctx.deps.db,
    ctx.from.id,
    { text: draft.text, anonymous: draft.anonymous ?? true, ...(draft.place ? { place: draft.place } : {}) },
    { coordinatorChannel: ctx.deps.dispatch.coordinatorChannel },
  );
  await ctx.replace(mainMenu(label(draft.anonymous ? "report.thanksAnonymous" : "report.thanks", { reference })));
});

privateChat.on("message", async (ctx, next) => {
  const dialogue = await currentDialogue(ctx, NAME);
  if (!dialogue || ctx.message.text?.startsWith("/")) return next();
  const text = ctx.message.text?.trim();
  const draft = draftOf(dialogue);
  if (dialogue.step === "text" || dialogue.step === "place") {
    const max = dialogue.step === "text" ? TEXT_MAX : PLACE_MAX;
    if (!text) return ctx.say(question(dialogue, label(ctx.message.voice ? "report.pleaseWrite" : "mediation.useButtons")));
    if (text.length > max) return ctx.say(question(dialogue, label("mediation.tooLong", { max })));
    if (dialogue.step === "text") draft.text = text;
    else draft.place = text;
    dialogue.step = dialogue.step === "text" ? "place" : "contact";
    await setDialogue(ctx, dialogue);
    return ctx.say(question(dialogue));
  }
  await ctx.say(question(dialogue, label("mediation.useButtons")));
});

export const reportFeature: Feature = { name: NAME, composer };
