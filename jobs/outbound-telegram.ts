import { DelayedError, Worker, type Job, type Queue } from "bullmq";
import { GrammyError, HttpError, type Api } from "grammy";
import type { InlineKeyboardButton, InlineKeyboardMarkup } from "grammy/types";
import type { I18n } from "../core/i18n.js";
import type { Core } from "../core/index.js";
import type { Logger } from "../ops/log.js";
import type { Metrics } from "../ops/metrics.js";
import { splitText, TELEGRAM_TEXT_MAX } from "../core/long-text.js";
import { renderLabel, type ButtonAction, type Keyboard, type Label } from "../core/messages.js";
import type { ClaimedMessage } from "../core/outbox-sending.js";
import type { TelegramIntent, TelegramText } from "../core/outbox.js";
import { backoffMs, isOutage } from "../ops/outage.js";
import type { Queues } from "./connection.js";

/** Every message the Telegram bot sends goes through this queue. */
export const OUTBOUND_TELEGRAM = "outbound-telegram";

/** Only the outbox row's id: the text stays in PostgreSQL. */
export type OutboundJob = { outboxId: string };

/** Job ids from outbox ids: a row is queued at most once while its job exists. */
export const outboundJobId = (outboxId: bigint) => `tg-${outboxId}`;

const SEND_OPTIONS = { attempts: 10, backoff: { type: "exponential", delay: 1000 }, removeOnComplete: true, removeOnFail: { age: 7 * 24 * 3600 } } as const;

export async function enqueueOutboundTelegram(queue: Queue<OutboundJob>, ids: bigint[]): Promise<void> {
  const [first] = ids;
  if (first === undefined) return;
  // Most updates send one message: a single add is less than half the work of a bulk add.
  if (ids.length === 1) {
    await queue.add("send", { outboxId: String(first) }, { ...SEND_OPTIONS, jobId: outboundJobId(first) });
    return;
  }
  await queue.addBulk(ids.map((id) => ({ name: "send", data: { outboxId: String(id) }, opts: { ...SEND_OPTIONS, jobId: outboundJobId(id) } })));
}

/** Turns what a button asks for into Telegram callback data (the Telegram layer's codec). */
export type EncodeAction = (action: ButtonAction) => string;

export type OutboundTelegramDeps = {
  core: Core;
  encode: EncodeAction;
  queues: Queues;
  api: Api;
  i18n: I18n;
  log: Logger;
  metrics: Metrics;
  /** Telegram's overall limit (about 30 messages a second) and the pause between two messages to one chat. */
  limits: { messagesPerSecond: number; chatIntervalMs: number };
  /** Command menus given to single chats, by name. */
  commandSets: Record<string, readonly string[]>;
  concurrency?: number;
};

/**
 * Starts the sender: it takes each chat's messages in order, keeps to Telegram's overall and per-chat
 * limits, honours `retry_after` on 429, and records what was sent so that nothing goes out twice.
 */
export function startOutboundTelegram(deps: OutboundTelegramDeps): Worker<OutboundJob> {
  const pace = { leaseMs: 30_000, intervalMs: deps.limits.chatIntervalMs };
  const window = slidingWindow(deps.limits.messagesPerSecond, 1000);
  const worker: Worker<OutboundJob> = deps.queues.worker<OutboundJob>(
    OUTBOUND_TELEGRAM,
    async (job: Job<OutboundJob>, token?: string) => {
      const outboxId = BigInt(job.data.outboxId);
      const claim = await deps.core.outbox.claimNext(outboxId, pace);
      if (claim.kind === "done") return;
      if (claim.kind === "wait") return retryAt(job, Date.now() + claim.ms, token);

      const { message } = claim;
      const intent = message.payload as TelegramIntent;
      if (message.orphaned && !resendable(intent)) {
        // Its sender died between taking it and recording the outcome: it may have reached the chat already.
        await deps.core.outbox.markFailed(message.id, "the sender stopped while sending; a relayed message is not sent twice");
        deps.metrics.outbound.inc({ channel: "telegram", outcome: "uncertain" });
        deps.log.warn({ outboxId: String(message.id) }, "relayed message not sent again after a crash");
        return message.id === outboxId ? undefined : retryAt(job, Date.now(), token);
      }
      if (message.orphaned) {
        // At most one per chat per crash (a chat has one message in flight at a time), and each one is told.
        deps.metrics.outbound.inc({ channel: "telegram", outcome: "resent_after_crash" });
        deps.log.warn({ outboxId: String(message.id) }, "sending again after its sender stopped: the chat may get it twice");
      }
      let sentRef: string | undefined;
      try {
        sentRef = await deliver(deps, message, window.send);
      } catch (error) {
        await settleFailure(deps, { worker, window }, message, intent, error);
        return message.id === outboxId ? undefined : retryAt(job, Date.now(), token);
      }
      // Telegram has it: from here on only the record is missing, and a crash now sends it again.
      await recordSent(deps, message, intent, sentRef);
      deps.metrics.outbound.inc({ channel: "telegram", outcome: "sent" });
      // An earlier message of the same chat went first; this job comes back for its own.
      if (message.id !== outboxId) return retryAt(job, Date.now(), token);
    },
    {
      concurrency: deps.concurrency ?? 16,
      limiter: sendingPace(deps.limits.messagesPerSecond),
      // A send whose process died is taken up again after about 25 s (its chat's lease, 30 s, decides when it
      // goes out), not after BullMQ's default 30 s lock plus 30 s stall check.
      lockDuration: 15_000,
      stalledInterval: 10_000,
    },
  );
  return worker;
}

