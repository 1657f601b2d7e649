import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import i18next, { type FormatterModule, type i18n as I18next, type Resource, type ResourceLanguage } from "i18next";
import { dateFormat, wallClock, type DateFormat, type DateTexts } from "./date-format.js";
import { PICKER_NAMES } from "./language-names.js";
import { projectPath } from "./paths.js";

/** The languages of the bot, German first (the source of every text). */
export const LOCALES = ["de", "en", "ar", "fa", "uk", "ru", "tr", "ku", "ps", "ti", "so", "fr"] as const;
export type Locale = (typeof LOCALES)[number];

/** Languages written right to left. */
export const RTL_LOCALES: ReadonlySet<Locale> = new Set<Locale>(["ar", "fa", "ps"]);

/** Each language's name in its own script, for the language picker. */
export const LOCALE_NAMES: Record<Locale, string> = PICKER_NAMES;

const LEFT_TO_RIGHT_ISOLATE = "\u2066";
const FIRST_STRONG_ISOLATE = "\u2068";
const POP_DIRECTIONAL_ISOLATE = "\u2069";
const RIGHT_TO_LEFT_MARK = "\u200f";
const LEFT_TO_RIGHT_MARK = "\u200e";

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
  /** A date and time in the reader's language and the network's time zone: "Donnerstag, 24. Dezember 2026, 14:00 Uhr". */
  formatDateTime: (locale: Locale, date: Date) => string;
  /** "Donnerstag, 24. Dezember 2026" */
  formatDate: (locale: Locale, date: Date) => string;
  /** A compact date for buttons, day first: "Donnerstag, 24.12." */
  formatShortDate: (locale: Locale, date: Date) => string;
  /** The time on the 24-hour clock: "14:00" (the same in every language). */
  formatTime: (locale: Locale, date: Date) => string;
  /** The raw resources (as in the files), for command menus and parity checks. */
  resources: Resource;
};

/**
 * In right-to-left texts, Latin words (German office and place names, "/commands", "Brückenbot") and
 * example dates and times ("24.12.") are wrapped in left-to-right isolates, so that their punctuation stays
 * on their side and "/start" does not show as "start/". Placeholders are left alone: `t` isolates what is inserted.
 *
 * @example
 * isolateLatin("أرسل /start."); // "أرسل \u2066/start\u2069."
 */
