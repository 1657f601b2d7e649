import { FeatureComposer } from "./composer.js";
import { CALLBACK } from "./callback-data.js";
import type { BotContext } from "./context.js";
import type { Feature } from "./feature.js";
import { languageQuestion } from "./start.js";

const composer = new FeatureComposer<BotContext>();
const privateChat = composer.chatType("private");

privateChat.command("language", (ctx) => ctx.say(languageQuestion(ctx)));

privateChat.callbackQuery(CALLBACK.language.filter, async (ctx) => {
  await ctx.answerCallbackQuery();
  await ctx.replace(languageQuestion(ctx));
});

export const languageFeature: Feature = { name: "language", composer, commands: ["language"] };
