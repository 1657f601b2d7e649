import { randomBytes } from "node:crypto";
import type { Composer } from "grammy";
import { FeatureComposer } from "./composer.js";
import type { Message } from "grammy/types";
import type { Button, Label } from "../../core/messages.js";
import { CALLBACK } from "./callback-data.js";
import type { BotContext, Dialogue, Reply } from "./context.js";
import { mainMenu } from "./menu.js";
import { checked, label, longerThan, MAX_TEXT_LENGTH } from "./reply.js";

/** What an answer leads to: a step (the same one again, with a hint that explains why), or the end. */
export type Outcome<Step extends string> = { go: Step; hint?: Label } | { end: Reply };

/** One question of a dialogue. */
export type StepSpec<Draft, Step extends string> = {
  /** The question and its answer buttons; `choice(value, label)` makes a button of this step. */
  ask: (ctx: BotContext, draft: Draft, choice: (value: string, label: Label) => Button) => Reply | Promise<Reply>;
  /** A button of this step was pressed (`dialogueId` tells this dialogue from a later one: see {@link requestKey}). */
  button?: (value: string, draft: Draft, ctx: BotContext, dialogueId: string) => Outcome<Step> | Promise<Outcome<Step>>;
  /** A message (not a command) arrived at this step. Without this, the person is asked to use the buttons. */
  message?: (message: Message, draft: Draft, ctx: BotContext) => Outcome<Step> | Promise<Outcome<Step>>;
  /** The value of the button answered earlier, marked ✅ when the step is asked again (after "⬅️ Back"). */
  chosen?: (draft: Draft) => string | undefined;
};

export type DialogueSpec<Draft, Step extends string> = {
  /** The session's name for it (one dialogue at a time per chat). */
  name: string;
  /** The first part of its buttons' callback data: short, Telegram allows 64 bytes in all. */
  prefix: string;
  /** What starts it: a button's callback data, or a command. */
  start: { button: string } | { command: string };
  first: Step;
  /** The draft a new dialogue starts with, and a line above its first question. */
  begin: (ctx: BotContext) => Promise<{ draft: Draft; intro?: Label }> | { draft: Draft; intro?: Label };
  steps: Record<Step, StepSpec<Draft, Step>>;
  /** What a stale button shows when the dialogue is gone (default: the main menu). */
  gone?: Label;
  /**
   * Whether the request of the dialogue `dialogueId` was sent: its old buttons then say so instead of
   * offering to begin again. Asked of the database: a dialogue leaves no state once it ended.
   */
  sent?: (ctx: BotContext, dialogueId: string) => Promise<boolean>;
  /**
   * Its messages leave no outbox row once sent: nothing in the database may tie an anonymous report to the
   * chat it came from by the time of its messages.
   */
  forget?: boolean;
};

/**
 * A guided dialogue declared as a table of steps. The helper does what every dialogue needs: it starts on
 * its button or command, keeps the state in the session (PostgreSQL: a restart half-way loses nothing),
 * recognises a button of an older dialogue or of an earlier step as stale instead of acting on it, lets
 * every command through (`/cancel`, `/help`, `/mydata` … work at any step), refuses overlong texts, and
 * asks for buttons where a step takes none. Every step after the first has "⬅️ Back" to the step answered
 * before it, with the answers kept (and "⏭ Keep it and go on" to where the person came back from, until
 * they answer anew). Steps only say what to ask and where an answer leads.
 *
 * @example
 * export const reportFeature = { name: "report", composer: defineDialogue({ name: "report", prefix: "r", start: { button: CALLBACK.report.pack({}) }, first: "text", … }) };
 */
