import { EventEmitter } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type {
  BotCommand,
  BotCommandScope,
  CallbackQuery,
  InlineKeyboardMarkup,
  Message,
  MessageEntity,
  Update,
  User,
  UserFromGetMe,
} from "grammy/types";
import { canonicalMethod, checkCall, type Rule, type Violation } from "./telegram-rules.js";
import { waitForEvent } from "./wait-for.js";

/** A message as the emulator keeps it: what a person would see in the chat right now. */
export type SimMessage = {
  message_id: number;
  chatId: number;
  /** "bot", or the id of the user who wrote it. */
  from: "bot" | number;
  date: number;
  text?: string;
  reply_markup?: InlineKeyboardMarkup;
  kind: "text" | "sticker" | "photo" | "voice" | "document" | "audio" | "video_note" | "location";
  /** How often the bot edited it. */
  edits: number;
  deleted: boolean;
  /** For copies relayed by the bot: the chat and message it came from. */
  copiedFrom?: { chatId: number; messageId: number };
};

/** A Bot API call the bot made, as recorded. */
export type SimCall = { method: string; params: Record<string, unknown>; at: number; status: number };

/** A call that Telegram would refuse (see `sim/telegram-rules.ts`), as the emulator refused it. */
export type TelegramViolation = { method: string; params: Record<string, unknown>; description: string; rule: Rule };

export type TelegramEmulatorOptions = {
  token: string;
  port?: number;
  botUsername?: string;
  /**
   * Limits like Telegram's: messages per second overall and per chat. Over them the emulator answers
   * 429 with `parameters.retry_after`, as Telegram does.
   */
  limits?: { perSecond?: number; perChatPerSecond?: number };
  /**
   * The first update's id (100000 by default). Telegram never hands out an id twice, and the bot remembers the
   * ids it handled for a day: an emulator started again for the same database must not begin where the last began
   * (the demo starts from the clock; see `startDemo`).
   */
  firstUpdateId?: number;
};

type ApiError = { error_code: number; description: string; parameters?: { retry_after?: number } };
class BotApiError extends Error {
  constructor(readonly answer: ApiError) {
    super(answer.description);
  }
}
const badRequest = (description: string) => new BotApiError({ error_code: 400, description: `Bad Request: ${description}` });

const SENDING_METHODS = new Set(["sendMessage", "copyMessage", "sendPhoto", "sendVoice", "sendDocument", "editMessageText", "editMessageReplyMarkup"]);

/**
 * A local Telegram Bot API server for tests and the offline demo. The unmodified bot talks to it
 * through `apiRoot`; tests and the browser simulator act as users through its methods, which produce
 * the real updates (delivered by webhook or long polling, as the bot asks).
 *
 * Protocol details follow the Bot API: `{ ok, result }` or `{ ok: false, error_code, description }`,
 * 401 for a wrong token, 409 for getUpdates while a webhook is set, 429 with `retry_after`, the
 * `X-Telegram-Bot-Api-Secret-Token` header on webhook calls. Every call is first checked against the
 * Bot API's rules (`checkCall`): what Telegram would refuse is answered as Telegram does and recorded
 * in `violations`; a method Telegram has but the emulator does not serve is answered 501.
 */
export class TelegramEmulator extends EventEmitter {
  readonly botInfo: UserFromGetMe;
  readonly calls: SimCall[] = [];
  /**
   * Every call refused because Telegram would refuse it (also emitted as a "violation" event): a test
   * that expects the product to keep Telegram's rules asserts that this stays empty.
   */
  readonly violations: TelegramViolation[] = [];
  /** Every 429 the emulator answered. */
  rateLimited = 0;
  private readonly server: Server;
  private readonly users = new Map<number, User>();
  private readonly chats = new Map<number, SimMessage[]>();
  private readonly commands = new Map<string, BotCommand[]>();
  private readonly descriptions = new Map<string, string>();
  private readonly callbackAnswers = new Map<string, { text?: string; show_alert?: boolean } | "pending">();
  /** The chat of each button press, and the last pop-up the bot answered a press in each chat with. */
  private readonly pressedIn = new Map<string, number>();
  private readonly popups = new Map<number, { queryId: string; text: string; show_alert?: boolean }>();
  private readonly blockedBy = new Set<number>();
  private readonly sentAt: { at: number; chatId: number }[] = [];
  private sendCount = 0;
  private pending: Update[] = [];
  private pollers: (() => void)[] = [];
  private nextUpdateId = 100_000;
  private nextCallbackId = 1;
  private webhook: { url: string; secret?: string } | undefined;
  private balanced: string[] = [];
  private nextTarget = 0;
  private limits: { perSecond?: number; perChatPerSecond?: number };
  private closed = false;

