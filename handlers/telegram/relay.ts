import { FeatureComposer } from "./composer.js";
import type { Message } from "grammy/types";
import { renderLabel } from "../../core/messages.js";
import { recipientLabel, type RelayTarget } from "../../core/relay.js";
import { CALLBACK } from "./callback-data.js";
import type { BotContext } from "./context.js";
import { isCommand } from "./dialogue.js";
import type { Feature } from "./feature.js";
import { label } from "./reply.js";

/**
 * While a job is matched (and, for mentoring, confirmed), newcomer and volunteer write to each other
 * through the bot: texts, voice notes and photos are copied to the other side without the sender's name,
 * username or phone number. Files, audio, videos, locations and contacts are not relayed: they can carry a
 * file name, a place or a phone number. With several open chats a person writes to the one they chose, and
 * is asked to whom otherwise. Installed after the dialogues (a dialogue's answers are not relayed) and
 * before the catch-all.
 */
const composer = new FeatureComposer<BotContext>();
const privateChat = composer.chatType("private");

/** What may go through: Telegram re-encodes photos and voice notes, so no file name or photo metadata travels. */
const relayable = (message: Message) => message.text !== undefined || message.photo !== undefined || message.voice !== undefined;

async function relayed(ctx: BotContext, messageId: number, target: RelayTarget): Promise<void> {
  await ctx.core.relay.send(ctx.chat?.id ?? 0, messageId, target);
  // With two chats open nobody should wonder where a message went.
  if (target.several) await ctx.say({ parts: [label("relay.sentTo", { to: recipientLabel(target) })] });
}

privateChat.on("message", async (ctx, next) => {
  // Most messages come from people without an open chat: no need to ask the database.
  if (!ctx.user?.relayRequestId || isCommand(ctx.message)) return next();
  if ((await ctx.session).dialogue) return next();
  const route = await ctx.core.relay.target(ctx.from.id);
  if (route.kind === "none") return next();
  if (!relayable(ctx.message)) return ctx.say({ parts: [label("relay.unsupported")] });
  if (route.kind === "one") return relayed(ctx, ctx.message.message_id, route.target);
  const messageId = String(ctx.message.message_id);
  await ctx.say({
    parts: [label("relay.choose")],
    keyboard: route.chats.map((chat) => [{ ...label("relay.writeTo", { to: recipientLabel(chat) }), data: CALLBACK.relaySend.pack({ requestId: chat.requestId, messageId }) }]),
  });
});

// A reply button under a relayed message, or "write" in /myjobs: the person's next messages go to that chat.
privateChat.callbackQuery(CALLBACK.writeTo.filter, async (ctx) => {
  const chosen = await ctx.core.relay.choose(ctx.from.id, CALLBACK.writeTo.unpack(ctx.callbackQuery.data)?.requestId ?? "");
  if (chosen.kind !== "chosen") return ctx.answerCallbackQuery({ text: ctx.t("relay.closed") });
  await ctx.answerCallbackQuery({ text: ctx.t("relay.chosen", { to: renderLabel(ctx.deps.i18n, ctx.locale, recipientLabel(chosen.target)) }) });
});

// "To whom?" answered: the message goes there, and so do the next ones.
privateChat.callbackQuery(CALLBACK.relaySend.filter, async (ctx) => {
  const { requestId = "", messageId = "" } = CALLBACK.relaySend.unpack(ctx.callbackQuery.data) ?? {};
  const chosen = await ctx.core.relay.choose(ctx.from.id, requestId);
  if (chosen.kind !== "chosen") {
    await ctx.answerCallbackQuery({ text: ctx.t("relay.closed") });
    return ctx.replace({ parts: [label("relay.closed")] });
  }
  await ctx.answerCallbackQuery({ text: ctx.t("relay.chosen", { to: renderLabel(ctx.deps.i18n, ctx.locale, recipientLabel(chosen.target)) }) });
  await ctx.core.relay.send(ctx.chat.id, Number(messageId), chosen.target);
  await ctx.replace({ parts: [label("relay.sentTo", { to: recipientLabel(chosen.target) })] });
});

export const relayFeature: Feature = { name: "relay", composer };
