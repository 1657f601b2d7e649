import { Composer } from "grammy";
import type { Label } from "../../core/messages.js";
import { eraseMyData, myData, type MyData } from "../../core/privacy.js";
import { cancelRequest, requestsOf } from "../../core/requests.js";
import type { BotContext, Reply } from "./context.js";
import { label } from "./dialogue.js";
import type { Feature } from "./feature.js";
import { MENU, backToMenuKeyboard } from "./menu.js";

export const MY_DATA = { erase: "data:erase", sure: "data:sure" } as const;

function show(data: MyData, retentionDays: number): Reply {
  const parts: Label[] = [
    label("mydata.title"),
    { lines: [label("mydata.language", { language: { language: data.locale } }), label("mydata.consent", { date: data.consentAt ? { date: data.consentAt.toISOString() } : "–" })] },
  ];
  if (data.requests.length === 0) parts.push(label("mydata.noRequests"));
  for (const r of data.requests) {
    const lines: Label[] = [
      label("mydata.request", { reference: r.reference, kind: label(`requests.kind.${r.kind}`), status: label(`requests.status.${r.status}`, { name: "" }) }),
      label("summary.language", { language: { language: r.language } }),
    ];
    if (r.purpose) lines.push(label("summary.purpose", { purpose: label(`mediation.purpose.${r.purpose}`) }));
    if (r.appointmentAt) lines.push(label("summary.when", { when: { dateTime: r.appointmentAt.toISOString() } }));
    if (r.place) lines.push(label("summary.place", { place: r.place }));
    if (r.note) lines.push(label("summary.note", { note: r.note }));
    if (r.attachments) lines.push(label("mydata.attachments", { count: r.attachments }));
    parts.push({ lines });
  }
  if (data.volunteer) {
    const v = data.volunteer;
    parts.push({
      lines: [
        label("mydata.volunteer", { name: v.firstName }),
        label("mydata.volunteerDetails", { languages: v.languages.join(", "), capacity: v.weeklyCapacity, jobs: v.jobs, hours: v.hours }),
      ],
    });
  }
  if (data.reportsWithContact.length) parts.push(label("mydata.reports", { count: data.reportsWithContact.length }));
  if (data.openDialogue) parts.push(label("mydata.dialogue"));
  parts.push(label("mydata.retention", { days: retentionDays }));
  return { parts, keyboard: [[{ ...label("mydata.erase"), data: MY_DATA.erase }], ...backToMenuKeyboard()] };
}

const composer = new Composer<BotContext>();
const privateChat = composer.chatType("private");

async function showMyData(ctx: BotContext, replace: boolean) {
  const data = await myData(ctx.deps.db, ctx.from?.id ?? 0);
  const reply = data ? show(data, ctx.deps.retentionDays) : { parts: [label("mydata.nothing")] };
  await (replace ? ctx.replace(reply) : ctx.say(reply));
}

privateChat.command("mydata", (ctx) => showMyData(ctx, false));
privateChat.callbackQuery(MENU.myData, async (ctx) => {
  await ctx.answerCallbackQuery();
  await showMyData(ctx, true);
});

const askToErase = (): Reply => ({
  parts: [label("mydata.sure")],
  keyboard: [[{ ...label("mydata.yesErase"), data: MY_DATA.sure }], [{ ...label("requests.keep"), data: MENU.myData }]],
});

privateChat.command("deletemydata", (ctx) => ctx.say(askToErase()));
privateChat.callbackQuery(MY_DATA.erase, async (ctx) => {
  await ctx.answerCallbackQuery();
  await ctx.replace(askToErase());
});

privateChat.callbackQuery(MY_DATA.sure, async (ctx) => {
  await ctx.answerCallbackQuery();
  const telegramId = ctx.from.id;
  // Open requests end properly first: offers are withdrawn, a matched volunteer is told.
  for (const request of await requestsOf(ctx.deps.db, telegramId)) {
    if (request.status === "SEARCHING" || request.status === "MATCHED") await cancelRequest(ctx.deps.db, request.id, telegramId, ctx.deps.dispatch);
  }
  await eraseMyData(ctx.deps.db, telegramId);
  ctx.user = undefined;
  // Nothing of this chat is written back, and the goodbye is forgotten once sent.
  ctx.session = null as never;
  await ctx.say({ parts: [label("mydata.erased")], forget: true });
});

export const myDataFeature: Feature = { name: "mydata", composer, commands: ["mydata", "deletemydata"] };
