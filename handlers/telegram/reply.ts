import { characters } from "../../core/long-text.js";
import type { Button, Keyboard, Label } from "../../core/messages.js";

/** A translated label with parameters (core's label builder, under the name handlers read best). */
export { t as label } from "../../core/messages.js";

/** The longest free text the bot accepts anywhere. */
export const MAX_TEXT_LENGTH = 1000;

/**
 * Whether a text someone typed is longer than `max` characters, counted as Telegram counts them (code
 * points: an emoji is one character, not the two UTF-16 units of `String.length`), so that "at most 500
 * characters" means what the person sees.
 */
export const longerThan = (text: string, max: number): boolean => characters(text) > max;

/** Rows of `per` buttons. */
export function rows(buttons: Button[], per = 2): Keyboard {
  const keyboard: Keyboard = [];
  for (let i = 0; i < buttons.length; i += per) keyboard.push(buttons.slice(i, i + per));
  return keyboard;
}

/** A list with `item` added, or without it when it was there (multiple-choice buttons). */
export const toggle = <T>(list: T[], item: T): T[] => (list.includes(item) ? list.filter((x) => x !== item) : [...list, item]);

/** A label with a check mark when `on` (a chosen option of a multiple choice). */
export const checked = (on: boolean, l: Label): Label => (on ? { key: "volunteer.checked", params: { label: l } } : l);