  private constructor(private readonly options: TelegramEmulatorOptions) {
    super();
    this.setMaxListeners(100);
    const botId = Number(options.token.split(":")[0]);
    this.botInfo = {
      id: botId,
      is_bot: true,
      first_name: "Brückenbot",
      username: options.botUsername ?? "brueckenbot_demo_bot",
      can_join_groups: false,
      can_read_all_group_messages: false,
      supports_inline_queries: false,
      can_connect_to_business: false,
      has_main_web_app: false,
      has_topics_enabled: false,
      allows_users_to_create_topics: false,
    } as UserFromGetMe;
    this.limits = options.limits ?? {};
    this.nextUpdateId = options.firstUpdateId ?? this.nextUpdateId;
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  static async start(options: TelegramEmulatorOptions): Promise<TelegramEmulator> {
    const emulator = new TelegramEmulator(options);
    await new Promise<void>((resolve) => emulator.server.listen(options.port ?? 0, "127.0.0.1", resolve));
    return emulator;
  }

  /** The Bot API root to give the bot (`TELEGRAM_API_ROOT`). */
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  setLimits(limits: { perSecond?: number; perChatPerSecond?: number }): void {
    this.limits = limits;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const wake of this.pollers) wake();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---- acting as users ----

  /** Registers (or updates) a person who writes to the bot. */
  user(id: number, profile: { first_name?: string; language_code?: string; username?: string } = {}): User {
    const user: User = { id, is_bot: false, first_name: profile.first_name ?? `User ${id}`, ...profile };
    this.users.set(id, user);
    return user;
  }

  /** The user blocks the bot: sends to them fail with 403, as on Telegram. */
  block(userId: number): void {
    this.blockedBy.add(userId);
  }

  /** The user types and sends a text (a leading /command becomes a bot_command entity). */
  async sendText(userId: number, text: string): Promise<Update> {
    const entities: MessageEntity[] = [];
    const command = /^\/[A-Za-z0-9_]+(@\w+)?/.exec(text);
    if (command) entities.push({ type: "bot_command", offset: 0, length: command[0].length });
    return this.userMessage(userId, { text, ...(entities.length ? { entities } : {}) }, "text");
  }

  async sendSticker(userId: number): Promise<Update> {
    return this.userMessage(
      userId,
      {
        sticker: {
          file_id: this.fileId("sticker"),
          file_unique_id: this.fileId("u"),
          type: "regular",
          width: 512,
          height: 512,
          is_animated: false,
          is_video: false,
          emoji: "👍",
        },
      },
      "sticker",
    );
  }

  async sendPhoto(userId: number, caption?: string): Promise<Update> {
    const size = (w: number) => ({ file_id: this.fileId("photo"), file_unique_id: this.fileId("u"), width: w, height: w, file_size: w * 100 });
    return this.userMessage(userId, { photo: [size(90), size(800)], ...(caption ? { caption } : {}) }, "photo");
  }

  async sendVoice(userId: number, durationSeconds = 4): Promise<Update> {
    return this.userMessage(
      userId,
      { voice: { file_id: this.fileId("voice"), file_unique_id: this.fileId("u"), duration: durationSeconds, mime_type: "audio/ogg" } },
      "voice",
    );
  }

  /** The user sends a file (with its name), a piece of music, a round video, or their location. */
  async sendAttachment(userId: number, kind: "document" | "audio" | "video_note" | "location", fileName = "IMG_2041.jpg"): Promise<Update> {
    const file = { file_id: this.fileId(kind), file_unique_id: this.fileId("u") };
    const content: Partial<Message> =
      kind === "document"
        ? { document: { ...file, file_name: fileName, mime_type: "image/jpeg" } }
        : kind === "audio"
          ? { audio: { ...file, duration: 60, file_name: fileName } }
          : kind === "video_note"
            ? { video_note: { ...file, length: 240, duration: 5 } }
            : { location: { latitude: 51.755, longitude: 8.041 } };
    return this.userMessage(userId, content, kind);
  }

  /**
   * Puts a bot message into a chat as if the bot had sent it earlier: benchmarks start many people in the
   * middle of a dialogue without playing every step through the bot.
   */
  plantBotMessage(chatId: number, text: string, reply_markup?: InlineKeyboardMarkup): SimMessage {
    return this.append(chatId, { from: "bot", kind: "text", text, ...(reply_markup ? { reply_markup } : {}) });
  }

  /**
   * The user presses an inline button of a bot message, found by its callback data or its label.
   * Pass `forgedData` to press a button that the message does not have (a forged or outdated one).
   */
  async pressButton(userId: number, messageId: number, button: { data?: string; label?: string | RegExp; forgedData?: string }): Promise<Update> {
    const message = this.message(userId, messageId);
    if (!message) throw new Error(`chat ${userId} has no message ${messageId}`);
    let data = button.forgedData;
    if (data === undefined) {
      const found = message.reply_markup?.inline_keyboard
        .flat()
        .find((b) =>
          "callback_data" in b
            ? button.data !== undefined
              ? b.callback_data === button.data
              : button.label instanceof RegExp
                ? button.label.test(b.text)
                : b.text.replace(/[\u2066-\u2069\u200e\u200f]/g, "") === button.label
            : false,
        );
      if (!found || !("callback_data" in found)) throw new Error(`message ${messageId} has no button ${JSON.stringify(button)}`);
      data = found.callback_data;
    }
    const id = String(this.nextCallbackId++);
    this.callbackAnswers.set(id, "pending");
    this.pressedIn.set(id, userId);
    const query: CallbackQuery = {
      id,
      from: this.userOf(userId),
      chat_instance: `ci-${userId}`,
      data,
      message: this.asTelegramMessage(message) as CallbackQuery["message"],
    };
    return this.deliver({ update_id: this.nextUpdateId++, callback_query: query });
  }

  /**
   * Spreads webhook deliveries over several URLs in turn, as a load balancer in front of several
   * processes of the bot would (the scale-out benchmark). An empty list goes back to the one webhook.
   */
  balanceWebhook(urls: string[]): void {
    this.balanced = urls;
  }

  /**
   * How many times each update is delivered, all at once (a redelivery racing the first delivery, as after
   * a timeout at Telegram's side); 1 normally.
   */
  deliveriesPerUpdate = 1;
  /** Webhook deliveries that failed (5xx, no connection) and wait to be tried again, as Telegram does. */
  private redeliveries = 0;

  /** Updates whose webhook delivery failed and will be tried again. */
  get webhookBacklog(): number {
    return this.redeliveries;
  }

  /**
   * Delivers an update as Telegram would: to the webhook if one is set, else to getUpdates. A webhook that
   * answers 5xx or cannot be reached gets the update again later, with growing pauses, as from Telegram.
   */
  async deliver(update: Update): Promise<Update> {
    const copies = Math.max(1, this.deliveriesPerUpdate);
    if (this.webhook) {
      const webhook = this.webhook;
      const url = this.balanced.length > 0 ? (this.balanced[this.nextTarget++ % this.balanced.length] ?? webhook.url) : webhook.url;
      await Promise.all(Array.from({ length: copies }, () => this.postUpdate(url, webhook.secret, update, 0)));
    } else {
      for (let i = 0; i < copies; i++) this.pending.push(update);
      for (const wake of this.pollers.splice(0)) wake();
    }
    return update;
  }

  private async postUpdate(url: string, secret: string | undefined, update: Update, attempt: number): Promise<void> {
    let status = 0;
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", ...(secret ? { "x-telegram-bot-api-secret-token": secret } : {}) },
        body: JSON.stringify(update),
      });
      await response.arrayBuffer();
      status = response.status;
    } catch {
      status = 0; // no connection: the bot is down or restarting
    }
    this.emit("webhook", { update_id: update.update_id, status });
    if ((status !== 0 && status < 500) || this.closed || attempt >= 30) return;
    this.redeliveries++;
    setTimeout(() => {
      this.redeliveries--;
      if (!this.closed) void this.postUpdate(url, secret, update, attempt + 1);
    }, Math.min(200 * 2 ** attempt, 3000)).unref();
  }

  // ---- what the bot did ----

  /** All messages of a chat, the user's and the bot's, in order. */
  messages(chatId: number): SimMessage[] {
    return this.chats.get(chatId) ?? [];
  }

  botMessages(chatId: number): SimMessage[] {
    return this.messages(chatId).filter((m) => m.from === "bot" && !m.deleted);
  }

  message(chatId: number, messageId: number): SimMessage | undefined {
    return this.messages(chatId).find((m) => m.message_id === messageId);
  }

  /** How the bot answered a button press (undefined while unanswered). */
  callbackAnswer(queryId: string): { text?: string; show_alert?: boolean } | undefined {
    const answer = this.callbackAnswers.get(queryId);
    return answer === "pending" ? undefined : answer;
  }

  /**
   * The last pop-up a chat was shown: the text the bot answered a button press with (Telegram shows it over
   * the chat for a moment). The browser simulator shows it the same way.
   */
  popup(chatId: number): { queryId: string; text: string; show_alert?: boolean } | undefined {
    return this.popups.get(chatId);
  }

  /** The user deletes one of their own messages: it is gone from their chat (the bot is not told, as on Telegram). */
  retract(chatId: number, messageId: number): void {
    const message = this.message(chatId, messageId);
    if (!message || message.from !== chatId) throw new Error(`chat ${chatId} has no message ${messageId} of its user`);
    message.deleted = true;
    this.emit("user", { chatId });
  }

  /** The command menu registered for a language ("" for the default one), for everyone or for one chat. */
  commandsFor(languageCode: string, chatId?: number): BotCommand[] | undefined {
    return this.commands.get(commandsKey(chatId === undefined ? undefined : { type: "chat", chat_id: chatId }, languageCode));
  }

  /** The bot's description or short description for a language ("" for the default one). */
  descriptionFor(kind: "description" | "short_description", languageCode = ""): string | undefined {
    return this.descriptions.get(`${kind}|${languageCode}`);
  }

  /** How many sends were accepted since the emulator started (a count that only grows). */
  get sendsAccepted(): number {
    return this.sendCount;
  }

  /** Times (ms) at which sends were accepted in the last minute (older ones are let go), for pacing checks. */
  acceptedSends(): readonly { at: number; chatId: number }[] {
    return this.sentAt;
  }

  /**
   * Waits until `check` returns something (checked on every bot action), or fails after `timeoutMs`.
   *
   * @example
   * const menu = await emulator.waitFor(() => emulator.botMessages(42).find(m => m.text?.includes("Menü")));
   */
  async waitFor<T>(check: () => T | undefined | false | null, timeoutMs = 5000, what = "the expected bot action"): Promise<T> {
    return waitForEvent(this, "action", check, timeoutMs, what);
  }

  /** Waits for the next new bot message in a chat after the ones already there. */
  async nextBotMessage(chatId: number, timeoutMs = 5000): Promise<SimMessage> {
    const seen = this.botMessages(chatId).length;
    return this.waitFor(() => this.botMessages(chatId)[seen], timeoutMs, `a bot message in chat ${chatId}`);
  }

  // ---- the Bot API ----

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://localhost");
    const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(url.pathname);
    if (!match) return this.answer(res, 404, { ok: false, error_code: 404, description: "Not Found" });
    const [, token, method = ""] = match;
    if (token !== this.options.token) return this.answer(res, 401, { ok: false, error_code: 401, description: "Unauthorized" });
    let params: Record<string, unknown>;
    try {
      params = { ...Object.fromEntries(url.searchParams), ...(await readBody(req)) };
    } catch {
      return this.answer(res, 400, { ok: false, error_code: 400, description: "Bad Request: can't parse request body" });
    }
    const call: SimCall = { method, params, at: Date.now(), status: 200 };
    this.calls.push(call);
    const violation = checkCall(method, params);
    if (violation) return this.refuse(res, call, violation);
    const name = canonicalMethod(method) ?? method;
    let sent: { at: number; chatId: number } | undefined;
    try {
      if (SENDING_METHODS.has(name)) {
        this.checkLimits(Number(params.chat_id));
        // Counted from the moment it arrived, as a sliding limit counts: a send arriving while this one is
        // still being answered sees it.
        sent = { at: Date.now(), chatId: Number(params.chat_id) };
        this.sentAt.push(sent);
      }
      const result = await this.call(name, params);
      this.answer(res, 200, { ok: true, result });
      if (sent) this.sendCount++;
      this.emit("action", call);
    } catch (error) {
      const unsent = sent ? this.sentAt.indexOf(sent) : -1;
      if (unsent >= 0) this.sentAt.splice(unsent, 1);
      const answer: ApiError =
        error instanceof BotApiError ? error.answer : { error_code: 500, description: `Internal Server Error: ${String(error)}` };
      call.status = answer.error_code;
      if (answer.error_code === 429) this.rateLimited++;
      this.answer(res, answer.error_code, { ok: false, ...answer });
      this.emit("action", call);
    }
  }

  private refuse(res: ServerResponse, call: SimCall, violation: Violation): void {
    call.status = violation.status;
    const recorded: TelegramViolation = { method: call.method, params: call.params, description: violation.description, rule: violation.rule };
    this.violations.push(recorded);
    this.emit("violation", recorded);
    this.answer(res, violation.status, { ok: false, error_code: violation.status, description: violation.description });
    this.emit("action", call);
  }

  private answer(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
  }

  private checkLimits(chatId: number): void {
    const now = Date.now();
    while (this.sentAt.length > 0 && (this.sentAt[0]?.at ?? now) < now - 60_000) this.sentAt.shift();
    if (this.limits.perSecond === undefined && this.limits.perChatPerSecond === undefined) return;
    const lastSecond = this.sentAt.filter((s) => s.at > now - 1000);
    const tooMany = (limit: number | undefined, sends: { at: number }[]) => {
      if (limit === undefined || sends.length < limit) return;
      const oldest = sends[sends.length - limit]?.at ?? now;
      const retryAfter = Math.max(1, Math.ceil((oldest + 1000 - now) / 1000));
      throw new BotApiError({ error_code: 429, description: `Too Many Requests: retry after ${retryAfter}`, parameters: { retry_after: retryAfter } });
    };
    tooMany(this.limits.perSecond, lastSecond);
    tooMany(this.limits.perChatPerSecond, lastSecond.filter((s) => s.chatId === chatId));
  }

  private async call(method: string, p: Record<string, unknown>): Promise<unknown> {
    switch (method) {
      case "getMe":
        return this.botInfo;
      case "logOut":
      case "close":
        return true;
      case "setWebhook": {
        const url = String(p.url ?? "");
        if (url === "") {
          this.webhook = undefined;
          return true;
        }
        this.webhook = { url, ...(p.secret_token ? { secret: String(p.secret_token) } : {}) };
        return true;
      }
      case "deleteWebhook":
        this.webhook = undefined;
        if (p.drop_pending_updates === true || p.drop_pending_updates === "true") this.pending = [];
        return true;
      case "getWebhookInfo":
        return { url: this.webhook?.url ?? "", has_custom_certificate: false, pending_update_count: this.pending.length };
      case "getUpdates":
        return this.getUpdates(p);
      case "setMyCommands": {
        // As TDLib stores them: trimmed, without a leading slash.
        const commands = (parseJson<BotCommand[]>(p.commands) ?? []).map((c) => ({
          command: c.command.trim().replace(/^\//, ""),
          description: c.description.trim(),
        }));
        this.commands.set(commandsKey(parseJson<BotCommandScope>(p.scope), p.language_code), commands);
        return true;
      }
      case "getMyCommands":
        return this.commands.get(commandsKey(parseJson<BotCommandScope>(p.scope), p.language_code)) ?? [];
      case "deleteMyCommands":
        this.commands.delete(commandsKey(parseJson<BotCommandScope>(p.scope), p.language_code));
        return true;
      case "setMyDescription":
      case "setMyShortDescription": {
        const kind = method === "setMyDescription" ? "description" : "short_description";
        this.descriptions.set(`${kind}|${String(p.language_code ?? "")}`, String(p[kind] ?? ""));
        return true;
      }
      case "getMyDescription":
        return { description: this.descriptionFor("description", String(p.language_code ?? "")) ?? "" };
      case "getMyShortDescription":
        return { short_description: this.descriptionFor("short_description", String(p.language_code ?? "")) ?? "" };
      case "sendChatAction":
        this.chatOf(p.chat_id);
        return true;
      case "sendMessage":
        return this.sendMessage(p);
      case "copyMessage":
        return this.copyMessage(p);
      case "editMessageText":
      case "editMessageReplyMarkup":
        return this.editMessage(method, p);
      case "deleteMessage": {
        const message = this.message(this.chatOf(p.chat_id), Number(p.message_id));
        if (!message || message.deleted) throw badRequest("message to delete not found");
        message.deleted = true;
        return true;
      }
      case "answerCallbackQuery": {
        const id = String(p.callback_query_id ?? "");
        if (this.callbackAnswers.get(id) !== "pending") {
          throw badRequest("query is too old and response timeout expired or query ID is invalid");
        }
        this.callbackAnswers.set(id, {
          ...(p.text !== undefined ? { text: String(p.text) } : {}),
          ...(p.show_alert !== undefined ? { show_alert: Boolean(p.show_alert) } : {}),
        });
        const chatId = this.pressedIn.get(id);
        if (chatId !== undefined && p.text) this.popups.set(chatId, { queryId: id, text: String(p.text), ...(p.show_alert ? { show_alert: true } : {}) });
        return true;
      }
      default:
        // A method of the Bot API (checkCall knows it) that the emulator does not serve.
        throw new BotApiError({ error_code: 501, description: `Not Implemented: the emulator does not serve ${method}` });
    }
  }

  private async getUpdates(p: Record<string, unknown>): Promise<Update[]> {
    if (this.webhook) throw new BotApiError({ error_code: 409, description: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first" });
    const offset = Number(p.offset ?? 0);
    if (offset > 0) this.pending = this.pending.filter((u) => u.update_id >= offset);
    const limit = Math.min(Number(p.limit ?? 100), 100);
    const timeoutMs = Math.min(Number(p.timeout ?? 0), 50) * 1000;
    if (this.pending.length === 0 && timeoutMs > 0 && !this.closed) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        this.pollers.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.pending.slice(0, limit);
  }

  private sendMessage(p: Record<string, unknown>): Message {
    const chatId = this.chatOf(p.chat_id);
    const text = String(p.text ?? "");
    const markup = parseJson<InlineKeyboardMarkup>(p.reply_markup);
    return this.asTelegramMessage(this.append(chatId, { from: "bot", kind: "text", text, ...(markup ? { reply_markup: markup } : {}) }));
  }

  private copyMessage(p: Record<string, unknown>): { message_id: number } {
    const chatId = this.chatOf(p.chat_id);
    const fromChatId = Number(p.from_chat_id);
    const original = this.message(fromChatId, Number(p.message_id));
    if (!original || original.deleted) throw badRequest("message to copy not found");
    const caption = p.caption !== undefined ? String(p.caption) : undefined;
    const markup = parseJson<InlineKeyboardMarkup>(p.reply_markup);
    const copy = this.append(chatId, {
      from: "bot",
      kind: original.kind,
      ...(original.text !== undefined || caption !== undefined ? { text: caption ?? original.text } : {}),
      ...(markup ? { reply_markup: markup } : {}),
      copiedFrom: { chatId: fromChatId, messageId: original.message_id },
    });
    return { message_id: copy.message_id };
  }

  private editMessage(method: string, p: Record<string, unknown>): Message {
    const chatId = this.chatOf(p.chat_id);
    const message = this.message(chatId, Number(p.message_id));
    if (!message || message.deleted || message.from !== "bot") throw badRequest("message to edit not found");
    const markup = parseJson<InlineKeyboardMarkup>(p.reply_markup);
    const text = method === "editMessageText" ? String(p.text ?? "") : message.text;
    const sameText = text === message.text;
    const sameMarkup = JSON.stringify(markup ?? null) === JSON.stringify(message.reply_markup ?? null);
    if (sameText && sameMarkup) {
      throw badRequest("message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message");
    }
    if (text !== undefined) message.text = text;
    if (markup) message.reply_markup = markup;
    else delete message.reply_markup;
    message.edits++;
    return this.asTelegramMessage(message);
  }

  // ---- helpers ----

  private async userMessage(userId: number, content: Partial<Message>, kind: SimMessage["kind"]): Promise<Update> {
    const from = this.userOf(userId);
    const stored = this.append(userId, {
      from: userId,
      kind,
      ...(content.text !== undefined ? { text: content.text } : content.caption !== undefined ? { text: content.caption } : {}),
    });
    const message = {
      message_id: stored.message_id,
      from,
      chat: { id: userId, type: "private", first_name: from.first_name },
      date: stored.date,
      ...content,
    } as Update["message"];
    this.emit("user", { chatId: userId });
    return this.deliver({ update_id: this.nextUpdateId++, ...(message ? { message } : {}) });
  }

  private append(chatId: number, fields: Omit<SimMessage, "message_id" | "chatId" | "date" | "edits" | "deleted">): SimMessage {
    const chat = this.chats.get(chatId) ?? [];
    this.chats.set(chatId, chat);
    const message: SimMessage = {
      message_id: (chat.at(-1)?.message_id ?? 0) + 1,
      chatId,
      date: Math.floor(Date.now() / 1000),
      edits: 0,
      deleted: false,
      ...fields,
    };
    chat.push(message);
    return message;
  }

  private chatOf(value: unknown): number {
    const chatId = Number(value);
    if (!Number.isSafeInteger(chatId) || !this.users.has(chatId)) throw badRequest("chat not found");
    if (this.blockedBy.has(chatId)) throw new BotApiError({ error_code: 403, description: "Forbidden: bot was blocked by the user" });
    return chatId;
  }

  private userOf(userId: number): User {
    return this.users.get(userId) ?? this.user(userId);
  }

  private asTelegramMessage(m: SimMessage): Message {
    const user = typeof m.from === "number" ? this.userOf(m.from) : undefined;
    return {
      message_id: m.message_id,
      date: m.date,
      chat: { id: m.chatId, type: "private", first_name: this.userOf(m.chatId).first_name },
      from: user ?? this.botInfo,
      ...(m.text !== undefined ? { text: m.text } : {}),
      ...(m.reply_markup ? { reply_markup: m.reply_markup } : {}),
    } as Message;
  }

  private fileId(kind: string): string {
    return `${kind}-${Math.random().toString(36).slice(2, 12)}`;
  }
}

/** Where a command menu applies: a scope (everyone, or one chat) and a language. */
function commandsKey(scope: BotCommandScope | undefined, languageCode: unknown): string {
  const chat = scope && "chat_id" in scope ? `:${scope.chat_id}` : "";
  const user = scope && "user_id" in scope ? `:${scope.user_id}` : "";
  return `${scope?.type ?? "default"}${chat}${user}|${String(languageCode ?? "")}`;
}

function parseJson<T>(value: unknown): T | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value !== "string") return value as T;
  return JSON.parse(value) as T;
}

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks).toString("utf8");
  if (raw === "") return {};
  const type = req.headers["content-type"] ?? "";
  if (type.includes("application/json")) return JSON.parse(raw) as Record<string, unknown>;
  if (type.includes("application/x-www-form-urlencoded")) return Object.fromEntries(new URLSearchParams(raw));
  throw new Error(`unsupported content type ${type}`);
}
