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

/**
 * Takes a person through /start, the language picker and the privacy notice, as they would tap it.
 * Returns the menu message.
 */
export async function onboard(telegram: TelegramEmulator, userId: number, locale: string, name = "Test"): Promise<SimMessage> {
  telegram.user(userId, { first_name: name, language_code: locale });
  await telegram.sendText(userId, "/start");
  const picker = await telegram.waitFor(() => telegram.botMessages(userId).find((m) => buttonData(m).includes(`lang:${locale}`)));
  await telegram.pressButton(userId, picker.message_id, { data: `lang:${locale}` });
  await telegram.waitFor(() => buttonData(telegram.message(userId, picker.message_id)).includes("consent:yes"));
  await telegram.pressButton(userId, picker.message_id, { data: "consent:yes" });
  return telegram.waitFor(() => {
    const menu = telegram.message(userId, picker.message_id);
    return buttonData(menu).includes("menu:mediation") ? menu : undefined;
  });
}
