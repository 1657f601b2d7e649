import { FeatureComposer } from "./composer.js";
import { type BotContext } from "./context.js";
import { label, longerThan, MAX_TEXT_LENGTH } from "./reply.js";
import type { Feature } from "./feature.js";
import { menuFor } from "./menu.js";


/**
 * Installed last: whatever no feature understood gets a short answer in the sender's language and the
 * menu, never silence.
 */
const composer = new FeatureComposer<BotContext>();
const privateChat = composer.chatType("private");

privateChat.callbackQuery(/.*/, async (ctx) => {
  await ctx.answerCallbackQuery({ text: ctx.t("fallback.staleButton") });
  await ctx.say(await menuFor(ctx, label("fallback.staleButton")));
});

privateChat.on("message:text", async (ctx) => {
  const text = ctx.message.text;
  const command = ctx.message.entities?.find((e) => e.type === "bot_command" && e.offset === 0);
  if (command) {
    const name = text.slice(0, command.length).slice(0, 40);
    return ctx.say(await menuFor(ctx, label("fallback.unknownCommand", { command: name })));
  }
  if (longerThan(text, MAX_TEXT_LENGTH)) return ctx.say(await menuFor(ctx, label("fallback.tooLong", { max: MAX_TEXT_LENGTH })));
  await ctx.say(await menuFor(ctx, label("fallback.text")));
});

privateChat.on("message", async (ctx) => ctx.say(await menuFor(ctx, label("fallback.media"))));

privateChat.on("edited_message", async (ctx) => ctx.say(await menuFor(ctx, label("fallback.edited"))));

// Groups and channels: the bot serves people one to one.
composer.on("message", async (ctx) => {
  const isCommand = ctx.message.entities?.some((e) => e.type === "bot_command" && e.offset === 0) ?? false;
  if (ctx.chat.type !== "private" && isCommand) await ctx.say({ parts: [label("fallback.privateOnly")] });
});
composer.on("callback_query", (ctx) => ctx.answerCallbackQuery({ text: ctx.t("fallback.privateOnly") }));

export const fallbackFeature: Feature = { name: "fallback", composer };