export function defineDialogue<Draft extends object, Step extends string>(spec: DialogueSpec<Draft, Step>): Composer<BotContext> {
  const data = CALLBACK.dialogue(spec.prefix);
  const composer = new FeatureComposer<BotContext>();
  const privateChat = composer.chatType("private");
  const shown = (reply: Reply): Reply => (spec.forget ? { ...reply, forget: true } : reply);
  const say = (ctx: BotContext, reply: Reply) => ctx.say(shown(reply));
  const replace = (ctx: BotContext, reply: Reply) => ctx.replace(shown(reply));

  const question = async (ctx: BotContext, dialogue: Dialogue, hint?: Label): Promise<Reply> => {
    const step = spec.steps[dialogue.step as Step];
    const button = (value: string, l: Label): Button => ({ ...l, data: data.pack({ id: dialogue.id, step: dialogue.step, value }) });
    const chosen = step.chosen?.(dialogue.data as Draft);
    const choice = (value: string, l: Label): Button => button(value, checked(value === chosen, l));
    const reply = await step.ask(ctx, dialogue.data as Draft, choice);
    const moves = [
      ...(dialogue.trail?.length ? [button(BACK, label("dialogue.back"))] : []),
      ...(dialogue.ahead?.length ? [button(FORWARD, label("dialogue.forward"))] : []),
    ];
    const keyboard = moves.length ? [...(reply.keyboard ?? []), moves] : reply.keyboard;
    return { ...reply, ...(hint ? { parts: [hint, ...reply.parts] } : {}), ...(keyboard ? { keyboard } : {}) };
  };

  /** Carries out an answer: the next question (replacing the one answered by button), or the end. */
  const follow = async (ctx: BotContext, dialogue: Dialogue, outcome: Outcome<Step>, viaButton: boolean) => {
    const show = (reply: Reply) => (viaButton ? replace(ctx, reply) : say(ctx, reply));
    if ("end" in outcome) {
      await setDialogue(ctx, undefined);
      return show(outcome.end);
    }
    advance(dialogue, outcome.go);
    await setDialogue(ctx, dialogue);
    return show(await question(ctx, dialogue, outcome.hint));
  };

  const begin = async (ctx: BotContext, viaButton: boolean) => {
    const { draft, intro } = await spec.begin(ctx);
    const dialogue = newDialogue(spec.name, spec.first, draft as Record<string, unknown>);
    await setDialogue(ctx, dialogue);
    const first = await question(ctx, dialogue, intro);
    await (viaButton ? replace(ctx, first) : say(ctx, first));
  };
  if ("button" in spec.start) {
    privateChat.callbackQuery(spec.start.button, async (ctx) => {
      await ctx.answerCallbackQuery();
      await begin(ctx, true);
    });
  } else {
    privateChat.command(spec.start.command, (ctx) => begin(ctx, false));
  }

  privateChat.callbackQuery(data.filter, async (ctx) => {
    const { id, step, value } = data.unpack(ctx.callbackQuery.data) ?? { id: "", step: "", value: "" };
    const dialogue = await currentDialogue(ctx, spec.name);
    if (!dialogue || dialogue.id !== id) {
      // A button of what was sent (a second tap on "send" too) is not an error to the person who tapped.
      if (!dialogue && (await spec.sent?.(ctx, id))) return ctx.answerCallbackQuery({ text: ctx.t("mediation.alreadySent") });
      await ctx.answerCallbackQuery({ text: ctx.t("fallback.staleButton") });
      if (dialogue) return say(ctx, await question(ctx, dialogue));
      // Another dialogue may be in progress: the menu offers to go on with it.
      return say(ctx, await withResume(ctx, mainMenu(...(spec.gone ? [spec.gone] : []))));
    }
    if (dialogue.step !== step) {
      await ctx.answerCallbackQuery({ text: ctx.t("mediation.oldStep") });
      return say(ctx, await question(ctx, dialogue));
    }
    await ctx.answerCallbackQuery();
    if (value === BACK || value === FORWARD) {
      retrace(dialogue, value);
      await setDialogue(ctx, dialogue);
      return replace(ctx, await question(ctx, dialogue));
    }
    const answer = spec.steps[step as Step].button;
    const outcome = answer ? await answer(value, dialogue.data as Draft, ctx, dialogue.id) : { go: step as Step, hint: label("mediation.invalidChoice") };
    await follow(ctx, dialogue, outcome, true);
  });

  // "Continue" under what a command showed in the middle of this dialogue (/help, /start, /language …).
  privateChat.callbackQuery(CALLBACK.resumeDialogue.filter, async (ctx, next) => {
    const dialogue = await currentDialogue(ctx, spec.name);
    if (!dialogue) return next();
    await ctx.answerCallbackQuery();
    await say(ctx, await question(ctx, dialogue));
  });

  privateChat.on("message", async (ctx, next) => {
    const dialogue = await currentDialogue(ctx, spec.name);
    const message = ctx.message;
    // Commands always reach their own handlers, whatever the dialogue is waiting for.
    if (!dialogue || isCommand(message)) return next();
    if (longerThan(message.text ?? "", MAX_TEXT_LENGTH)) return say(ctx, await question(ctx, dialogue, label("fallback.tooLong", { max: MAX_TEXT_LENGTH })));
    const answer = spec.steps[dialogue.step as Step].message;
    const outcome = answer ? await answer(message, dialogue.data as Draft, ctx) : { go: dialogue.step as Step, hint: label("mediation.useButtons") };
    await follow(ctx, dialogue, outcome, false);
  });

  return composer;
}

