import type { Button, Label } from "../../core/messages.js";
import type { Network } from "../../core/networks.js";
import { CALLBACK } from "./callback-data.js";
import type { BotContext, Reply } from "./context.js";
import { defineDialogue, newDialogue, setDialogue } from "./dialogue.js";
import type { Feature } from "./feature.js";
import { menuFor } from "./menu.js";
import { label, rows } from "./reply.js";

/**
 * Where a newcomer lives decides whose volunteers, contact points and coordinators they reach. They choose
 * their town once, after agreeing to the privacy notice (or arrive placed by a poster's link,
 * `t.me/<bot>?start=<town>`), by a button or by typing its name in their own script; `/town` changes it.
 * A deployment for one town asks nothing.
 */

/** The person's town (the onboarding asks for it before any service is offered). */
export const townOf = (ctx: BotContext): string => ctx.user?.networkId ?? "";

const PREFIX = "t";
type Draft = { shown?: string[] };

/** The question, with the towns (or those that fit what was typed) two to a row. */
function question(towns: Network[], choice: (value: string, label: Label) => Button, ...before: Label[]): Reply {
  return { parts: [...before, label("town.ask")], keyboard: rows(towns.map((town) => choice(town.id, { text: town.name }))) };
}

async function place(ctx: BotContext, town: Network): Promise<Reply> {
  await ctx.core.users.placeIn(ctx.from?.id ?? 0, town.id);
  if (ctx.user) ctx.user = { ...ctx.user, networkId: town.id };
  return menuFor(ctx, label("town.placed", { town: { text: town.name } }));
}

/**
 * Asks for the town, unless there is only one: then the person is placed there at once. Returns the reply
 * to show (the question, or the menu).
 */
export async function townQuestion(ctx: BotContext, ...before: Label[]): Promise<Reply> {
  const towns = await ctx.core.networks.towns();
  const [only] = towns;
  if (towns.length === 1 && only) {
    // One town: nothing to ask, nothing to tell.
    await ctx.core.users.placeIn(ctx.from?.id ?? 0, only.id);
    if (ctx.user) ctx.user = { ...ctx.user, networkId: only.id };
    return menuFor(ctx, ...before);
  }
  const dialogue = newDialogue("town", "pick");
  await setDialogue(ctx, dialogue);
  const data = CALLBACK.dialogue(PREFIX);
  return question(towns, (value, text) => ({ ...text, data: data.pack({ id: dialogue.id, step: "pick", value }) }), ...before);
}

/** Places a person by a poster's deep link (`/start beckum`); false when the link names no town. */
export async function placeByLink(ctx: BotContext, slug: string): Promise<Network | undefined> {
  const town = await ctx.core.networks.bySlug(slug);
  if (!town || town.kind !== "TOWN") return undefined;
  await ctx.core.users.placeIn(ctx.from?.id ?? 0, town.id);
  ctx.user = ctx.user ? { ...ctx.user, networkId: town.id } : await ctx.core.users.find(ctx.from?.id ?? 0);
  return town;
}

const composer = defineDialogue<Draft, "pick">({
  name: "town",
  prefix: PREFIX,
  start: { command: "town" },
  first: "pick",
  begin: () => ({ draft: {} }),
  steps: {
    pick: {
      ask: async (ctx, draft, choice) => {
        const towns = await ctx.core.networks.towns();
        const shown = draft.shown ? towns.filter((t) => draft.shown?.includes(t.id)) : towns;
        return question(shown.length > 0 ? shown : towns, choice);
      },
      button: async (value, _draft, ctx) => {
        const town = await ctx.core.networks.byId(value);
        if (!town || town.kind !== "TOWN") return { go: "pick", hint: label("mediation.invalidChoice") };
        return { end: await place(ctx, town) };
      },
      message: async (message, draft, ctx) => {
        const typed = message.text?.trim() ?? "";
        const found = typed ? await ctx.core.networks.find(typed) : [];
        const [only] = found;
        if (found.length === 1 && only) return { end: await place(ctx, only) };
        draft.shown = found.length > 0 ? found.map((t) => t.id) : undefined;
        return { go: "pick", hint: label(found.length > 0 ? "town.several" : "town.notFound") };
      },
    },
  },
});

export const townFeature: Feature = { name: "town", composer, commands: ["town"] };
