import { Composer } from "grammy";
import type { BotContext } from "./context.js";
import type { Feature } from "./feature.js";
import { MENU } from "./menu.js";
import { languageQuestion } from "./start.js";

const composer = new Composer<BotContext>();
const privateChat = composer.chatType("private");

privateChat.command("language", (ctx) => ctx.say(languageQuestion(ctx)));

privateChat.callbackQuery(MENU.language, async (ctx) => {
  await ctx.answerCallbackQuery();
  await ctx.replace(languageQuestion(ctx));
});

export const languageFeature: Feature = { name: "language", composer, commands: ["language"] };