/**
 * Whether a message may go out again when its sender died before recording it (at least once), or must
 * not (at most once). An offer, a reminder, an answer: better twice than never, and a doubled offer is
 * harmless (the second Accept finds it taken). Edits and command menus: sending again changes nothing.
 * A relayed message (a copy of what one person wrote to the other) is personal: at most once.
 */
export function resendable(intent: TelegramIntent): boolean {
  return intent.kind !== "copy";
}

/** The outcome of a failed send: put back for later, refused for good, or (Telegram busy) retried after its pause. */
async function settleFailure(
  deps: OutboundTelegramDeps,
  { worker, window }: { worker: Worker<OutboundJob>; window: { pause: (ms: number) => void } },
  message: ClaimedMessage,
  intent: TelegramIntent,
  error: unknown,
): Promise<void> {
  if (error instanceof GrammyError && error.error_code === 429) {
    const retryAfterMs = (error.parameters.retry_after ?? 1) * 1000;
    window.pause(retryAfterMs);
    await deps.core.outbox.release(message.id);
    deps.metrics.outbound.inc({ channel: "telegram", outcome: "rate_limited" });
    deps.log.warn({ retryAfterMs }, "telegram asked to slow down");
    await worker.rateLimit(retryAfterMs);
    throw Worker.RateLimitError();
  }
  if (error instanceof GrammyError && isNotModified(error)) {
    await recordSent(deps, message, intent, undefined);
    return;
  }
  if (error instanceof GrammyError && error.error_code >= 400 && error.error_code < 500) {
    // Blocked bot, deleted chat, a message gone: retrying cannot help.
    await deps.core.outbox.markFailed(message.id, error.description);
    deps.metrics.outbound.inc({ channel: "telegram", outcome: "failed" });
    deps.log.warn({ outboxId: String(message.id), code: error.error_code, reason: error.description }, "telegram refused a message");
    return;
  }
  if (error instanceof HttpError && !resendable(intent) && !surelyUnsent(error)) {
    // The connection broke while Telegram may have been taking it: a relayed message is not risked twice.
    await deps.core.outbox.markFailed(message.id, `unknown outcome: ${error.message}`);
    deps.metrics.outbound.inc({ channel: "telegram", outcome: "uncertain" });
    deps.log.warn({ outboxId: String(message.id) }, "relayed message not sent again: Telegram may have it");
    return;
  }
  await deps.core.outbox.release(message.id);
  throw error instanceof HttpError ? new Error(`telegram unreachable: ${error.message}`) : error;
}

/** A connection that was never made: the request cannot have reached Telegram. */
function surelyUnsent(error: HttpError): boolean {
  const code = (error.error as { code?: unknown } | undefined)?.code ?? (error.error as { cause?: { code?: unknown } } | undefined)?.cause?.code;
  return code === "ECONNREFUSED" || code === "ENOTFOUND" || code === "EAI_AGAIN";
}

/** Gives up recording a delivered message after this long without the database; its lease then runs out and it is sent again. */
const RECORD_PATIENCE_MS = 25_000;

/**
 * Records a delivered message, through an outage of the database too: putting it back instead would send
 * it again at once. Only a crash, or an outage longer than the lease, can still send it twice.
 */
