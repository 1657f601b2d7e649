import type { Context, LazySessionFlavor } from "grammy";
import type { I18n, Locale, Params } from "../../core/i18n.js";
import type { Core } from "../../core/index.js";
import type { Logger } from "../../ops/log.js";
import type { Keyboard, Label } from "../../core/outbox.js";
import type { UserProfile } from "../../core/users.js";

/** Dialogue state between two messages, stored in PostgreSQL (a restart does not lose it). */
export type SessionData = {
  /** The guided dialogue in progress, if any; each capability owns its own. */
  dialogue?: Dialogue;
};

/** A guided dialogue: its name, the current step, and what was answered so far (`id` tells its buttons apart). */
export type Dialogue = {
  name: string;
  step: string;
  id: string;
  data: Record<string, unknown>;
  /** The steps answered on the way here, oldest first: "⬅️ Back" returns to the last. */
  trail?: string[];
  /** The steps left by "⬅️ Back", nearest last: "⏭ Keep it and go on" returns to them until something is answered. */
  ahead?: string[];
};

/** What handlers need besides the update: the domain, texts, and the log. */
export type TelegramDeps = {
  core: Core;
  i18n: I18n;
  log: Logger;
  defaultLocale: Locale;
};

/** A message to show: translated parts and buttons; `forget` drops even its record once it is sent. */
export type Reply = { parts: Label[]; keyboard?: Keyboard; forget?: boolean };

type BrueckenbotFlavor = {
  deps: TelegramDeps;
  /** The domain, bound to its database and settings (`ctx.core.offers.accept(…)`). */
  core: Core;
  /** A logger for this update, tagged with its id; never given message contents. */
  log: Logger;
  /** The sender, if the bot knows them. */
  user: UserProfile | undefined;
  /** The sender's updates within the flood window, this one included. */
  floodHits: number;
  /** The sender's language: chosen, else suggested by Telegram, else the default. */
  locale: Locale;
  /** The sender's language as Telegram suggests it, if it is one of ours. */
  suggestedLocale: Locale | undefined;
  t: (key: string, params?: Params) => string;
  /** Sends a message to this chat through the outbox (in order, paced, never lost). */
  say: (reply: Reply) => Promise<void>;
  /** Replaces the message a pressed button belongs to (or sends a new one when there is none). */
  replace: (reply: Reply) => Promise<void>;
};

export type BotContext = Context & LazySessionFlavor<SessionData> & BrueckenbotFlavor;

