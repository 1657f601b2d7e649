import { Api, Composer, Context } from "grammy";
import type { Update, UserFromGetMe } from "grammy/types";
import { describe, expect, it } from "vitest";
import { FeatureComposer } from "../../handlers/telegram/composer.js";

const me = { id: 1, is_bot: true, first_name: "Bot", username: "bot" } as UserFromGetMe;
const api = new Api("123:token");
const chat = (type: "private" | "group") => (type === "private" ? { id: 5, type, first_name: "A" } : { id: -5, type, title: "G" });
const from = { id: 5, is_bot: false, first_name: "A" };

const updates: Update[] = [
  { update_id: 1, message: { message_id: 1, date: 0, chat: chat("private"), from, text: "/help", entities: [{ type: "bot_command", offset: 0, length: 5 }] } },
  { update_id: 2, message: { message_id: 2, date: 0, chat: chat("private"), from, text: "hallo" } },
  { update_id: 3, message: { message_id: 3, date: 0, chat: chat("group"), from, text: "hallo" } },
  { update_id: 4, callback_query: { id: "q", chat_instance: "c", from, data: "menu:main", message: { message_id: 4, date: 0, chat: chat("private"), text: "x" } } },
  { update_id: 5, callback_query: { id: "q", chat_instance: "c", from, data: "offer:accept:7", message: { message_id: 5, date: 0, chat: chat("private"), text: "x" } } },
  { update_id: 6, message: { message_id: 6, date: 0, chat: chat("private"), from, sticker: { file_id: "s", file_unique_id: "s", type: "regular", width: 1, height: 1, is_animated: false, is_video: false } } },
  { update_id: 7, edited_message: { message_id: 7, date: 0, edit_date: 1, chat: chat("private"), from, text: "edited" } },
] as Update[];

/** The same features on either composer: filters of each kind, nested, passing on, async, added to later. */
function register(root: Composer<Context>, trace: string[]): void {
  root.use(async (ctx, next) => {
    trace.push(`in ${ctx.update.update_id}`);
    await next();
    trace.push(`out ${ctx.update.update_id}`);
  });
  const privateChat = root.chatType("private");
  privateChat.command("help", () => void trace.push("help"));
  privateChat.callbackQuery(/^offer:accept:(\d+)$/, async (ctx, next) => {
    trace.push(`offer ${ctx.match[1]}`);
    await next();
  });
  privateChat.callbackQuery("menu:main", () => void trace.push("menu"));
  privateChat.filter(
    async (ctx) => {
      await Promise.resolve();
      return ctx.message?.text === "hallo";
    },
    async (ctx, next) => {
      trace.push("async filter");
      await next();
    },
  );
  privateChat.drop((ctx) => ctx.callbackQuery !== undefined, (_ctx, next) => {
    trace.push("not a button");
    return next();
  });
  const texts = privateChat.on("message:text");
  root.branch((ctx) => ctx.chat?.type === "group", () => void trace.push("group"), (_ctx, next) => next());
  root.on("edited_message", () => void trace.push("edited"));
  root.use(() => void trace.push("catch-all"));
  // Registered after the filter was: grammY runs it all the same.
  texts.use(() => void trace.push("plain text"));
}

async function run(root: Composer<Context>, trace: string[]): Promise<void> {
  for (const update of updates) {
    await root.middleware()(new Context(update, api, me), async () => void trace.push("end"));
  }
}

describe("FeatureComposer", () => {
  it("runs exactly what grammY's Composer runs, in the same order, for every kind of update", async () => {
    const expected: string[] = [];
    const grammy = new Composer<Context>();
    register(grammy, expected);
    await run(grammy, expected);

    const actual: string[] = [];
    const feature = new FeatureComposer<Context>();
    register(feature, actual);
    await run(feature, actual);

    expect(actual).toEqual(expected);
    // The trace says something: each update took its own way.
    expect(actual).toEqual(expect.arrayContaining(["help", "offer 7", "menu", "async filter", "plain text", "group", "edited", "catch-all", "not a button"]));
  });

  it("every filter of a feature composer gives a feature composer, so nested filters are built once too", () => {
    const root = new FeatureComposer<Context>();
    expect(root.chatType("private").command("x")).toBeInstanceOf(FeatureComposer);
    expect(root.callbackQuery(/./)).toBeInstanceOf(FeatureComposer);
    expect(root.on("message").filter(() => true)).toBeInstanceOf(FeatureComposer);
    expect(root.use(() => undefined)).toBeInstanceOf(FeatureComposer);
  });

  it("an error in a filtered handler reaches the error boundary around it", async () => {
    const root = new FeatureComposer<Context>();
    const caught: string[] = [];
    const feature = new FeatureComposer<Context>();
    feature.chatType("private").command("help", () => {
      throw new Error("boom");
    });
    root.errorBoundary((error) => void caught.push((error.error as Error).message), feature);
    await root.middleware()(new Context(updates[0] as Update, api, me), async () => undefined);
    expect(caught).toEqual(["boom"]);
  });
});
