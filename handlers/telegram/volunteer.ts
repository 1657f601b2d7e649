import {
  CAPACITIES,
  GERMAN_LEVELS,
  isOneOf,
  LEVELS,
  MEDIATION_LANGUAGES,
  ROLES,
  type GermanLevel,
  type Level,
  type Role,
} from "../../core/vocabulary.js";
import type { District } from "../../core/networks.js";
import type { BotContext } from "./context.js";
import { characters } from "../../core/long-text.js";
import { defineDialogue, type Outcome } from "./dialogue.js";
import type { Feature } from "./feature.js";
import { mainMenu } from "./menu.js";
import { checked, label, longerThan, rows, toggle } from "./reply.js";

const GENDERS = ["WOMAN", "MAN", "NOT_SAID"] as const;

type Step = "roles" | "name" | "gender" | "languages" | "level" | "german" | "towns" | "districts" | "capacity" | "conduct";
type Draft = {
  /** The towns they want to help in (each town's coordinators approve them for theirs). */
  networks: string[];
  roles: Role[];
  firstName?: string;
  languages: string[];
  levels: Record<string, Level>;
  germanLevel?: GermanLevel;
  districts: string[];
  remoteOnly: boolean;
  weeklyCapacity?: number;
  gender?: (typeof GENDERS)[number];
};

/** The language whose level is asked next, if any. */
const pendingLevel = (draft: Draft) => draft.languages.find((l) => !draft.levels[l]);
const pickOne = (step: Step): Outcome<Step> => ({ go: step, hint: label("volunteer.pickOne") });

/** The districts of the towns chosen, in the order of the towns. */
async function districtsOf(ctx: BotContext, networks: string[]): Promise<District[]> {
  const towns = await ctx.core.networks.towns();
  return towns.filter((town) => networks.includes(town.id)).flatMap((town) => town.districts);
}

/**
 * `/volunteer`: roles, first name, languages and levels, German, the towns they help in (where there are
 * several), districts or remote only, jobs per week, the code of conduct; then each town's coordinators
 * decide in Slack.
 */
