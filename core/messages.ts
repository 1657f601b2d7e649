import { RTL_LOCALES, type I18n, type Locale } from "./i18n.js";
import { ENDONYMS, isNamedLanguage, LANGUAGE_NAMES } from "./language-names.js";

/**
 * Something shown to a person, rendered in their language when it is sent:
 * a translation key with parameters, a literal (a language's own name), a language by its code, or a
 * date and time (formatted for the reader, in the network's time zone).
 */
export type Label =
  | { key: string; params?: LabelParams }
  | { text: string }
  | { language: string }
  | { dateTime: string }
  | { date: string; short?: boolean }
  /** Several labels on consecutive lines (one paragraph). */
  | { lines: Label[] };

export type LabelParams = Record<string, string | number | Label>;

/** An inline button: a label and either callback data or a link. */
/**
 * What a button asks for, in the domain's words; the Telegram layer turns it into callback data and back.
 * Buttons of a dialogue in progress are built by the Telegram layer itself (`data`).
 */
export type ButtonAction =
  | { do: "accept-offer" | "decline-offer"; offerId: string }
  | { do: "write-to"; requestId: string }
  | { do: "open"; screen: "menu" | "my-requests" | "contacts" };

/** An inline button: a label and what it does, callback data of the Telegram layer, or a link. */
export type Button = Label & ({ action: ButtonAction } | { data: string } | { url: string });
export type Keyboard = Button[][];

/** A translated text part. */
export const t = (key: string, params?: LabelParams): Label => (params ? { key, params } : { key });

const displayNames = new Map<Locale, Intl.DisplayNames>();

/**
 * A language's name for a reader: in the reader's language, followed by its own name when that differs
 * ("Arabisch (العربية)", "Kurdisch-Kurmandschi (Kurmancî)"). The languages of the bot and of the mediation
 * come from a hand-written table (`core/language-names.ts`); any other code (a contact point's "es") is
 * named by the runtime, or stays as it is.
 */
export function languageName(code: string, reader: Locale): string {
  if (!isNamedLanguage(code)) {
    let names = displayNames.get(reader);
    if (!names) {
      names = new Intl.DisplayNames([reader, "de"], { type: "language", fallback: "code" });
      displayNames.set(reader, names);
    }
    try {
      return names.of(code) ?? code;
    } catch {
      return code;
    }
  }
  const local = LANGUAGE_NAMES[reader][code];
  const native = ENDONYMS[code];
  return local.includes(native) ? local : `${local} (${native})`;
}

const RIGHT_TO_LEFT_MARK = "\u200f";
const FIRST_STRONG_ISOLATE = "\u2068";
const POP_DIRECTIONAL_ISOLATE = "\u2069";

/** Renders a label for one reader. */
export function renderLabel(i18n: I18n, locale: Locale, label: Label): string {
  if ("text" in label) return label.text;
  if ("lines" in label) return label.lines.map((line) => renderLine(i18n, locale, line)).join("\n");
  if ("language" in label) return languageName(label.language, locale);
  if ("dateTime" in label) return i18n.formatDateTime(locale, new Date(label.dateTime));
  if ("date" in label) return label.short ? i18n.formatShortDate(locale, new Date(label.date)) : i18n.formatDate(locale, new Date(label.date));
  const params: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(label.params ?? {})) {
    params[name] = typeof value === "object" ? renderLabel(i18n, locale, value).replace(/\u200f/g, "") : value;
  }
  return i18n.t(locale, label.key, params);
}

/**
 * One line of a paragraph. In right-to-left texts a line that is not a translation (a contact point's
 * German name or description, a language, a date) starts right to left and is isolated, so that its
 * punctuation stays on its side ("Schwangerschaftsberatung." and not ".Schwangerschaftsberatung").
 */
function renderLine(i18n: I18n, locale: Locale, line: Label): string {
  const text = renderLabel(i18n, locale, line);
  if (!RTL_LOCALES.has(locale) || "key" in line || "lines" in line) return text;
  return text
    .split("\n")
    .map((part) => RIGHT_TO_LEFT_MARK + FIRST_STRONG_ISOLATE + part + POP_DIRECTIONAL_ISOLATE)
    .join("\n");
}
