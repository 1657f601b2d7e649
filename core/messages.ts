import type { I18n, Locale } from "./i18n.js";

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

/** Languages known by their native name, for codes that Intl.DisplayNames does not name well. */
const NATIVE_NAMES: Record<string, string> = {
  ar: "العربية",
  prs: "دری",
  fa: "فارسی",
  ps: "پښتو",
  kmr: "Kurmancî",
  ckb: "کوردیی ناوەندی",
  ti: "ትግርኛ",
  so: "Soomaali",
  uk: "Українська",
  ru: "Русский",
  tr: "Türkçe",
  fr: "Français",
  en: "English",
  sq: "Shqip",
  ro: "Română",
  bg: "Български",
  de: "Deutsch",
};

/**
 * A language's name for a reader: in the reader's language, followed by its own name when that differs
 * ("Arabisch (العربية)").
 */
export function languageName(code: string, reader: Locale): string {
  let local = code;
  try {
    local = new Intl.DisplayNames([reader, "en"], { type: "language", fallback: "code" }).of(code) ?? code;
  } catch {
    // an unknown code stays as it is
  }
  const native = NATIVE_NAMES[code];
  return native && native !== local ? `${local} (${native})` : local;
}

/** Renders a label for one reader. */
export function renderLabel(i18n: I18n, locale: Locale, label: Label): string {
  if ("text" in label) return label.text;
  if ("lines" in label) return label.lines.map((line) => renderLabel(i18n, locale, line)).join("\n");
  if ("language" in label) return languageName(label.language, locale);
  if ("dateTime" in label) return i18n.formatDateTime(locale, new Date(label.dateTime));
  if ("date" in label) return label.short ? i18n.formatShortDate(locale, new Date(label.date)) : i18n.formatDate(locale, new Date(label.date));
  const params: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(label.params ?? {})) {
    params[name] = typeof value === "object" ? renderLabel(i18n, locale, value).replace(/\u200f/g, "") : value;
  }
  return i18n.t(locale, label.key, params);
}
