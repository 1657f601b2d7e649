import { Composer } from "grammy";
import { FREE_TIMES, INTERESTS, localized, matchingOffers, recordUnmetInterests, type FreeTime, type Interest, type LeisureOfferView } from "../../core/catalog.js";
import type { Label } from "../../core/messages.js";
import { createRequest } from "../../core/requests.js";
import { isOneOf, SUGGESTED_LANGUAGE } from "../../core/vocabulary.js";
import type { BotContext, Dialogue, Reply } from "./context.js";
import { currentDialogue, dialogueButtons, label, newDialogue, rows, setDialogue } from "./dialogue.js";
import type { Feature } from "./feature.js";
import { MENU, backToMenuKeyboard, mainMenu } from "./menu.js";
import { NOTE_MAX, noteAnswer } from "./notes.js";

const NAME = "leisure";
const SHOWN_OFFERS = 5;
const { button, pattern } = dialogueButtons("l");

type Step = "interests" | "times" | "offers" | "note" | "confirm";
type Draft = { interests: Interest[]; times: FreeTime[]; note?: string; attachments?: { messageId: number; kind: "voice" }[] };

const draftOf = (dialogue: Dialogue) => dialogue.data as Draft;
const check = (on: boolean, l: Label): Label => (on ? { key: "volunteer.checked", params: { label: l } } : l);

/** An offer in the reader's language where a translation exists, marked "in German" where not. */
export function offerLabel(offer: LeisureOfferView, locale: BotContext["locale"]): Label {
  const title = localized(offer, "title", locale);
  const description = localized(offer, "description", locale);
  const lines: Label[] = [{ text: `• ${title.text ?? offer.title}` }];
  if (description.text) lines.push({ text: description.text });
  if (offer.place) lines.push(label("leisure.place", { place: offer.place }));
  lines.push(label("leisure.times", { times: { lines: offer.times.map((t) => label(`leisure.time.${t}`)) } }));
  if (offer.contact) lines.push(label("leisure.contact", { contact: offer.contact }));
  if (title.german || description.german) lines.push(label("leisure.inGerman"));
  if (offer.exampleData) lines.push(label("catalog.example"));
  return { lines };
}

async function question(ctx: BotContext, dialogue: Dialogue, hint?: Label): Promise<Reply> {
  const draft = draftOf(dialogue);
  const before = hint ? [hint] : [];
  const step = dialogue.step as Step;
  const next = button(dialogue, step, "done", label("volunteer.done"));
  switch (step) {
    case "interests":
      return {
        parts: [...before, label("leisure.ask.interests")],
        keyboard: [...rows(INTERESTS.map((i) => button(dialogue, step, i, check(draft.interests.includes(i), label(`leisure.interest.${i}`))))), [next]],
      };
    case "times":
      return {
        parts: [...before, label("leisure.ask.times")],
        keyboard: [...FREE_TIMES.map((t) => [button(dialogue, step, t, check(draft.times.includes(t), label(`leisure.time.${t}`)))]), [next]],
      };
    case "offers": {
      const offers = await matchingOffers(ctx.deps.db, draft.interests, draft.times);
      const company = [button(dialogue, step, "company", label("leisure.company"))];
      if (offers.length === 0) return { parts: [...before, label("leisure.noOffers")], keyboard: [company, ...backToMenuKeyboard()] };
      return {
        parts: [...before, label("leisure.offers", { count: offers.length }), ...offers.slice(0, SHOWN_OFFERS).map((o) => offerLabel(o, ctx.locale))],
        keyboard: [company, ...backToMenuKeyboard()],
      };
    }
    case "note":
      return { parts: [...before, label("leisure.ask.note", { max: NOTE_MAX })], keyboard: [[button(dialogue, step, "skip", label("mediation.skip"))]] };
    case "confirm":
      return {
        parts: [
          ...before,
          label("leisure.ask.confirm"),
          { lines: [label("summary.interests"), ...draft.interests.map((i) => label(`leisure.interest.${i}`))] },
          ...(draft.note ? [label("summary.note", { note: draft.note })] : []),
        ],
        keyboard: [[button(dialogue, step, "yes", label("mediation.send"))], [button(dialogue, step, "cancel", label("mediation.cancel"))]],
      };
  }
}

const composer = new Composer<BotContext>();
const privateChat = composer.chatType("private");

privateChat.callbackQuery(MENU.leisure, async (ctx) => {
  await ctx.answerCallbackQuery();
  const dialogue = newDialogue(NAME, "interests", { interests: [], times: [] } satisfies Draft);
  await setDialogue(ctx, dialogue);
  await ctx.replace(await question(ctx, dialogue));
});

privateChat.callbackQuery(pattern, async (ctx) => {
  const [, id = "", step = "", value = ""] = ctx.match;
  const dialogue = await currentDialogue(ctx, NAME);
  if (!dialogue || dialogue.id !== id || dialogue.step !== step) {
    await ctx.answerCallbackQuery({ text: ctx.t("fallback.staleButton") });
    return ctx.say(dialogue ? await question(ctx, dialogue) : mainMenu());
  }
  await ctx.answerCallbackQuery();
  const draft = draftOf(dialogue);
  const go = async (next: Step, hint?: Label) => {
    dialogue.step = next;
    await setDialogue(ctx, dialogue);
    await ctx.replace(await question(ctx, dialogue, hint));
  };
  switch (step as Step) {
    case "interests":
      if (value === "done") return draft.interests.length ? go("times") : go("interests", label("volunteer.pickOne"));
      if (isOneOf(INTERESTS, value)) draft.interests = draft.interests.includes(value) ? draft.interests.filter((i) => i !== value) : [...draft.interests, value];
      return go("interests");
    case "times":
      if (value === "done") {
        if (!draft.times.length) return go("times", label("volunteer.pickOne"));
        // What nobody offers is counted (anonymously) for the AG "Zusammenleben gestalten".
        await recordUnmetInterests(ctx.deps.db, draft.interests, await matchingOffers(ctx.deps.db, draft.interests, draft.times));
        return go("offers");
      }
      if (isOneOf(FREE_TIMES, value)) draft.times = draft.times.includes(value) ? draft.times.filter((t) => t !== value) : [...draft.times, value];
      return go("times");
    case "offers":
      return go(value === "company" ? "note" : "offers");
    case "note":
      return go("confirm");
    case "confirm": {
      await setDialogue(ctx, undefined);
      if (value !== "yes") return ctx.replace(mainMenu(label("cancel.done")));
      await createRequest(
        ctx.deps.db,
        ctx.from.id,
        {
          kind: "LEISURE",
          language: SUGGESTED_LANGUAGE[ctx.locale] ?? "de",
          interests: draft.interests,
          availability: draft.times,
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
    if (answer.kind === "invalid") return ctx.say(await question(ctx, dialogue, label(answer.hint, { max: NOTE_MAX })));
    const draft = draftOf(dialogue);
    if (answer.kind === "text") draft.note = answer.text;
    else draft.attachments = [{ messageId: answer.messageId, kind: "voice" }];
    dialogue.step = "confirm";
    await setDialogue(ctx, dialogue);
    return ctx.say(await question(ctx, dialogue));
  }
  await ctx.say(await question(ctx, dialogue, label("mediation.useButtons")));
});

export const leisureFeature: Feature = { name: NAME, composer };
