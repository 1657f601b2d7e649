import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TELEGRAM_WEBHOOK_PATH } from "../../bot/http.js";
import { startStack, WEBHOOK_SECRET, type Stack } from "../helpers/stack.js";
import { buttonData, onboard, plain, waitForText } from "../helpers/telegram.js";

/** Each unexpected input gets a short answer in the person's language, with the menu. */
describe("unexpected input never meets silence", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { FLOOD_LIMIT: "10", FLOOD_WINDOW_MS: "5000" } });
    await onboard(stack.telegram, 2001, "de");
    await onboard(stack.telegram, 2002, "tr");
  });
  afterAll(() => stack?.stop());

  const expectMenu = (chatId: number) => {
    const last = stack.telegram.botMessages(chatId).at(-1);
    expect(buttonData(last)).toContain("menu:mediation");
    return last;
  };

  it("a sticker", async () => {
    await stack.telegram.sendSticker(2001);
    await waitForText(stack.telegram, 2001, "Sticker");
    expectMenu(2001);
  });

  it("a photo and a voice note where no file is expected", async () => {
    await stack.telegram.sendPhoto(2001, "Brief vom Amt");
    await waitForText(stack.telegram, 2001, "Bilder, Sticker und Sprachnachrichten");
    const count = stack.telegram.botMessages(2001).length;
    await stack.telegram.sendVoice(2001);
    await stack.telegram.waitFor(() => stack.telegram.botMessages(2001).length > count);
    expectMenu(2001);
  });

  it("an unknown command names the command", async () => {
    await stack.telegram.sendText(2001, "/foobar");
    await waitForText(stack.telegram, 2001, "Den Befehl /foobar kenne ich nicht.");
    expectMenu(2001);
  });

  it("a 5,000-character message", async () => {
    await stack.telegram.sendText(2001, "a".repeat(5000));
    await waitForText(stack.telegram, 2001, "höchstens 1000 Zeichen");
    expectMenu(2001);
  });

  it("plain text outside a dialogue, in Turkish", async () => {
    await stack.telegram.sendText(2002, "merhaba");
    const answer = await stack.telegram.nextBotMessage(2002);
    expect(plain(answer)).toBe(stack.app.i18n.t("tr", "fallback.text") + "\n\n" + stack.app.i18n.t("tr", "menu.title"));
  });

  it("a forged button is answered, changes nothing, and shows the menu", async () => {
    const menu = expectMenu(2001);
    const before = await stack.app.database.prisma.telegramUser.findUnique({ where: { telegramId: 2001 } });
    const update = await stack.telegram.pressButton(2001, menu?.message_id ?? 0, { forgedData: "offer:accept:cl0000000forged" });
    const queryId = update.callback_query?.id ?? "";
    await stack.telegram.waitFor(() => stack.telegram.callbackAnswer(queryId));
    expect(stack.telegram.callbackAnswer(queryId)?.text).toBe("Dieser Knopf ist nicht mehr gültig.");
    await waitForText(stack.telegram, 2001, "Dieser Knopf ist nicht mehr gültig.");
    const after = await stack.app.database.prisma.telegramUser.findUnique({ where: { telegramId: 2001 } });
    expect(after).toEqual(before);
  });

  it("a language button from an old picker still works and every press is answered", async () => {
    const menu = expectMenu(2001);
    const update = await stack.telegram.pressButton(2001, menu?.message_id ?? 0, { forgedData: "lang:xx" });
    await stack.telegram.waitFor(() => stack.telegram.callbackAnswer(update.callback_query?.id ?? ""));
    // An unknown language is not stored; the picker comes again.
    await stack.telegram.waitFor(() => buttonData(stack.telegram.botMessages(2001).at(-1)).includes("lang:de"));
    const user = await stack.app.database.prisma.telegramUser.findUnique({ where: { telegramId: 2001 } });
    expect(user?.locale).toBe("de");
  });

  it("a request with the wrong webhook secret is refused and not handled", async () => {
    const before = stack.telegram.botMessages(2001).length;
    const update = { update_id: 999_999, message: { message_id: 1, date: 0, chat: { id: 2001, type: "private" }, from: { id: 2001, is_bot: false, first_name: "x" }, text: "/start" } };
    const refused = await fetch(`${stack.url}${TELEGRAM_WEBHOOK_PATH}`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": "wrong" },
      body: JSON.stringify(update),
    });
    expect(refused.status).toBe(401);
    const missing = await fetch(`${stack.url}${TELEGRAM_WEBHOOK_PATH}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(update) });
    expect(missing.status).toBe(401);
    await new Promise((r) => setTimeout(r, 300));
    expect(stack.telegram.botMessages(2001)).toHaveLength(before);
    expect(await stack.app.database.prisma.processedUpdate.count({ where: { updateId: 999_999 } })).toBe(0);
    expect(WEBHOOK_SECRET).not.toBe("wrong");
  });

  it("the same update delivered twice is answered once", async () => {
    const before = stack.telegram.botMessages(2002).length;
    const update = await stack.telegram.sendText(2002, "/help");
    await stack.telegram.deliver(update);
    await stack.telegram.waitFor(() => stack.telegram.botMessages(2002).length > before);
    await new Promise((r) => setTimeout(r, 400));
    expect(stack.telegram.botMessages(2002)).toHaveLength(before + 1);
  });

  it("someone flooding the bot is slowed down and told once; others are not affected", async () => {
    const { telegram } = stack;
    await onboard(telegram, 2003, "de");
    const before = telegram.botMessages(2003).length;
    await Promise.all(Array.from({ length: 50 }, (_, i) => telegram.sendText(2003, `spam ${i}`)));
    await telegram.sendText(2002, "/help");
    await waitForText(telegram, 2002, plain({ text: stack.app.i18n.t("tr", "help.text") } as never).slice(0, 20));
    await new Promise((r) => setTimeout(r, 1500));
    const answers = telegram.botMessages(2003).slice(before);
    const slowDowns = answers.filter((m) => plain(m).includes("Sie schreiben sehr schnell"));
    expect(slowDowns).toHaveLength(1);
    expect(answers.length).toBeLessThanOrEqual(11);
  });
});

describe("operations endpoints", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ queue: "postgres" });
  });
  afterAll(() => stack?.stop());

  it("reports health, readiness of PostgreSQL and the queues, and Prometheus metrics", async () => {
    expect((await fetch(`${stack.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${stack.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: "ready", checks: { postgres: "ok", queues: "ok" } });
    await onboard(stack.telegram, 3001, "en");
    const metrics = await (await fetch(`${stack.url}/metrics`)).text();
    expect(metrics).toMatch(/brb_telegram_updates_total\{outcome="handled"\} [1-9]/);
    expect(metrics).toMatch(/brb_outbound_messages_total\{channel="telegram",outcome="sent"\} [1-9]/);
    expect(metrics).toMatch(/brb_jobs_total\{queue="outbound-telegram",outcome="completed"\} [1-9]/);
    expect(metrics).toContain("brb_process_resident_memory_bytes");
  });

  it("is not ready when PostgreSQL is gone", async () => {
    await stack.app.database.prisma.$executeRawUnsafe(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`,
    );
    await stack.app.database.prisma.$disconnect();
    const ready = await fetch(`${stack.url}/readyz`);
    // Prisma reconnects on demand, so readiness recovers by itself: it must answer, not hang.
    expect([200, 503]).toContain(ready.status);
  });
});