async function recordSent(deps: OutboundTelegramDeps, message: ClaimedMessage, intent: TelegramIntent, sentRef: string | undefined): Promise<void> {
  const since = performance.now();
  for (let attempt = 1; ; attempt++) {
    try {
      if ("forget" in intent && intent.forget) await deps.core.outbox.forgetSent(message.id);
      else await deps.core.outbox.markSent(message.id, sentRef);
      return;
    } catch (error) {
      if (!isOutage(error) || performance.now() - since > RECORD_PATIENCE_MS) throw error;
      if (attempt === 1) deps.log.warn({ outboxId: String(message.id), err: error }, "message sent, database unreachable: recording it as soon as it answers");
      await new Promise((resolve) => setTimeout(resolve, backoffMs(attempt)));
    }
  }
}

/** How much later than its window's start a message may reach Telegram without breaking the limit. */
const JITTER_MS = 30;

/**
 * The queue's rate limit for a platform limit of `messagesPerSecond`: `max` messages per window of
 * `duration` ms. Fixed one-second windows would allow twice the rate across a window boundary, which a
 * sliding limit like Telegram's answers with 429; short windows cannot. Any second (plus the jitter)
 * touches at most limit / max windows. A few messages per window rather than one spread the queue's
 * scheduling overhead; among the window sizes up to 6 the fastest safe one is taken, the smaller on a
 * tie (30 a second: 3 per 103 ms, 29.1 a second).
 */
export function sendingPace(messagesPerSecond: number): { max: number; duration: number } {
  let best = { max: 1, duration: Math.ceil(1000 + JITTER_MS) };
  for (let max = 1; max <= Math.min(6, messagesPerSecond); max++) {
    const duration = Math.ceil((1000 + JITTER_MS) / Math.floor(messagesPerSecond / max));
    if (max / duration > best.max / best.duration) best = { max, duration };
  }
  return best;
}

/** How long the sends after an unanswered call wait for its answer before they count it from then. */
const ANSWER_WAIT_MS = 5000;

/** Runs one call to Telegram in its turn under the overall limit. */
export type Paced = <T>(call: () => Promise<T>) => Promise<T>;

/**
 * At most `limit` sends in any `windowMs`, counted in this process. The queue's limiter spaces the jobs,
 * but a job slow to reach its send (a busy CPU, a slow claim) could otherwise arrive together with the
 * next window's and earn a 429; this holds it back instead. A send counts from the moment Telegram
 * answered it, not from when it left: Telegram received it by then at the latest, so a send `limit`
 * places later, leaving a window after that answer, reaches Telegram more than a window after it however
 * long either spent on the way (counted from leaving, one delayed by 30 ms more than the one `limit`
 * places after it was enough for a 429). After a 429, `pause` holds back every send of this process for
 * Telegram's `retry_after`, those already past the queue's limiter too (they would otherwise go out at
 * once and earn the next 429).
 */
export function slidingWindow(limit: number, windowMs: number, answerWaitMs = ANSWER_WAIT_MS): { send: Paced; pause: (ms: number) => void } {
  type Slot = { answeredAt: number | undefined; answered: Promise<void> };
  const recent: Slot[] = [];
  let pausedUntil = 0;
  let turn = Promise.resolve();
  const admit = async (slot: Slot) => {
    for (;;) {
      const before = recent.length >= limit ? recent[recent.length - limit] : undefined;
      if (before && before.answeredAt === undefined) {
        // A call that hangs (a connection gone silent) holds back the sends after it only so long; then it
        // counts from now, and should Telegram get it later still, its 429 is honoured as any other.
        await new Promise<void>((resolve) => {
          const late = setTimeout(resolve, answerWaitMs);
          void before.answered.then(() => {
            clearTimeout(late);
            resolve();
          });
        });
        before.answeredAt ??= performance.now();
        continue;
      }
      // Timers may fire a fraction of a millisecond early: look again after each wait.
      const wait = Math.max(pausedUntil, before?.answeredAt === undefined ? -Infinity : before.answeredAt + windowMs) - performance.now();
      if (wait <= 0) break;
      await new Promise((resolve) => setTimeout(resolve, Math.ceil(wait)));
    }
    recent.push(slot);
    if (recent.length > limit) recent.shift();
  };
  return {
    send: async <T>(call: () => Promise<T>): Promise<T> => {
      let answered = () => {};
      const slot: Slot = { answeredAt: undefined, answered: new Promise<void>((resolve) => (answered = resolve)) };
      // One send at a time through the check, in the order they asked.
      const admitted = turn.then(() => admit(slot));
      turn = admitted;
      await admitted;
      try {
        return await call();
      } finally {
        slot.answeredAt = performance.now();
        answered();
      }
    },
    pause: (ms: number) => {
      pausedUntil = Math.max(pausedUntil, performance.now() + ms);
    },
  };
}

