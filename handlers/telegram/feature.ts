import type { Composer } from "grammy";
import type { BotContext } from "./context.js";

/**
 * One capability of the Telegram bot: its handlers and the commands it adds to the menu. Command menus
 * are derived from the features, so they cannot drift from what the bot understands.
 */
export type Feature = {
  name: string;
  composer: Composer<BotContext>;
  /** Commands shown in Telegram's menu, each described under `commands.<name>` in every language. */
  commands?: readonly string[];
  /** Commands added to the menu of approved volunteers only (set per chat on approval). */
  volunteerCommands?: readonly string[];
};
