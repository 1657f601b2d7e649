import { FeatureComposer } from "./composer.js";
import type { Keyboard } from "../../core/outbox.js";
import { CALLBACK } from "./callback-data.js";
import type { BotContext, Reply } from "./context.js";
import type { Feature } from "./feature.js";
import { label } from "./reply.js";

const button = (key: string, entry: { pack: (values: Record<string, never>) => string }) => ({ key, data: entry.pack({}) });

export function mainMenuKeyboard(): Keyboard {
  return [
    [button("menu.mediation", CALLBACK.mediation), button("menu.requests", CALLBACK.myRequests)],
    [button("menu.leisure", CALLBACK.leisure)],
    [button("menu.mentor", CALLBACK.mentoring), button("menu.contacts", CALLBACK.contacts)],
    [button("menu.report", CALLBACK.report)],
    [button("menu.myData", CALLBACK.myData), button("menu.language", CALLBACK.language)],
    [button("menu.help", CALLBACK.help)],
  ];
}

/** A single "back to the menu" button, under answers that end a step. */
export function backToMenuKeyboard(): Keyboard {
  return [[button("menu.back", CALLBACK.menu)]];
}

/** The main menu, optionally after a first line (a confirmation, a hint). */
export function mainMenu(...before: Reply["parts"]): Reply {
  return { parts: [...before, label("menu.title")], keyboard: mainMenuKeyboard() };
}

/** An approved volunteer's menu: their jobs, a pause, the guide – and the newcomers' services for themselves. */
export function volunteerMenuKeyboard(paused: boolean): Keyboard {
  return [
    [button("menu.myJobs", CALLBACK.myJobs)],
    [paused ? button("menu.resume", CALLBACK.resume) : button("menu.pause", CALLBACK.pause), button("menu.guide", CALLBACK.guide)],
    [button("menu.services", CALLBACK.services)],
    [button("menu.myData", CALLBACK.myData), button("menu.language", CALLBACK.language)],
    [button("menu.help", CALLBACK.help)],
  ];
}

/** The menu for this person: an approved volunteer's own, else the newcomers'. */
export async function menuFor(ctx: BotContext, ...before: Reply["parts"]): Promise<Reply> {
  if (!ctx.user?.volunteer) return mainMenu(...before);
  const volunteer = await ctx.core.volunteers.of(ctx.from?.id ?? 0);
  return { parts: [...before, label("menu.title")], keyboard: volunteerMenuKeyboard(volunteer?.paused ?? false) };
}

const composer = new FeatureComposer<BotContext>();
const privateChat = composer.chatType("private");

privateChat.callbackQuery(CALLBACK.menu.filter, async (ctx) => {
  await ctx.answerCallbackQuery();
  await ctx.replace(await menuFor(ctx));
});

// A volunteer who needs help themselves: the newcomers' menu.
privateChat.callbackQuery(CALLBACK.services.filter, async (ctx) => {
  await ctx.answerCallbackQuery();
  await ctx.replace(mainMenu());
});

// Entries whose capability has not landed yet: say so politely, and keep the menu at hand.
privateChat.callbackQuery(CALLBACK.anyMenu.filter, async (ctx) => {
  await ctx.answerCallbackQuery({ text: ctx.t("menu.soon") });
  await ctx.say(mainMenu(label("menu.soon")));
});

export const menuFeature: Feature = { name: "menu", composer };
