import { withoutDirectionMarks } from "../../core/i18n.js";
import type { SimMessage, TelegramEmulator } from "../../sim/telegram-api.js";

/** The visible text of a message, without invisible direction marks. */
export const plain = (message: SimMessage | undefined): string => withoutDirectionMarks(message?.text ?? "");

/** Button labels of a message, row by row, without direction marks. */
export const buttons = (message: SimMessage | undefined): string[] =>
  (message?.reply_markup?.inline_keyboard.flat() ?? []).map((b) => withoutDirectionMarks(b.text));

/** Callback data of a message's buttons. */
export const buttonData = (message: SimMessage | undefined): string[] =>
  (message?.reply_markup?.inline_keyboard.flat() ?? []).flatMap((b) => ("callback_data" in b && b.callback_data ? [b.callback_data] : []));

/** Waits until the chat's last bot message (sent or edited) contains `fragment`. */
export async function waitForText(telegram: TelegramEmulator, chatId: number, fragment: string | RegExp, timeoutMs = 5000): Promise<SimMessage> {
  return telegram.waitFor(
    () => {
      const last = telegram.botMessages(chatId).at(-1);
      const text = plain(last);
      return (typeof fragment === "string" ? text.includes(fragment) : fragment.test(text)) ? last : undefined;
    },
    timeoutMs,
    `a bot message in chat ${chatId} matching ${String(fragment)}`,
  );
}