async function retryAt(job: Job, timestamp: number, token: string | undefined): Promise<never> {
  await job.moveToDelayed(timestamp, token);
  throw new DelayedError();
}

function isNotModified(error: GrammyError): boolean {
  return error.error_code === 400 && error.description.includes("message is not modified");
}

/**
 * Sends one outbox row, each call to Telegram in its turn under the overall limit (`paced`). A text
 * longer than Telegram takes goes out in several messages, the buttons under the last one (its id is the
 * row's reference for later edits).
 */
async function deliver(deps: OutboundTelegramDeps, message: ClaimedMessage, paced: Paced): Promise<string | undefined> {
  const intent = message.payload as TelegramIntent;
  const chatId = Number(message.recipient);
  if (intent.kind === "commands" && intent.set === "default") {
    // Back to the menu everyone has (a suspended volunteer): the chat's own menu goes.
    await paced(() => deps.api.deleteMyCommands({ scope: { type: "chat", chat_id: chatId } }));
    return undefined;
  }
  if (intent.kind === "commands") {
    const names = deps.commandSets[intent.set] ?? [];
    const commands = names.map((command) => ({ command, description: deps.i18n.t(intent.locale, `commands.${command}`) }));
    await paced(() => deps.api.setMyCommands(commands, { scope: { type: "chat", chat_id: chatId } }));
    return undefined;
  }
  if (intent.kind === "copy") {
    const markup = intent.keyboard ? { reply_markup: { inline_keyboard: renderKeyboard(deps.i18n, deps.encode, intent.locale, intent.keyboard) } } : {};
    const copied = await paced(() => deps.api.copyMessage(chatId, intent.fromChatId, intent.messageId, markup));
    return String(copied.message_id);
  }
  const { text, reply_markup } = renderTelegram(deps.i18n, deps.encode, intent);
  const [first = "", ...more] = splitText(text, TELEGRAM_TEXT_MAX);
  const plain = { link_preview_options: { is_disabled: true } };
  const withButtons = { ...plain, ...(reply_markup ? { reply_markup } : {}) };
  const firstOptions = more.length === 0 ? withButtons : plain;
  let ref: string | undefined;
  switch (intent.kind) {
    case "send":
      ref = String((await paced(() => deps.api.sendMessage(chatId, first, firstOptions))).message_id);
      break;
    case "edit":
      await paced(() => deps.api.editMessageText(chatId, intent.messageId, first, firstOptions));
      ref = String(intent.messageId);
      break;
    case "editSent": {
      const sent = await deps.core.outbox.sentRefOf(BigInt(intent.outboxId));
      // The original was never delivered (a blocked chat): there is nothing to edit.
      if (sent === undefined) return undefined;
      await paced(() => deps.api.editMessageText(chatId, Number(sent), first, firstOptions));
      ref = sent;
      break;
    }
  }
  for (const [i, piece] of more.entries()) {
    ref = String((await paced(() => deps.api.sendMessage(chatId, piece, i === more.length - 1 ? withButtons : plain))).message_id);
  }
  return ref;
}

/**
 * Turns a message intent into Telegram's text and inline keyboard, in the intent's language.
 *
 * @example
 * renderTelegram(i18n, { locale: "de", parts: [{ key: "menu.title" }] }).text;
 */
export function renderTelegram(i18n: I18n, encode: EncodeAction, intent: TelegramText): { text: string; reply_markup?: InlineKeyboardMarkup } {
  const text = intent.parts.map((part: Label) => renderLabel(i18n, intent.locale, part)).join("\n\n");
  return intent.keyboard ? { text, reply_markup: { inline_keyboard: renderKeyboard(i18n, encode, intent.locale, intent.keyboard) } } : { text };
}

function renderKeyboard(i18n: I18n, encode: EncodeAction, locale: TelegramText["locale"], keyboard: Keyboard): InlineKeyboardButton[][] {
  return keyboard.map((row) =>
    row.map((button) => {
      const text = renderLabel(i18n, locale, button);
      if ("url" in button) return { text, url: button.url };
      return { text, callback_data: "action" in button ? encode(button.action) : button.data };
    }),
  );
}
