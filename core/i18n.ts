import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import i18next, { type i18n as I18next, type Resource } from "i18next";
import { projectPath } from "./paths.js";

/** The languages of the bot, German first (the source of every text). */
export const LOCALES = ["de", "en", "ar", "fa", "uk", "ru", "tr", "ku", "ps", "ti", "so", "fr"] as const;
export type Locale = (typeof LOCALES)[number];

/** Languages written right to left. */
export const RTL_LOCALES: ReadonlySet<Locale> = new Set<Locale>(["ar", "fa", "ps"]);

/** Each language's name in its own script, for the language picker. */
export const LOCALE_NAMES: Record<Locale, string> = {
  de: "Deutsch",
  en: "English",
  ar: "العربية",
  fa: "دری / فارسی",
  uk: "Українська",
  ru: "Русский",
  tr: "Türkçe",
  ku: "Kurmancî",
  ps: "پښتو",
  ti: "ትግርኛ",
  so: "Soomaali",
  fr: "Français",
};

const FIRST_STRONG_ISOLATE = "\u2068";
const POP_DIRECTIONAL_ISOLATE = "\u2069";
const RIGHT_TO_LEFT_MARK = "\u200f";

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (LOCALES as readonly string[]).includes(value);
}

/**
 * The bot language that fits a Telegram `language_code` (an IETF tag such as "ar" or "pt-BR").
 *
 * @example
 * localeFromLanguageCode("uk-UA"); // "uk"
 * localeFromLanguageCode("prs");   // "fa" (Dari)
 * localeFromLanguageCode("ja");    // undefined
 */
export function localeFromLanguageCode(code: string | undefined): Locale | undefined {
  if (!code) return undefined;
  const primary = code.toLowerCase().split(/[-_]/)[0];
  if (primary === "prs" || primary === "pes") return "fa";
  if (primary === "kmr") return "ku";
  if (primary === "pbu" || primary === "pbt") return "ps";
  return isLocale(primary) ? primary : undefined;
}

export type Params = Record<string, string | number>;
/** `isolate: false` for texts without right-to-left script around them (Slack, where isolates would hide mentions). */
export type Translate = (locale: Locale, key: string, params?: Params, options?: { isolate?: boolean }) => string;

/** Translations loaded from `locales/*.json`, and the formatting rules of each language. */
export type I18n = {
  t: Translate;
  /** Whether `key` exists in the source language. */
  has: (key: string) => boolean;
  /** A date and time in the reader's language and the network's time zone (Gregorian calendar). */
  formatDateTime: (locale: Locale, date: Date) => string;
  formatDate: (locale: Locale, date: Date) => string;
  /** A compact date for buttons: "Do., 26.11." */
  formatShortDate: (locale: Locale, date: Date) => string;
  /** The raw resources, for command menus and parity checks. */
  resources: Resource;
};

/**
 * Loads every language file once.
 *
 * Interpolated values are wrapped in Unicode isolates so that a Latin name inside Arabic text (or an
 * Arabic address inside German text) keeps its own direction; right-to-left texts start each line with
 * a right-to-left mark so that clients align them to the right even when a line begins with a name.
 *
 * @example
 * const i18n = createI18n({ timeZone: "Europe/Berlin" });
 * i18n.t("ar", "menu.title");
 */
export function createI18n(options: { timeZone: string; directory?: URL }): I18n {
  const directory = options.directory ?? pathToFileURL(projectPath("locales") + "/");
  const resources: Resource = {};
  for (const locale of LOCALES) {
    resources[locale] = { translation: JSON.parse(readFileSync(new URL(`${locale}.json`, directory), "utf8")) };
  }
  const instance: I18next = i18next.createInstance();
  void instance.init({
    resources,
    lng: "de",
    fallbackLng: "de",
    supportedLngs: [...LOCALES],
    initAsync: false,
    interpolation: { escapeValue: false },
    returnNull: false,
  });

  const t: Translate = (locale, key, params, { isolate = true } = {}) => {
    const isolated: Record<string, unknown> = { lng: locale };
    for (const [name, value] of Object.entries(params ?? {})) {
      isolated[name] = typeof value === "string" && isolate ? FIRST_STRONG_ISOLATE + value + POP_DIRECTIONAL_ISOLATE : value;
    }
    if (params && typeof params.count === "number") isolated.count = params.count;
    const text = instance.t(key, isolated);
    return RTL_LOCALES.has(locale) ? text.replace(/^/gm, RIGHT_TO_LEFT_MARK) : text;
  };

  const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();
  const styles: Record<"date" | "dateTime" | "short", Intl.DateTimeFormatOptions> = {
    date: { dateStyle: "full" },
    dateTime: { weekday: "short", day: "numeric", month: "long", year: "numeric", hour: "2-digit", minute: "2-digit" },
    short: { weekday: "short", day: "numeric", month: "numeric" },
  };
  const format = (locale: Locale, style: keyof typeof styles, date: Date) => {
    const cacheKey = `${locale}:${style}`;
    let formatter = dateTimeFormats.get(cacheKey);
    if (!formatter) {
      formatter = new Intl.DateTimeFormat(`${locale}-u-ca-gregory`, { timeZone: options.timeZone, ...styles[style] });
      dateTimeFormats.set(cacheKey, formatter);
    }
    return formatter.format(date);
  };

  return {
    t,
    has: (key) => instance.exists(key, { lng: "de" }),
    formatDateTime: (locale, date) => format(locale, "dateTime", date),
    formatDate: (locale, date) => format(locale, "date", date),
    formatShortDate: (locale, date) => format(locale, "short", date),
    resources,
  };
}

/** Removes the invisible direction marks that `t` adds, for comparisons in tests and logs. */
export function withoutDirectionMarks(text: string): string {
  return text.replace(/[\u2066-\u2069\u200e\u200f]/g, "");
}

/** `value` if it is one of the bot's languages, else German (the source language). */
export const localeOr = (value: string | null | undefined): Locale => (isLocale(value) ? value : "de");
