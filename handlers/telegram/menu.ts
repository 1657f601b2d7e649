import { Composer } from "grammy";
import type { Keyboard } from "../../core/outbox.js";
import { part, type BotContext, type Reply } from "./context.js";
import type { Feature } from "./feature.js";

/** Callback data of the main menu's entries; other features answer their own entry. */
export const MENU = {
  home: "menu:home",
  mediation: "menu:mediation",
  requests: "menu:requests",
  leisure: "menu:leisure",
  mentor: "menu:mentor",
  contacts: "menu:contacts",
  report: "menu:report",
  myData: "menu:mydata",
  language: "menu:language",
  help: "menu:help",
} as const;

const button = (key: string, data: string) => ({ key, data });

export function mainMenuKeyboard(): Keyboard {
  return [
    [button("menu.mediation", MENU.mediation), button("menu.requests", MENU.requests)],
    [button("menu.leisure", MENU.leisure)],
    [button("menu.mentor", MENU.mentor), button("menu.contacts", MENU.contacts)],
    [button("menu.report", MENU.report)],
    [button("menu.myData", MENU.myData), button("menu.language", MENU.language)],
    [button("menu.help", MENU.help)],
  ];
}

/** A single "back to the menu" button, under answers that end a step. */
export function backToMenuKeyboard(): Keyboard {
  return [[button("menu.back", MENU.home)]];
}

/** The main menu, optionally after a first line (a confirmation, a hint). */
export function mainMenu(...before: Reply["parts"]): Reply {
  return { parts: [...before, part("menu.title")], keyboard: mainMenuKeyboard() };
}

const composer = new Composer<BotContext>();
const privateChat = composer.chatType("private");

privateChat.callbackQuery(MENU.home, async (ctx) => {
  await ctx.answerCallbackQuery();
  await ctx.replace(mainMenu());
});

// Entries whose capability has not landed yet: say so politely, and keep the menu at hand.
privateChat.callbackQuery(/^menu:\w+$/, async (ctx) => {
  await ctx.answerCallbackQuery({ text: ctx.t("menu.soon") });
  await ctx.say(mainMenu(part("menu.soon")));
});

export const menuFeature: Feature = { name: "menu", composer };
