import { FeatureComposer } from "./composer.js";
import { CALLBACK } from "./callback-data.js";
import type { BotContext } from "./context.js";
import type { Feature } from "./feature.js";
import { menuFor } from "./menu.js";
import { label } from "./reply.js";

const ACCEPT_ANSWERS = {
  won: "offer.answer.won",
  "already-yours": "offer.answer.alreadyYours",
  taken: "offer.answer.taken",
  withdrawn: "offer.answer.withdrawn",
  declined: "offer.answer.declined",
  "not-yours": "fallback.staleButton",
} as const;

const composer = new FeatureComposer<BotContext>();
const privateChat = composer.chatType("private");

// Offers are answered with a short pop-up; the message itself is edited by the outcome (won, taken …).
privateChat.callbackQuery(CALLBACK.acceptOffer.filter, async (ctx) => {
  const result = await ctx.core.offers.accept(CALLBACK.acceptOffer.unpack(ctx.callbackQuery.data)?.offerId ?? "", ctx.from.id);
  await ctx.answerCallbackQuery({ text: ctx.t(ACCEPT_ANSWERS[result.kind]), show_alert: result.kind === "taken" });
  if (result.kind === "not-yours") await ctx.say(await menuFor(ctx, label("fallback.staleButton")));
});

privateChat.callbackQuery(CALLBACK.declineOffer.filter, async (ctx) => {
  const result = await ctx.core.offers.decline(CALLBACK.declineOffer.unpack(ctx.callbackQuery.data)?.offerId ?? "", ctx.from.id);
  const key = result.kind === "declined" ? "offer.answer.declinedNow" : result.kind === "not-open" ? "offer.answer.notOpen" : "fallback.staleButton";
  await ctx.answerCallbackQuery({ text: ctx.t(key) });
  if (result.kind === "not-yours") await ctx.say(await menuFor(ctx, label("fallback.staleButton")));
});

export const offersFeature: Feature = { name: "offers", composer };
