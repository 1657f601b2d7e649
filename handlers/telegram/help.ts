import { Composer } from "grammy";
import { part, type BotContext, type Reply } from "./context.js";
import type { Feature } from "./feature.js";
import { MENU, backToMenuKeyboard } from "./menu.js";

const help = (ctx: BotContext): Reply => ({
  parts: [part("help.text")],
  ...(ctx.user?.consentAt ? { keyboard: backToMenuKeyboard() } : {}),
});

const composer = new Composer<BotContext>();
const privateChat = composer.chatType("private");

privateChat.command("help", (ctx) => ctx.say(help(ctx)));

privateChat.callbackQuery(MENU.help, async (ctx) => {
  await ctx.answerCallbackQuery();
  await ctx.replace(help(ctx));
});

export const helpFeature: Feature = { name: "help", composer, commands: ["help"] };