const composer = defineDialogue<Draft, Step>({
  name: "volunteer",
  prefix: "v",
  start: { command: "volunteer" },
  first: "roles",
  begin: async (ctx) => {
    const existing = await ctx.core.volunteers.of(ctx.from?.id ?? 0);
    return {
      draft: {
        networks: existing?.networks.filter((n) => n.status !== "REJECTED").map((n) => n.id) ?? (ctx.user?.networkId ? [ctx.user.networkId] : []),
        roles: existing?.roles ?? [],
        languages: existing?.languages.map((l) => l.language) ?? [],
        levels: {},
        districts: existing?.districts ?? [],
        remoteOnly: existing?.remoteOnly ?? false,
      },
      intro: existing ? label(`volunteer.status.${existing.status}`, { name: existing.firstName }) : label("volunteer.intro"),
    };
  },
  steps: {
    roles: {
      ask: (_ctx, draft, choice) => ({
        parts: [label("volunteer.ask.roles")],
        keyboard: [...ROLES.map((r) => [choice(r, checked(draft.roles.includes(r), label(`volunteer.role.${r}`)))]), [choice("done", label("volunteer.done"))]],
      }),
      button: (value, draft) => {
        if (value === "done") return draft.roles.length ? { go: "name" } : pickOne("roles");
        if (isOneOf(ROLES, value)) draft.roles = toggle(draft.roles, value);
        return { go: "roles" };
      },
    },
    name: {
      ask: () => ({ parts: [label("volunteer.ask.name")] }),
      message: (message, draft) => {
        if (message.text === undefined) return { go: "name" };
        const name = message.text.trim().replace(/\s+/g, " ");
        if (characters(name) < 2 || longerThan(name, 40) || !/^\p{L}[\p{L}\p{M}' -]*$/u.test(name)) return { go: "name", hint: label("volunteer.badName") };
        draft.firstName = name;
        // Mentors are asked their gender, because newcomers may prefer a woman or a man as mentor.
        return { go: draft.roles.includes("MENTOR") ? "gender" : "languages" };
      },
    },
    gender: {
      ask: (_ctx, _draft, choice) => ({ parts: [label("volunteer.ask.gender")], keyboard: GENDERS.map((g) => [choice(g, label(`volunteer.gender.${g}`))]) }),
      chosen: (draft) => draft.gender,
      button: (value, draft) => {
        if (!isOneOf(GENDERS, value)) return { go: "gender" };
        draft.gender = value;
        return { go: "languages" };
      },
    },
    languages: {
      ask: (_ctx, draft, choice) => ({
        parts: [label("volunteer.ask.languages")],
        keyboard: [...rows(MEDIATION_LANGUAGES.map((l) => choice(l, checked(draft.languages.includes(l), { language: l })))), [choice("done", label("volunteer.done"))]],
      }),
      button: (value, draft) => {
        if (value === "done") {
          if (!draft.languages.length) return pickOne("languages");
          // After "back": the levels of the languages still chosen are kept, the new ones asked.
          draft.levels = Object.fromEntries(Object.entries(draft.levels).filter(([language]) => draft.languages.includes(language)));
          return { go: pendingLevel(draft) ? "level" : "german" };
        }
        if (isOneOf(MEDIATION_LANGUAGES, value)) draft.languages = toggle<string>(draft.languages, value);
        return { go: "languages" };
      },
    },
    level: {
      ask: (_ctx, draft, choice) => {
        // Back from the German level: the last language's level once more.
        const language = pendingLevel(draft) ?? draft.languages.at(-1) ?? "";
        return { parts: [label("volunteer.ask.level", { language: { language } })], keyboard: rows(LEVELS.map((l) => choice(`${language}.${l}`, label(`volunteer.level.${l}`)))) };
      },
      button: (value, draft) => {
        const [language = "", level = ""] = value.split(".");
        if (draft.languages.includes(language) && isOneOf(LEVELS, level)) draft.levels[language] = level;
        return { go: pendingLevel(draft) ? "level" : "german" };
      },
    },
    german: {
      ask: (_ctx, _draft, choice) => ({ parts: [label("volunteer.ask.german")], keyboard: rows(GERMAN_LEVELS.map((l) => choice(l, label(`volunteer.german.${l}`)))) }),
      chosen: (draft) => draft.germanLevel,
      button: async (value, draft, ctx) => {
        if (!isOneOf(GERMAN_LEVELS, value)) return { go: "german" };
        draft.germanLevel = value;
        // One town: nothing to choose.
        const towns = await ctx.core.networks.towns();
        const [only] = towns;
        if (towns.length === 1 && only) {
          draft.networks = [only.id];
          return { go: "districts" };
        }
        return { go: "towns" };
      },
    },
    towns: {
      ask: async (ctx, draft, choice) => {
        const towns = await ctx.core.networks.towns();
        return {
          parts: [label("volunteer.ask.towns")],
          keyboard: [...rows(towns.map((town) => choice(town.id, checked(draft.networks.includes(town.id), { text: town.name })))), [choice("done", label("volunteer.done"))]],
        };
      },
      button: async (value, draft, ctx) => {
        if (value === "done") return draft.networks.length ? { go: "districts" } : pickOne("towns");
        const town = await ctx.core.networks.byId(value);
        if (town?.kind === "TOWN") draft.networks = toggle(draft.networks, town.id);
        return { go: "towns" };
      },
    },
    districts: {
      ask: async (ctx, draft, choice) => {
        const districts = await districtsOf(ctx, draft.networks);
        return {
          parts: [label("volunteer.ask.districts")],
          keyboard: [
            ...rows(districts.map((d) => choice(d.code, checked(draft.districts.includes(d.code), { text: d.name })))),
            [choice("REMOTE", checked(draft.remoteOnly, label("volunteer.remoteOnly")))],
            [choice("done", label("volunteer.done"))],
          ],
        };
      },
      button: async (value, draft, ctx) => {
        if (value === "done") return draft.districts.length || draft.remoteOnly ? { go: "capacity" } : pickOne("districts");
        if (value === "REMOTE") draft.remoteOnly = !draft.remoteOnly;
        else if ((await districtsOf(ctx, draft.networks)).some((d) => d.code === value)) draft.districts = toggle<string>(draft.districts, value);
        return { go: "districts" };
      },
    },
    capacity: {
      ask: (_ctx, _draft, choice) => ({ parts: [label("volunteer.ask.capacity")], keyboard: [CAPACITIES.map((c) => choice(String(c), { text: String(c) }))] }),
      chosen: (draft) => (draft.weeklyCapacity === undefined ? undefined : String(draft.weeklyCapacity)),
      button: (value, draft) => {
        if (!CAPACITIES.some((c) => String(c) === value)) return { go: "capacity" };
        draft.weeklyCapacity = Number(value);
        return { go: "conduct" };
      },
    },
    conduct: {
      ask: (_ctx, _draft, choice) => ({
        parts: [label("volunteer.conduct"), label("guide.text")],
        keyboard: [[choice("agree", label("volunteer.agree"))], [choice("cancel", label("mediation.cancel"))]],
      }),
      button: async (value, draft, ctx) => {
        if (value !== "agree") return { end: mainMenu(label("cancel.done")) };
        if (!draft.firstName || !draft.germanLevel || !draft.weeklyCapacity) return { go: "roles" };
        const result = await ctx.core.volunteers.register(ctx.from?.id ?? 0, {
          firstName: draft.firstName,
          roles: draft.roles,
          languages: draft.languages.map((language) => ({ language, level: draft.levels[language] ?? "GOOD" })),
          germanLevel: draft.germanLevel,
          districts: draft.remoteOnly ? [] : draft.districts,
          remoteOnly: draft.remoteOnly,
          weeklyCapacity: draft.weeklyCapacity,
          networks: draft.networks,
          ...(draft.gender && draft.gender !== "NOT_SAID" ? { gender: draft.gender } : {}),
        });
        if (result.kind === "no-consent") return { end: mainMenu(label("privacy.needed")) };
        if (result.kind === "no-town") return { go: "towns", hint: label("volunteer.pickOne") };
        const key =
          result.kind === "change-pending" ? "volunteer.changePending" : result.kind === "updated" && result.status !== "PENDING" ? "volunteer.updated" : "volunteer.pending";
        return { end: { parts: [label(key, { name: draft.firstName })] } };
      },
    },
  },
});

export const volunteerFeature: Feature = { name: "volunteer", composer, commands: ["volunteer"] };
