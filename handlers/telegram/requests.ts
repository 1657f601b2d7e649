import { FeatureComposer } from "./composer.js";
import type { Label } from "../../core/messages.js";
import type { CreateResult, RequestListItem } from "../../core/requests.js";
import { CALLBACK } from "./callback-data.js";
import type { BotContext, Reply } from "./context.js";
import type { Feature } from "./feature.js";
import { backToMenuKeyboard, mainMenu } from "./menu.js";
import { label } from "./reply.js";

const OPEN = new Set(["SEARCHING", "MATCHED"]);

/** What the newcomer reads when a confirmed request was not stored: no consent, or a limit reached. */
export function notCreated(result: CreateResult): Reply | undefined {
  if (result.kind === "no-consent") return mainMenu(label("privacy.needed"));
  if (result.kind === "limit") return mainMenu(label(`request.limit.${result.which}`, { max: result.max }));
  if (result.kind === "no-town") return mainMenu(label("town.needed"));
  return undefined;
}

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
  const items = await ctx.core.requests.listOf(ctx.from?.id ?? 0);
  if (items.length === 0) return { parts: [label("requests.none")], keyboard: [[{ ...label("menu.mediation"), data: CALLBACK.mediation.pack({}) }], ...backToMenuKeyboard()] };
  const cancels = items.filter((i) => OPEN.has(i.status)).map((i) => [{ ...label("requests.cancel", { reference: i.reference }), data: CALLBACK.cancelRequest.pack({ requestId: i.id }) }]);
  return { parts: [label("requests.title"), ...items.map(line)], keyboard: [...cancels, ...backToMenuKeyboard()] };
}

const composer = new FeatureComposer<BotContext>();
const privateChat = composer.chatType("private");

privateChat.command("myrequests", async (ctx) => ctx.say(await myRequests(ctx)));

privateChat.callbackQuery([CALLBACK.requestList.filter, CALLBACK.myRequests.filter], async (ctx) => {
  await ctx.answerCallbackQuery();
  await ctx.replace(await myRequests(ctx));
});

privateChat.callbackQuery(CALLBACK.cancelRequest.filter, async (ctx) => {
  await ctx.answerCallbackQuery();
  const requestId = CALLBACK.cancelRequest.unpack(ctx.callbackQuery.data)?.requestId ?? "";
  await ctx.replace({
    parts: [label("requests.sure")],
    keyboard: [[{ ...label("requests.yesCancel"), data: CALLBACK.cancelRequestSure.pack({ requestId }) }], [{ ...label("requests.keep"), data: CALLBACK.requestList.pack({}) }]],
  });
});

privateChat.callbackQuery(CALLBACK.cancelRequestSure.filter, async (ctx) => {
  const requestId = CALLBACK.cancelRequestSure.unpack(ctx.callbackQuery.data)?.requestId ?? "";
  const result = await ctx.core.requests.cancel(requestId, ctx.from.id);
  if (result.kind === "cancelled") {
    await ctx.answerCallbackQuery();
    return ctx.replace(await myRequests(ctx));
  }
  await ctx.answerCallbackQuery({ text: ctx.t(result.kind === "not-open" ? "requests.notOpen" : "fallback.staleButton") });
  await ctx.say(mainMenu());
});

export const requestsFeature: Feature = { name: "requests", composer, commands: ["myrequests"] };
