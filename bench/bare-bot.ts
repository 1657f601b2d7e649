// The baseline of the ingestion benchmark: a bare grammY bot that echoes every text, on the same
// webhook framework (express) and against the same fake Bot API as the product.
import express from "express";
import { Bot, webhookCallback } from "grammy";

const { BARE_PORT = "0", TELEGRAM_API_ROOT = "", TELEGRAM_BOT_TOKEN = "" } = process.env;
const bot = new Bot(TELEGRAM_BOT_TOKEN, {
  client: { apiRoot: TELEGRAM_API_ROOT },
  botInfo: { id: 777000, is_bot: true, first_name: "Bare", username: "bare_bot", can_join_groups: false, can_read_all_group_messages: false, supports_inline_queries: false } as never,
});
bot.on("message:text", (ctx) => ctx.reply(ctx.message.text));
const app = express();
app.post("/telegram/webhook", express.json(), webhookCallback(bot, "express", { secretToken: "bench_webhook_secret" }));
app.get("/readyz", (_req, res) => void res.json({ ready: true }));
const server = app.listen(Number(BARE_PORT), "127.0.0.1", () => {
  const address = server.address();
  console.log(`ready ${typeof address === "object" && address ? address.port : 0}`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
