/** The fixed choices of the dialogues, shared by the bot, the dispatch and Slack. */

/** Languages newcomers ask interpreters for (codes: ISO 639; prs Dari, kmr Kurmanji, ckb Sorani). */
export const MEDIATION_LANGUAGES = ["ar", "prs", "fa", "ps", "kmr", "ckb", "ti", "so", "uk", "ru", "tr", "fr", "en", "sq", "ro", "bg"] as const;
export type MediationLanguage = (typeof MEDIATION_LANGUAGES)[number];

/** The interpreting language that fits a bot language best, offered first. */
export const SUGGESTED_LANGUAGE: Record<string, MediationLanguage | undefined> = {
  ar: "ar", fa: "prs", ps: "ps", ku: "kmr", ti: "ti", so: "so", uk: "uk", ru: "ru", tr: "tr", fr: "fr", en: "en",
};

export const PURPOSES = ["JOBCENTER", "FOREIGNERS_OFFICE", "CITIZENS_OFFICE", "HEALTH", "SCHOOL", "HOUSING", "OTHER"] as const;
export type Purpose = (typeof PURPOSES)[number];

export const MODES = ["IN_PERSON", "PHONE", "VIDEO", "LETTER"] as const;
export type Mode = (typeof MODES)[number];

/** Beckum's districts. */
export const DISTRICTS = ["BECKUM", "NEUBECKUM", "ROLAND", "VELLERN"] as const;
export type District = (typeof DISTRICTS)[number];
export const DISTRICT_NAMES: Record<District, string> = { BECKUM: "Beckum", NEUBECKUM: "Neubeckum", ROLAND: "Roland", VELLERN: "Vellern" };

export const ROLES = ["INTERPRETER", "LEISURE_BUDDY", "MENTOR"] as const;
export type Role = (typeof ROLES)[number];

/** How well a volunteer speaks a language; BASIC counts only once the circle is widened. */
export const LEVELS = ["BASIC", "GOOD", "FLUENT", "NATIVE"] as const;
export type Level = (typeof LEVELS)[number];

export const GERMAN_LEVELS = ["A1_A2", "B1_B2", "C1_C2", "NATIVE"] as const;
export type GermanLevel = (typeof GERMAN_LEVELS)[number];

export const CAPACITIES = [1, 2, 3, 5] as const;

export const isOneOf = <T extends string>(list: readonly T[], value: unknown): value is T =>
  typeof value === "string" && (list as readonly string[]).includes(value);
