import type { Locale } from "./i18n.js";

/**
 * Language names, written by hand: Intl.DisplayNames names several of our languages oddly
 * ("kurdî (kurmancî)", "دری (افغانستان)", English leftovers) and differently from one Node version to the next.
 * Names that are labels on their own (buttons, lists) start with a capital where the script has one.
 */

/** The languages the bot names: mediation languages (ISO 639: prs Dari, kmr Kurmanji, ckb Sorani) and German. */
export const NAMED_LANGUAGES = ["de", "ar", "prs", "fa", "ps", "kmr", "ckb", "ti", "so", "uk", "ru", "tr", "fr", "en", "sq", "ro", "bg"] as const;
export type NamedLanguage = (typeof NAMED_LANGUAGES)[number];

/** Each language as its speakers write it. */
export const ENDONYMS: Record<NamedLanguage, string> = {
  de: "Deutsch",
  ar: "العربية",
  prs: "دری",
  fa: "فارسی",
  ps: "پښتو",
  kmr: "Kurmancî",
  ckb: "کوردی سۆرانی",
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
};

/**
 * Each language's name in each language of the bot. Dari and Iranian Persian are told apart where
 * readers call both "Farsi" (Dari and Pashto readers from Afghanistan).
 */
export const LANGUAGE_NAMES: Record<Locale, Record<NamedLanguage, string>> = {
  de: {
    de: "Deutsch", ar: "Arabisch", prs: "Dari", fa: "Persisch", ps: "Paschtu", kmr: "Kurdisch-Kurmandschi", ckb: "Kurdisch-Sorani",
    ti: "Tigrinya", so: "Somali", uk: "Ukrainisch", ru: "Russisch", tr: "Türkisch", fr: "Französisch", en: "Englisch",
    sq: "Albanisch", ro: "Rumänisch", bg: "Bulgarisch",
  },
  en: {
    de: "German", ar: "Arabic", prs: "Dari", fa: "Persian", ps: "Pashto", kmr: "Kurmanji Kurdish", ckb: "Sorani Kurdish",
    ti: "Tigrinya", so: "Somali", uk: "Ukrainian", ru: "Russian", tr: "Turkish", fr: "French", en: "English",
    sq: "Albanian", ro: "Romanian", bg: "Bulgarian",
  },
  ar: {
    de: "الألمانية", ar: "العربية", prs: "الدارية", fa: "الفارسية", ps: "البشتو", kmr: "الكردية الكرمانجية", ckb: "الكردية السورانية",
    ti: "التغرينية", so: "الصومالية", uk: "الأوكرانية", ru: "الروسية", tr: "التركية", fr: "الفرنسية", en: "الإنجليزية",
    sq: "الألبانية", ro: "الرومانية", bg: "البلغارية",
  },
  fa: {
    de: "آلمانی", ar: "عربی", prs: "دری", fa: "فارسی ایرانی", ps: "پشتو", kmr: "کردی کرمانجی", ckb: "کردی سورانی",
    ti: "تیگرینیا", so: "سومالیایی", uk: "اوکراینی", ru: "روسی", tr: "ترکی", fr: "فرانسوی", en: "انگلیسی",
    sq: "آلبانیایی", ro: "رومانیایی", bg: "بلغاریایی",
  },
  uk: {
    de: "Німецька", ar: "Арабська", prs: "Дарі", fa: "Перська", ps: "Пушту", kmr: "Курдська курманджі", ckb: "Курдська сорані",
    ti: "Тигринья", so: "Сомалі", uk: "Українська", ru: "Російська", tr: "Турецька", fr: "Французька", en: "Англійська",
    sq: "Албанська", ro: "Румунська", bg: "Болгарська",
  },
  ru: {
    de: "Немецкий", ar: "Арабский", prs: "Дари", fa: "Персидский", ps: "Пушту", kmr: "Курдский курманджи", ckb: "Курдский сорани",
    ti: "Тигринья", so: "Сомали", uk: "Украинский", ru: "Русский", tr: "Турецкий", fr: "Французский", en: "Английский",
    sq: "Албанский", ro: "Румынский", bg: "Болгарский",
  },
  tr: {
    de: "Almanca", ar: "Arapça", prs: "Darice", fa: "Farsça", ps: "Peştuca", kmr: "Kurmanci Kürtçesi", ckb: "Sorani Kürtçesi",
    ti: "Tigrinyaca", so: "Somalice", uk: "Ukraynaca", ru: "Rusça", tr: "Türkçe", fr: "Fransızca", en: "İngilizce",
    sq: "Arnavutça", ro: "Rumence", bg: "Bulgarca",
  },
  ku: {
    de: "Almanî", ar: "Erebî", prs: "Derî", fa: "Farisî", ps: "Peştûyî", kmr: "Kurmancî", ckb: "Soranî",
    ti: "Tigrînyayî", so: "Somalî", uk: "Ukraynî", ru: "Rûsî", tr: "Tirkî", fr: "Fransî", en: "Îngilîzî",
    sq: "Albanî", ro: "Romanyayî", bg: "Bulgarî",
  },
  ps: {
    de: "الماني", ar: "عربي", prs: "دري", fa: "ایراني فارسي", ps: "پښتو", kmr: "کرمانجي کوردي", ckb: "سوراني کوردي",
    ti: "تيګرينيا", so: "سومالي", uk: "اوکرايني", ru: "روسي", tr: "ترکي", fr: "فرانسوي", en: "انګلیسي",
    sq: "الباني", ro: "روماني", bg: "بلغاري",
  },
  ti: {
    de: "ጀርመንኛ", ar: "ዓረብኛ", prs: "ዳሪ", fa: "ፋርስኛ", ps: "ፓሽቶ", kmr: "ኩርድኛ ኩርማንጂ", ckb: "ኩርድኛ ሶራኒ",
    ti: "ትግርኛ", so: "ሶማልኛ", uk: "ዩክሬንኛ", ru: "ሩስኛ", tr: "ቱርክኛ", fr: "ፈረንሳይኛ", en: "እንግሊዝኛ",
    sq: "ኣልባንኛ", ro: "ሩማንኛ", bg: "ቡልጋርኛ",
  },
  so: {
    de: "Jarmal", ar: "Carabi", prs: "Dari", fa: "Faarsi", ps: "Bashtuu", kmr: "Kurdi Kurmanji", ckb: "Kurdi Sorani",
    ti: "Tigrinya", so: "Soomaali", uk: "Yukreeni", ru: "Ruush", tr: "Turki", fr: "Faransiis", en: "Ingiriis",
    sq: "Albaani", ro: "Roomaani", bg: "Bulgaari",
  },
  fr: {
    de: "Allemand", ar: "Arabe", prs: "Dari", fa: "Persan", ps: "Pachto", kmr: "Kurde kurmandji", ckb: "Kurde sorani",
    ti: "Tigrigna", so: "Somali", uk: "Ukrainien", ru: "Russe", tr: "Turc", fr: "Français", en: "Anglais",
    sq: "Albanais", ro: "Roumain", bg: "Bulgare",
  },
};

/** The bot's own languages in the language picker, each by its own name ("fa" is written in Dari and read by Farsi speakers too). */
export const PICKER_NAMES: Record<Locale, string> = {
  de: ENDONYMS.de,
  en: ENDONYMS.en,
  ar: ENDONYMS.ar,
  fa: `${ENDONYMS.prs} / ${ENDONYMS.fa}`,
  uk: ENDONYMS.uk,
  ru: ENDONYMS.ru,
  tr: ENDONYMS.tr,
  ku: ENDONYMS.kmr,
  ps: ENDONYMS.ps,
  ti: ENDONYMS.ti,
  so: ENDONYMS.so,
  fr: ENDONYMS.fr,
};

export const isNamedLanguage = (code: string): code is NamedLanguage => (NAMED_LANGUAGES as readonly string[]).includes(code);
