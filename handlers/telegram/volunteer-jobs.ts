import { FeatureComposer } from "./composer.js";
import { CALLBACK } from "./callback-data.js";
import type { JobListItem } from "../../core/requests.js";
import type { BotContext, Reply } from "./context.js";
import type { Feature } from "./feature.js";
import { backToMenuKeyboard } from "./menu.js";
import { label, rows } from "./reply.js";

/** Hours a volunteer can report with one tap. */
const HOURS = ["0.5", "1", "1.5", "2", "3", "4", "6", "8"];

const composer = new FeatureComposer<BotContext>();
const privateChat = composer.chatType("private");

const doneButton = (job: { id: string; reference: string }) => ({ ...label("jobs.done", { reference: job.reference }), data: CALLBACK.jobDone.pack({ requestId: job.id }) });

/** Jobs the volunteer can write about and close: matched, and (mentoring) confirmed by the coordinators. */
const running = (jobs: JobListItem[]) => jobs.filter((j) => j.status === "MATCHED" && !j.awaitingConfirmation);

async function myJobs(ctx: BotContext): Promise<Reply> {
  const jobs = await ctx.core.requests.jobsOf(ctx.from?.id ?? 0);
  if (jobs.length === 0) return { parts: [label("jobs.none")], keyboard: backToMenuKeyboard() };
  return {
    parts: [label("jobs.title"), ...jobs.map((j) => ({ lines: [label(j.awaitingConfirmation ? "jobs.awaiting" : `jobs.status.${j.status}`), ...j.summary] }))],
    keyboard: [
      ...running(jobs).map((j) => [{ ...label("jobs.write", { reference: j.reference }), data: CALLBACK.writeTo.pack({ requestId: j.id }) }, doneButton(j)]),
      ...backToMenuKeyboard(),
    ],
  };
}

privateChat.command("myjobs", async (ctx) => ctx.say(await myJobs(ctx)));
privateChat.callbackQuery(CALLBACK.myJobs.filter, async (ctx) => {
  await ctx.answerCallbackQuery();
  await ctx.replace(await myJobs(ctx));
});

privateChat.command("done", async (ctx) => {
  const open = running(await ctx.core.requests.jobsOf(ctx.from.id));
  if (open.length === 0) return ctx.say({ parts: [label("jobs.noneOpen")] });
  await ctx.say({ parts: [label("jobs.whichDone")], keyboard: open.map((j) => [doneButton(j)]) });
});

privateChat.callbackQuery(CALLBACK.jobDone.filter, async (ctx) => {
  await ctx.answerCallbackQuery();
  const requestId = CALLBACK.jobDone.unpack(ctx.callbackQuery.data)?.requestId ?? "";
  await ctx.replace({ parts: [label("jobs.hours")], keyboard: rows(HOURS.map((hours) => ({ text: hours.replace(".", ","), data: CALLBACK.jobHours.pack({ requestId, hours }) })), 4) });
});

privateChat.callbackQuery(CALLBACK.jobHours.filter, async (ctx) => {
  const { requestId = "", hours = "" } = CALLBACK.jobHours.unpack(ctx.callbackQuery.data) ?? {};
  if (!HOURS.includes(hours)) return ctx.answerCallbackQuery({ text: ctx.t("fallback.staleButton") });
  const result = await ctx.core.requests.complete(requestId, ctx.from.id, Number(hours));
  if (result.kind !== "done") {
    const answer = { "not-open": "jobs.alreadyClosed", "not-confirmed": "jobs.awaiting", "not-yours": "fallback.staleButton" }[result.kind];
    await ctx.answerCallbackQuery({ text: ctx.t(answer) });
    return;
  }
  await ctx.answerCallbackQuery();
  await ctx.replace({ parts: [label("jobs.closed", { reference: result.reference, count: Number(hours) })] });
});

async function pause(ctx: BotContext, pausing: boolean): Promise<Reply> {
  const result = await ctx.core.volunteers.setPaused(ctx.from?.id ?? 0, pausing);
  return { parts: [label(result === "not-volunteer" ? "jobs.notVolunteer" : pausing ? "jobs.paused" : "jobs.resumed")], keyboard: backToMenuKeyboard() };
}

privateChat.command(["pause", "resume"], async (ctx) => ctx.say(await pause(ctx, ctx.hasCommand("pause"))));
privateChat.callbackQuery([CALLBACK.pause.filter, CALLBACK.resume.filter], async (ctx) => {
  await ctx.answerCallbackQuery();
  await ctx.replace(await pause(ctx, ctx.callbackQuery.data === CALLBACK.pause.pack({})));
});

privateChat.command("guide", (ctx) => ctx.say({ parts: [label("guide.text")], keyboard: backToMenuKeyboard() }));
privateChat.callbackQuery(CALLBACK.guide.filter, async (ctx) => {
  await ctx.answerCallbackQuery();
  await ctx.replace({ parts: [label("guide.text")], keyboard: backToMenuKeyboard() });
});

export const volunteerJobsFeature: Feature = { name: "volunteer-jobs", composer, volunteerCommands: ["myjobs", "done", "pause", "resume", "guide"] };
