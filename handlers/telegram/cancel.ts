import { FeatureComposer } from "./composer.js";
import { type BotContext } from "./context.js";
import { label } from "./reply.js";
import type { Feature } from "./feature.js";
import { menuFor } from "./menu.js";

const composer = new FeatureComposer<BotContext>();

composer.chatType("private").command("cancel", async (ctx) => {
  const session = await ctx.session;
  const wasInDialogue = session.dialogue !== undefined;
  delete session.dialogue;
  await ctx.say(await menuFor(ctx, label(wasInDialogue ? "cancel.done" : "cancel.nothing")));
});

export const cancelFeature: Feature = { name: "cancel", composer, commands: ["cancel"] };
