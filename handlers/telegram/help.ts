import { Composer } from "grammy";
import { CALLBACK } from "./callback-data.js";
import type { BotContext, Reply } from "./context.js";
import type { Feature } from "./feature.js";
import { withResume } from "./dialogue.js";
import { backToMenuKeyboard } from "./menu.js";
import { label } from "./reply.js";

/** Help for newcomers, or for an approved volunteer their own commands; in a dialogue, a way back to it. */
const help = (ctx: BotContext): Promise<Reply> =>
  withResume(ctx, {
    parts: [label(ctx.user?.volunteer ? "help.volunteer" : "help.text")],
    ...(ctx.user?.consentAt ? { keyboard: backToMenuKeyboard() } : {}),
  });

const composer = new Composer<BotContext>();
const privateChat = composer.chatType("private");

privateChat.command("help", async (ctx) => ctx.say(await help(ctx)));

privateChat.callbackQuery(CALLBACK.help.filter, async (ctx) => {
  await ctx.answerCallbackQuery();
  await ctx.replace(await help(ctx));
});

export const helpFeature: Feature = { name: "help", composer, commands: ["help"] };