export function isolateLatin(text: string): string {
  return text.replace(LATIN_OR_PLACEHOLDER, (run: string) => {
    if (run.startsWith("{{") || run.startsWith("$t(")) return run;
    if (/^\d/.test(run)) return LEFT_TO_RIGHT_ISOLATE + run + POP_DIRECTIONAL_ISOLATE;
    const trailing = /[.,:;!?'’]+$/.exec(run)?.[0] ?? "";
    const core = run.slice(0, run.length - trailing.length);
    return LEFT_TO_RIGHT_ISOLATE + core + POP_DIRECTIONAL_ISOLATE + trailing;
  });
}
const LATIN_WORD = String.raw`(?:--|/)?[A-Za-zÀ-ɏ][A-Za-zÀ-ɏ0-9'’&._:/@–-]*`;
/** A date or time given as an example ("24.12.", "9:30", "3.12. 18:00"): isolated, it reads as the reader must type it. */
const NUMERIC_EXAMPLE = String.raw`\d{1,4}(?:[.:]\d{1,4})+\.?(?: \d{1,2}:\d{2})?`;
const LATIN_OR_PLACEHOLDER = new RegExp(String.raw`\{\{[^}]*\}\}|\$t\([^)]*\)|${LATIN_WORD}(?: +${LATIN_WORD})*|${NUMERIC_EXAMPLE}`, "g");

/**
 * Writes numbers with a fraction in the reader's way ("1,5" in German) with Latin digits; whole numbers as
 * they are (no grouping: "4096 Zeichen"). Every inserted value passes here (`alwaysFormat`), strings unchanged.
 */
function numberFormatter(): FormatterModule {
  const formats = new Map<string, Intl.NumberFormat>();
  return {
    type: "formatter",
    init: () => undefined,
    add: () => undefined,
    addCached: () => undefined,
    format: (value: unknown, _format, lng) => {
      if (typeof value !== "number" || Number.isInteger(value)) return value as string;
      const locale = lng ?? "de";
      let format = formats.get(locale);
      if (!format) {
        format = new Intl.NumberFormat(`${locale}-u-nu-latn`, { maximumFractionDigits: 2, useGrouping: false });
        formats.set(locale, format);
      }
      return format.format(value);
    },
  };
}

/** Each string of a resource tree, transformed. */
function mapStrings(tree: ResourceLanguage, transform: (text: string) => string): ResourceLanguage {
  const out: ResourceLanguage = {};
  for (const [key, value] of Object.entries(tree)) out[key] = typeof value === "string" ? transform(value) : mapStrings(value as ResourceLanguage, transform);
  return out;
}

/**
 * Loads every language file once.
 *
 * Interpolated values are wrapped in Unicode isolates so that a Latin name inside Arabic text (or an
 * Arabic address inside German text) keeps its own direction; right-to-left texts start each line with
 * a right-to-left mark so that clients align them to the right even when a line begins with a name, and
 * their Latin words and commands are isolated where they stand (`isolateLatin`). Numbers with a fraction
 * are written with the language's decimal sign and Latin digits ("1,5" in German).
 *
 * @example
 * const i18n = createI18n({ timeZone: "Europe/Berlin" });
 * i18n.t("ar", "menu.title");
 */
export function createI18n(options: { timeZone: string; directory?: URL }): I18n {
  const directory = options.directory ?? pathToFileURL(projectPath("locales") + "/");
  const resources: Resource = {};
  const shown: Resource = {};
  for (const locale of LOCALES) {
    const translation = JSON.parse(readFileSync(new URL(`${locale}.json`, directory), "utf8")) as ResourceLanguage;
    resources[locale] = { translation };
    shown[locale] = { translation: RTL_LOCALES.has(locale) ? mapStrings(translation, isolateLatin) : translation };
  }
  const instance: I18next = i18next.createInstance().use(numberFormatter());
  void instance.init({
    resources: shown,
    lng: "de",
    fallbackLng: "de",
    supportedLngs: [...LOCALES],
    initAsync: false,
    interpolation: { escapeValue: false, alwaysFormat: true },
    returnNull: false,
  });

  const t: Translate = (locale, key, params, { isolate = true } = {}) => {
    const isolated: Record<string, unknown> = { lng: locale };
    for (const [name, value] of Object.entries(params ?? {})) {
      isolated[name] = typeof value === "string" && isolate ? FIRST_STRONG_ISOLATE + value + POP_DIRECTIONAL_ISOLATE : value;
    }
    if (params && typeof params.count === "number") isolated.count = params.count;
    const text = instance.t(key, isolated);
    if (!RTL_LOCALES.has(locale)) return text;
    const marked = text.replace(/^/gm, RIGHT_TO_LEFT_MARK);
    // Without isolates (Slack), a command keeps its place with a left-to-right mark.
    return isolate ? marked : marked.replace(/\u2066(\/[a-z_]+)\u2069/g, `${LEFT_TO_RIGHT_MARK}$1`).replace(/[\u2066\u2069]/g, "");
  };

  const read = wallClock(options.timeZone);
  const formats = new Map<Locale, DateFormat>();
  const formatFor = (locale: Locale): DateFormat => {
    let format = formats.get(locale);
    if (!format) {
      const files = (code: Locale) => resources[code]?.translation as { format?: DateTexts } | undefined;
      const texts = files(locale)?.format ?? files("de")?.format;
      if (!texts) throw new Error(`locales/${locale}.json has no "format" group`);
      format = dateFormat(texts, read);
      formats.set(locale, format);
    }
    return format;
  };

  return {
    t,
    has: (key) => instance.exists(key, { lng: "de" }),
    formatDateTime: (locale, date) => formatFor(locale).dateTime(date),
    formatDate: (locale, date) => formatFor(locale).date(date),
    formatShortDate: (locale, date) => formatFor(locale).shortDate(date),
    formatTime: (locale, date) => formatFor(locale).time(date),
    resources,
  };
}

/** Removes the invisible direction marks that `t` adds, for comparisons in tests and logs. */
export function withoutDirectionMarks(text: string): string {
  return text.replace(/[\u2066-\u2069\u200e\u200f]/g, "");
}

/** `value` if it is one of the bot's languages, else German (the source language). */
export const localeOr = (value: string | null | undefined): Locale => (isLocale(value) ? value : "de");
