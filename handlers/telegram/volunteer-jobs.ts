import { Composer } from "grammy";
import { completeRequest, jobsOf } from "../../core/requests.js";
import { setPaused } from "../../core/volunteers.js";
import type { BotContext, Reply } from "./context.js";
import { label, rows } from "./dialogue.js";
import type { Feature } from "./feature.js";

/** Hours a volunteer can report with one tap. */
const HOURS = ["0.5", "1", "1.5", "2", "3", "4", "6", "8"];

const composer = new Composer<BotContext>();
const privateChat = composer.chatType("private");

async function myJobs(ctx: BotContext): Promise<Reply> {
  const jobs = await jobsOf(ctx.deps.db, ctx.from?.id ?? 0);
  if (jobs.length === 0) return { parts: [label("jobs.none")] };
  const open = jobs.filter((j) => j.status === "MATCHED");
  return {
    parts: [label("jobs.title"), ...jobs.map((j) => ({ lines: [label(`jobs.status.${j.status}`), ...j.summary] }))],
    keyboard: open.flatMap((j) => [
      [
        { ...label("jobs.write", { reference: j.reference }), data: `relay:${j.id}` },
        { ...label("jobs.done", { reference: j.reference }), data: `done:${j.id}` },
      ],
    ]),
  };
}

privateChat.command("myjobs", async (ctx) => ctx.say(await myJobs(ctx)));

privateChat.command("done", async (ctx) => {
  const open = (await jobsOf(ctx.deps.db, ctx.from.id)).filter((j) => j.status === "MATCHED");
  if (open.length === 0) return ctx.say({ parts: [label("jobs.noneOpen")] });
  await ctx.say({ parts: [label("jobs.whichDone")], keyboard: open.map((j) => [{ ...label("jobs.done", { reference: j.reference }), data: `done:${j.id}` }]) });
});

privateChat.callbackQuery(/^done:([\w-]+)$/, async (ctx) => {
  await ctx.answerCallbackQuery();
  const id = ctx.match[1] ?? "";
  await ctx.replace({ parts: [label("jobs.hours")], keyboard: rows(HOURS.map((h) => ({ text: h.replace(".", ","), data: `hours:${id}:${h}` })), 4) });
});

privateChat.callbackQuery(/^hours:([\w-]+):(\d+(?:\.\d)?)$/, async (ctx) => {
  const hours = Number(ctx.match[2]);
  if (!HOURS.includes(ctx.match[2] ?? "")) return ctx.answerCallbackQuery({ text: ctx.t("fallback.staleButton") });
  const result = await completeRequest(ctx.deps.db, ctx.match[1] ?? "", ctx.from.id, hours);
  if (result.kind !== "done") {
    await ctx.answerCallbackQuery({ text: ctx.t(result.kind === "not-open" ? "jobs.alreadyClosed" : "fallback.staleButton") });
    return;
  }
  await ctx.answerCallbackQuery();
  await ctx.replace({ parts: [label("jobs.thanks", { reference: result.reference, hours: hours.toLocaleString(ctx.locale) })] });
});

privateChat.command(["pause", "resume"], async (ctx) => {
  const pausing = ctx.hasCommand("pause");
  const result = await setPaused(ctx.deps.db, ctx.from.id, pausing);
  await ctx.say({ parts: [label(result === "not-volunteer" ? "jobs.notVolunteer" : pausing ? "jobs.paused" : "jobs.resumed")] });
});

privateChat.command("guide", (ctx) => ctx.say({ parts: [label("guide.text")] }));

export const volunteerJobsFeature: Feature = { name: "volunteer-jobs", composer, volunteerCommands: ["myjobs", "done", "pause", "resume", "guide"] };
