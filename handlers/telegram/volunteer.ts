import { Composer } from "grammy";
import type { Button, Label } from "../../core/messages.js";
import {
  CAPACITIES,
  DISTRICT_NAMES,
  DISTRICTS,
  GERMAN_LEVELS,
  isOneOf,
  LEVELS,
  MEDIATION_LANGUAGES,
  ROLES,
  type GermanLevel,
  type Level,
  type Role,
} from "../../core/vocabulary.js";
import { registerVolunteer, volunteerOf } from "../../core/volunteers.js";
import type { BotContext, Dialogue, Reply } from "./context.js";
import { currentDialogue, dialogueButtons, label, newDialogue, rows, setDialogue } from "./dialogue.js";
import type { Feature } from "./feature.js";
import { MAX_TEXT_LENGTH } from "./fallback.js";
import { mainMenu } from "./menu.js";

const NAME = "volunteer";
const { button, pattern } = dialogueButtons("v");

type Step = "roles" | "name" | "gender" | "languages" | "level" | "german" | "districts" | "capacity" | "conduct";
const GENDERS = ["WOMAN", "MAN", "NOT_SAID"] as const;

type Draft = {
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

const draftOf = (dialogue: Dialogue) => dialogue.data as Draft;
const check = (on: boolean, l: Label): Label => (on ? { key: "volunteer.checked", params: { label: l } } : l);
const done = (dialogue: Dialogue, step: Step): Button => button(dialogue, step, "done", label("volunteer.done"));

/** The language whose level is asked next, if any. */
const pendingLevel = (draft: Draft) => draft.languages.find((l) => !draft.levels[l]);

function question(dialogue: Dialogue, hint?: Label): Reply {
  const draft = draftOf(dialogue);
  const before = hint ? [hint] : [];
  const step = dialogue.step as Step;
  switch (step) {
    case "roles":
      return {
        parts: [...before, label("volunteer.ask.roles")],
        keyboard: [...ROLES.map((r) => [button(dialogue, step, r, check(draft.roles.includes(r), label(`volunteer.role.${r}`)))]), [done(dialogue, step)]],
      };
    case "name":
      return { parts: [...before, label("volunteer.ask.name")] };
    case "gender":
      return { parts: [...before, label("volunteer.ask.gender")], keyboard: GENDERS.map((g) => [button(dialogue, step, g, label(`volunteer.gender.${g}`))]) };
    case "languages":
      return {
        parts: [...before, label("volunteer.ask.languages")],
        keyboard: [...rows(MEDIATION_LANGUAGES.map((l) => button(dialogue, step, l, check(draft.languages.includes(l), { language: l })))), [done(dialogue, step)]],
      };
    case "level": {
      const language = pendingLevel(draft) ?? "";
      return {
        parts: [...before, label("volunteer.ask.level", { language: { language } })],
        keyboard: rows(LEVELS.map((l) => button(dialogue, step, `${language}.${l}`, label(`volunteer.level.${l}`)))),
      };
    }
    case "german":
      return { parts: [...before, label("volunteer.ask.german")], keyboard: rows(GERMAN_LEVELS.map((l) => button(dialogue, step, l, label(`volunteer.german.${l}`)))) };
    case "districts":
      return {
        parts: [...before, label("volunteer.ask.districts")],
        keyboard: [
          ...rows(DISTRICTS.map((d) => button(dialogue, step, d, check(draft.districts.includes(d), { text: DISTRICT_NAMES[d] })))),
          [button(dialogue, step, "REMOTE", check(draft.remoteOnly, label("volunteer.remoteOnly")))],
          [done(dialogue, step)],
        ],
      };
    case "capacity":
      return { parts: [...before, label("volunteer.ask.capacity")], keyboard: [CAPACITIES.map((c) => button(dialogue, step, String(c), { text: String(c) }))] };
    case "conduct":
      return {
        parts: [...before, label("volunteer.conduct"), label("guide.text")],
        keyboard: [[button(dialogue, step, "agree", label("volunteer.agree"))], [button(dialogue, step, "cancel", label("mediation.cancel"))]],
      };
  }
}

const composer = new Composer<BotContext>();
const privateChat = composer.chatType("private");

privateChat.command("volunteer", async (ctx) => {
  const existing = await volunteerOf(ctx.deps.db, ctx.from.id);
  const dialogue = newDialogue(NAME, "roles", {
    roles: existing?.roles ?? [],
    languages: existing?.languages.map((l) => l.language) ?? [],
    levels: {},
    districts: existing?.districts ?? [],
    remoteOnly: existing?.remoteOnly ?? false,
  } satisfies Draft);
  await setDialogue(ctx, dialogue);
  const intro = existing ? label(`volunteer.status.${existing.status}`, { name: existing.firstName }) : label("volunteer.intro");
  await ctx.say(question(dialogue, intro));
});

privateChat.callbackQuery(pattern, async (ctx) => {
  const [, id = "", step = "", value = ""] = ctx.match;
  const dialogue = await currentDialogue(ctx, NAME);
  if (!dialogue || dialogue.id !== id || dialogue.step !== step) {
    await ctx.answerCallbackQuery({ text: ctx.t("fallback.staleButton") });
    return ctx.say(dialogue ? question(dialogue) : mainMenu());
  }
  await ctx.answerCallbackQuery();
  const draft = draftOf(dialogue);
  const toggle = <T extends string>(list: T[], item: T) => (list.includes(item) ? list.filter((x) => x !== item) : [...list, item]);
  const go = async (next: Step, hint?: Label) => {
    dialogue.step = next;
    await setDialogue(ctx, dialogue);
    await ctx.replace(question(dialogue, hint));
  };
  switch (step as Step) {
    case "roles":
      if (value === "done") return draft.roles.length ? go("name") : go("roles", label("volunteer.pickOne"));
      if (isOneOf(ROLES, value)) draft.roles = toggle(draft.roles, value);
      return go("roles");
    case "languages":
      if (value === "done") return draft.languages.length ? go("level") : go("languages", label("volunteer.pickOne"));
      if (isOneOf(MEDIATION_LANGUAGES, value)) draft.languages = toggle<string>(draft.languages, value);
      return go("languages");
    case "level": {
      const [language = "", level = ""] = value.split(".");
      if (draft.languages.includes(language) && isOneOf(LEVELS, level)) draft.levels[language] = level;
      return go(pendingLevel(draft) ? "level" : "german");
    }
    case "gender":
      if (!isOneOf(GENDERS, value)) return go("gender");
      draft.gender = value;
      return go("languages");
    case "german":
      if (!isOneOf(GERMAN_LEVELS, value)) return go("german");
      draft.germanLevel = value;
      return go("districts");
    case "districts":
      if (value === "done") return draft.districts.length || draft.remoteOnly ? go("capacity") : go("districts", label("volunteer.pickOne"));
      if (value === "REMOTE") draft.remoteOnly = !draft.remoteOnly;
      else if (isOneOf(DISTRICTS, value)) draft.districts = toggle(draft.districts, value);
      return go("districts");
    case "capacity":
      if (!CAPACITIES.some((c) => String(c) === value)) return go("capacity");
      draft.weeklyCapacity = Number(value);
      return go("conduct");
    case "conduct": {
      if (value === "agree" && (!draft.firstName || !draft.germanLevel || !draft.weeklyCapacity)) return go("roles");
      await setDialogue(ctx, undefined);
      if (value !== "agree" || !draft.germanLevel) return ctx.replace(mainMenu(label("cancel.done")));
      const result = await registerVolunteer(
        ctx.deps.db,
        ctx.from.id,
        {
          firstName: draft.firstName ?? "",
          roles: draft.roles,
          languages: draft.languages.map((language) => ({ language, level: draft.levels[language] ?? "GOOD" })),
          germanLevel: draft.germanLevel,
          districts: draft.remoteOnly ? [] : draft.districts,
          remoteOnly: draft.remoteOnly,
          weeklyCapacity: draft.weeklyCapacity ?? 1,
          ...(draft.gender && draft.gender !== "NOT_SAID" ? { gender: draft.gender } : {}),
        },
        { coordinatorChannel: ctx.deps.dispatch.coordinatorChannel },
      );
      if (result.kind === "no-consent") return ctx.say(mainMenu(label("privacy.needed")));
      const key = result.kind === "updated" && result.status === "APPROVED" ? "volunteer.updated" : "volunteer.pending";
      return ctx.replace({ parts: [label(key, { name: draft.firstName ?? "" })] });
    }
    default:
      return go(dialogue.step as Step);
  }
});

privateChat.on("message:text", async (ctx, next) => {
  const dialogue = await currentDialogue(ctx, NAME);
  if (!dialogue || ctx.message.text.startsWith("/")) return next();
  if (dialogue.step !== "name") return ctx.say(question(dialogue, label("mediation.useButtons")));
  const name = ctx.message.text.trim().replace(/\s+/g, " ");
  if (name.length < 2 || name.length > 40 || name.length > MAX_TEXT_LENGTH || !/^\p{L}[\p{L}\p{M}' -]*$/u.test(name)) {
    return ctx.say(question(dialogue, label("volunteer.badName")));
  }
  draftOf(dialogue).firstName = name;
  // Mentors are asked their gender, because newcomers may prefer a woman or a man as mentor.
  dialogue.step = draftOf(dialogue).roles.includes("MENTOR") ? "gender" : "languages";
  await setDialogue(ctx, dialogue);
  await ctx.say(question(dialogue));
});

privateChat.on("message", async (ctx, next) => {
  const dialogue = await currentDialogue(ctx, NAME);
  if (!dialogue) return next();
  await ctx.say(question(dialogue, label(dialogue.step === "name" ? "volunteer.ask.name" : "mediation.useButtons")));
});

export const volunteerFeature: Feature = { name: NAME, composer, commands: ["volunteer"] };
