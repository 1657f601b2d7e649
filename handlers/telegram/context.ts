import type { Context, LazySessionFlavor } from "grammy";
import type { Db } from "../../core/db.js";
import type { DispatchSettings } from "../../core/dispatch.js";
import type { I18n, Locale, Params } from "../../core/i18n.js";
import type { Logger } from "../../core/log.js";
import type { Keyboard, Label } from "../../core/outbox.js";
import type { UserProfile } from "../../core/users.js";

/** Dialogue state between two messages, stored in PostgreSQL (a restart does not lose it). */
export type SessionData = {
  /** The guided dialogue in progress, if any; each capability owns its own. */
  dialogue?: Dialogue;
};

/** A guided dialogue: its name, the current step, and what was answered so far (`id` tells its buttons apart). */
export type Dialogue = { name: string; step: string; id: string; data: Record<string, unknown> };

/** What handlers need besides the update: the database, texts, and the log. */
export type TelegramDeps = {
  db: Db;
  i18n: I18n;
  log: Logger;
  defaultLocale: Locale;
  dispatch: DispatchSettings;
  /** After this many days personal data of closed requests is erased. */
  retentionDays: number;
};

/** A message to show: translated parts and buttons; `forget` drops even its record once it is sent. */
export type Reply = { parts: Label[]; keyboard?: Keyboard; forget?: boolean };

type BrueckenbotFlavor = {
  deps: TelegramDeps;
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

/** A translated text part. */
export const part = (key: string, params?: Params): Label => (params ? { key, params } : { key });
