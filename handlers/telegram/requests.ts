import { Composer } from "grammy";
import type { Label } from "../../core/messages.js";
import { cancelRequest, requestsOf, type RequestListItem } from "../../core/requests.js";
import type { BotContext, Reply } from "./context.js";
import { label } from "./dialogue.js";
import type { Feature } from "./feature.js";
import { MENU, backToMenuKeyboard, mainMenu } from "./menu.js";

/** Callback data of "My requests". */
export const REQUESTS = {
  list: "req:list",
  cancel: (id: string) => `req:cancel:${id}`,
  confirmCancel: (id: string) => `req:sure:${id}`,
} as const;

const OPEN = new Set(["SEARCHING", "MATCHED"]);

function line(item: RequestListItem): Label {
  const when: Label = item.appointmentAt ? { dateTime: item.appointmentAt.toISOString() } : label("mediation.asap");
  return label("requests.item", {
    reference: item.reference,
    kind: label(`requests.kind.${item.kind}`),
    language: { language: item.language },
    when,
    status: label(`requests.status.${item.status}`, { name: item.volunteerName ?? "" }),
  });
}

async function myRequests(ctx: BotContext): Promise<Reply> {
  const items = await requestsOf(ctx.deps.db, ctx.from?.id ?? 0);
  if (items.length === 0) return { parts: [label("requests.none")], keyboard: [[{ ...label("menu.mediation"), data: MENU.mediation }], ...backToMenuKeyboard()] };
  const cancels = items.filter((i) => OPEN.has(i.status)).map((i) => [{ ...label("requests.cancel", { reference: i.reference }), data: REQUESTS.cancel(i.id) }]);
  return { parts: [label("requests.title"), ...items.map(line)], keyboard: [...cancels, ...backToMenuKeyboard()] };
}

const composer = new Composer<BotContext>();
const privateChat = composer.chatType("private");

privateChat.command("myrequests", async (ctx) => ctx.say(await myRequests(ctx)));

privateChat.callbackQuery([REQUESTS.list, MENU.requests], async (ctx) => {
  await ctx.answerCallbackQuery();
  await ctx.replace(await myRequests(ctx));
});

privateChat.callbackQuery(/^req:cancel:([\w-]+)$/, async (ctx) => {
  await ctx.answerCallbackQuery();
  const id = ctx.match[1] ?? "";
  await ctx.replace({
    parts: [label("requests.sure")],
    keyboard: [[{ ...label("requests.yesCancel"), data: REQUESTS.confirmCancel(id) }], [{ ...label("requests.keep"), data: REQUESTS.list }]],
  });
});

privateChat.callbackQuery(/^req:sure:([\w-]+)$/, async (ctx) => {
  const result = await cancelRequest(ctx.deps.db, ctx.match[1] ?? "", ctx.from.id, ctx.deps.dispatch);
  if (result.kind === "cancelled") {
    await ctx.answerCallbackQuery();
    return ctx.replace(await myRequests(ctx));
  }
  await ctx.answerCallbackQuery({ text: ctx.t(result.kind === "not-open" ? "requests.notOpen" : "fallback.staleButton") });
  await ctx.say(mainMenu());
});

export const requestsFeature: Feature = { name: "requests", composer, commands: ["myrequests"] };