/** The values of the "⬅️ Back" and "⏭ Keep it and go on" buttons: no step's answer looks like them. */
const BACK = "<";
const FORWARD = ">";

/**
 * Moves a dialogue to the step an answer leads to. The step answered joins the trail back; an answer leading
 * to a step already on the trail (start again, a date to correct) cuts the trail there. An answer forgets the
 * way forward: what follows may depend on it.
 */
function advance(dialogue: Dialogue, step: string): void {
  delete dialogue.ahead;
  if (step === dialogue.step) return;
  const trail = dialogue.trail ?? [];
  const earlier = trail.indexOf(step);
  dialogue.trail = earlier >= 0 ? trail.slice(0, earlier) : [...trail, dialogue.step];
  dialogue.step = step;
}

/** "⬅️ Back" to the step answered before, or "⏭ Keep it and go on" to the one left by it (nothing to go to: stays). */
function retrace(dialogue: Dialogue, move: typeof BACK | typeof FORWARD): void {
  const [from, to] = move === BACK ? [(dialogue.trail ??= []), (dialogue.ahead ??= [])] : [(dialogue.ahead ??= []), (dialogue.trail ??= [])];
  const step = from.pop();
  if (step === undefined) return;
  to.push(dialogue.step);
  dialogue.step = step;
}

/**
 * What a command shows in the middle of a dialogue, with a button to go on with it (the dialogue waits: the
 * next answer typed still counts).
 */
export async function withResume(ctx: BotContext, reply: Reply): Promise<Reply> {
  const session = await ctx.session;
  if (!session?.dialogue) return reply;
  return { ...reply, keyboard: [[{ ...label("menu.continue"), data: CALLBACK.resumeDialogue.pack({}) }], ...(reply.keyboard ?? [])] };
}

/** What makes a confirmation count once: the person and the dialogue (a double tap sends one request). */
export const requestKey = (ctx: BotContext, dialogueId: string): string => `${ctx.from?.id ?? 0}:${dialogueId}`;

/** A message that starts with a /command. */
export const isCommand = (message: Message): boolean => message.entities?.some((e) => e.type === "bot_command" && e.offset === 0) ?? false;

export function newDialogue(name: string, step: string, data: Record<string, unknown> = {}): Dialogue {
  return { name, step, id: randomBytes(4).toString("base64url"), data };
}

/** The dialogue `name` if it is the one in progress. */
export async function currentDialogue(ctx: BotContext, name: string): Promise<Dialogue | undefined> {
  const session = await ctx.session;
  return session.dialogue?.name === name ? session.dialogue : undefined;
}

export async function setDialogue(ctx: BotContext, dialogue: Dialogue | undefined): Promise<void> {
  const session = await ctx.session;
  if (dialogue) session.dialogue = dialogue;
  else delete session.dialogue;
}
