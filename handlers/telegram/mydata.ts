import { FeatureComposer } from "./composer.js";
import type { Label } from "../../core/messages.js";
import type { MyData } from "../../core/privacy.js";
import { CALLBACK } from "./callback-data.js";
import type { BotContext, Reply } from "./context.js";
import type { Feature } from "./feature.js";
import { withResume } from "./dialogue.js";
import { backToMenuKeyboard } from "./menu.js";
import { label } from "./reply.js";

function show(data: MyData, retentionDays: number): Reply {
  const parts: Label[] = [
    label("mydata.title"),
    {
      lines: [
        label("mydata.language", { language: { language: data.locale } }),
        ...(data.town ? [label("mydata.town", { town: { text: data.town } })] : []),
        label("mydata.consent", { date: data.consentAt ? { date: data.consentAt.toISOString() } : "–" }),
      ],
    },
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
        label("mydata.volunteerStats", { languages: v.languages.join(", "), capacity: v.weeklyCapacity, jobs: label("mydata.jobs", { count: v.jobs }), hours: label("mydata.hours", { count: v.hours }) }),
        // Where they help, and what each town's coordinators decided.
        ...(v.towns.length > 1 ? v.towns.map((town) => label("mydata.volunteerTown", { town: { text: town.name }, status: label(`mydata.townStatus.${town.status}`) })) : []),
      ],
    });
  }
  if (data.reportsWithContact.length) parts.push(label("mydata.reports", { count: data.reportsWithContact.length }));
  if (data.openDialogue) parts.push(label("mydata.dialogue"));
  parts.push(label("mydata.retention", { days: retentionDays }));
  return { parts, keyboard: [[{ ...label("mydata.erase"), data: CALLBACK.eraseData.pack({}) }], ...backToMenuKeyboard()] };
}

const composer = new FeatureComposer<BotContext>();
const privateChat = composer.chatType("private");

async function showMyData(ctx: BotContext, replace: boolean) {
  const data = await ctx.core.privacy.myData(ctx.from?.id ?? 0);
  const reply = await withResume(ctx, data ? show(data, ctx.core.settings.retentionDays) : { parts: [label("mydata.nothing")] });
  await (replace ? ctx.replace(reply) : ctx.say(reply));
}

privateChat.command("mydata", (ctx) => showMyData(ctx, false));
privateChat.callbackQuery(CALLBACK.myData.filter, async (ctx) => {
  await ctx.answerCallbackQuery();
  await showMyData(ctx, true);
});

const askToErase = (): Reply => ({
  parts: [label("mydata.sure")],
  keyboard: [[{ ...label("mydata.yesErase"), data: CALLBACK.eraseDataSure.pack({}) }], [{ ...label("requests.keep"), data: CALLBACK.myData.pack({}) }]],
});

privateChat.command("deletemydata", (ctx) => ctx.say(askToErase()));
privateChat.callbackQuery(CALLBACK.eraseData.filter, async (ctx) => {
  await ctx.answerCallbackQuery();
  await ctx.replace(askToErase());
});

privateChat.callbackQuery(CALLBACK.eraseDataSure.filter, async (ctx) => {
  await ctx.answerCallbackQuery();
  await ctx.core.privacy.erase(ctx.from.id);
  ctx.user = undefined;
  // Nothing of this chat is written back, and the goodbye is forgotten once sent.
  ctx.session = null as never;
  await ctx.say({ parts: [label("mydata.erased")], forget: true });
});

export const myDataFeature: Feature = { name: "mydata", composer, commands: ["mydata", "deletemydata"] };
