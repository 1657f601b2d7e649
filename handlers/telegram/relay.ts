import { Composer } from "grammy";
import { CALLBACK } from "./callback-data.js";
import type { BotContext } from "./context.js";
import { isCommand } from "./dialogue.js";
import type { Feature } from "./feature.js";

/**
 * While a job is matched, newcomer and volunteer write to each other through the bot: text, voice notes
 * and photos are copied to the other side without the sender's name, username or phone number. Installed
 * after the dialogues (a dialogue's answers are not relayed) and before the catch-all.
 */
const composer = new Composer<BotContext>();
const privateChat = composer.chatType("private");

privateChat.on(["message:text", "message:voice", "message:photo", "message:document", "message:video_note", "message:audio"], async (ctx, next) => {
  // Most messages come from people without an open job: no need to ask the database.
  if (!ctx.user?.relayRequestId || isCommand(ctx.message)) return next();
  if ((await ctx.session).dialogue) return next();
  const target = await ctx.core.relay.target(ctx.from.id);
  if (!target) return next();
  await ctx.core.relay.send(ctx.chat.id, ctx.message.message_id, target);
});

privateChat.callbackQuery(CALLBACK.writeTo.filter, async (ctx) => {
  const chosen = await ctx.core.relay.choose(ctx.from.id, CALLBACK.writeTo.unpack(ctx.callbackQuery.data)?.requestId ?? "");
  await ctx.answerCallbackQuery({ text: ctx.t(chosen === "chosen" ? "relay.chosen" : "relay.closed") });
});

export const relayFeature: Feature = { name: "relay", composer };
