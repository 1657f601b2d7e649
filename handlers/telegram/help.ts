import { Composer } from "grammy";
import { CALLBACK } from "./callback-data.js";
import type { BotContext, Reply } from "./context.js";
import type { Feature } from "./feature.js";
import { backToMenuKeyboard } from "./menu.js";
import { label } from "./reply.js";

const help = (ctx: BotContext): Reply => ({
  parts: [label("help.text")],
  ...(ctx.user?.consentAt ? { keyboard: backToMenuKeyboard() } : {}),
});

const composer = new Composer<BotContext>();
const privateChat = composer.chatType("private");

privateChat.command("help", (ctx) => ctx.say(help(ctx)));

privateChat.callbackQuery(CALLBACK.help.filter, async (ctx) => {
  await ctx.answerCallbackQuery();
  await ctx.replace(help(ctx));
});

export const helpFeature: Feature = { name: "help", composer, commands: ["help"] };
