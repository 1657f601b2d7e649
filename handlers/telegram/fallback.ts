import { Composer } from "grammy";
import { part, type BotContext } from "./context.js";
import type { Feature } from "./feature.js";
import { mainMenu } from "./menu.js";

/** The longest free text the bot accepts anywhere. */
export const MAX_TEXT_LENGTH = 1000;

/**
 * Installed last: whatever no feature understood gets a short answer in the sender's language and the
 * menu, never silence.
 */
const composer = new Composer<BotContext>();
const privateChat = composer.chatType("private");

privateChat.callbackQuery(/.*/, async (ctx) => {
  await ctx.answerCallbackQuery({ text: ctx.t("fallback.staleButton") });
  await ctx.say(mainMenu(part("fallback.staleButton")));
});

privateChat.on("message:text", async (ctx) => {
  const text = ctx.message.text;
  const command = ctx.message.entities?.find((e) => e.type === "bot_command" && e.offset === 0);
  if (command) {
    const name = text.slice(0, command.length).slice(0, 40);
    return ctx.say(mainMenu(part("fallback.unknownCommand", { command: name })));
  }
  if (text.length > MAX_TEXT_LENGTH) return ctx.say(mainMenu(part("fallback.tooLong", { max: MAX_TEXT_LENGTH })));
  await ctx.say(mainMenu(part("fallback.text")));
});

privateChat.on("message", (ctx) => ctx.say(mainMenu(part("fallback.media"))));

privateChat.on("edited_message", (ctx) => ctx.say(mainMenu(part("fallback.edited"))));

// Groups and channels: the bot serves people one to one.
composer.on("message", async (ctx) => {
  const isCommand = ctx.message.entities?.some((e) => e.type === "bot_command" && e.offset === 0) ?? false;
  if (ctx.chat.type !== "private" && isCommand) await ctx.say({ parts: [part("fallback.privateOnly")] });
});
composer.on("callback_query", (ctx) => ctx.answerCallbackQuery({ text: ctx.t("fallback.privateOnly") }));

export const fallbackFeature: Feature = { name: "fallback", composer };
