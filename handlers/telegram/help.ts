import { FeatureComposer } from "./composer.js";
import { CALLBACK } from "./callback-data.js";
import type { BotContext, Reply } from "./context.js";
import type { Feature } from "./feature.js";
import { withResume } from "./dialogue.js";
import { backToMenuKeyboard } from "./menu.js";
import { label } from "./reply.js";
import { townOf } from "./town.js";

/** Help for newcomers, or for an approved volunteer their own commands; in a dialogue, a way back to it. */
async function help(ctx: BotContext): Promise<Reply> {
  // The person's town; before they have chosen one, the first network's name.
  const town = (await ctx.core.networks.byId(townOf(ctx))) ?? (await ctx.core.networks.towns())[0];
  return withResume(ctx, {
    parts: [label(ctx.user?.volunteer ? "help.volunteer" : "help.text", { town: { text: town?.name ?? "" } })],
    ...(ctx.user?.consentAt ? { keyboard: backToMenuKeyboard() } : {}),
  });
}

const composer = new FeatureComposer<BotContext>();
const privateChat = composer.chatType("private");

privateChat.command("help", async (ctx) => ctx.say(await help(ctx)));

privateChat.callbackQuery(CALLBACK.help.filter, async (ctx) => {
  await ctx.answerCallbackQuery();
  await ctx.replace(await help(ctx));
});

export const helpFeature: Feature = { name: "help", composer, commands: ["help"] };
