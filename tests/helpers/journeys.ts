import { randomBytes } from "node:crypto";
import type { RequestDraft } from "../../core/requests.js";
import type { SimMessage } from "../../sim/telegram-api.js";
import type { Stack } from "./stack.js";
import { buttonData, plain } from "./telegram.js";
import { eventually } from "./wait.js";

/**
 * Shortcuts for stories that start after the part they are not about: a person who has onboarded, a request
 * made, an offer accepted – through the same core functions and Telegram buttons the product uses.
 */

/** Presses the first button of the chat's last bot message whose callback data matches. */
export async function tapLast(stack: Stack, chatId: number, pattern: RegExp): Promise<SimMessage> {
  const message = await stack.telegram.waitFor(
    () => {
      const last = stack.telegram.botMessages(chatId).at(-1);
      return buttonData(last).some((d) => pattern.test(d)) ? last : undefined;
    },
    5000,
    `a button ${pattern} in chat ${chatId}`,
  );
  await stack.telegram.pressButton(chatId, message.message_id, { data: buttonData(message).find((d) => pattern.test(d)) ?? "" });
  return message;
}

/** Someone who picked a language and agreed to the privacy notice. */
export async function onboarded(stack: Stack, telegramId: number, locale: "de" | "en" | "ar" | "uk" | "tr" = "de", name = `Person${telegramId}`): Promise<void> {
  stack.telegram.user(telegramId, { first_name: name, language_code: locale });
  await stack.app.core.users.chooseLocale(telegramId, locale);
  await stack.app.core.users.giveConsent(telegramId);
}

/** A newcomer's request, as the dialogue would make it (by phone unless said otherwise: any district fits). */
export async function requestOf(stack: Stack, newcomerId: number, draft: Partial<RequestDraft> = {}): Promise<{ id: string; reference: string }> {
  const result = await stack.app.core.requests.create(
    newcomerId,
    { kind: "MEDIATION", language: "ar", purpose: "JOBCENTER", mode: "PHONE", ...draft },
    `${newcomerId}:${randomBytes(4).toString("base64url")}`,
  );
  if (result.kind !== "created") throw new Error(`request not created: ${result.kind}`);
  return { id: result.requestId, reference: result.reference };
}

/** The volunteer taps "Accept" on the offer of `reference`; resolves once the request is matched. */
export async function acceptOffer(stack: Stack, volunteerId: number, reference: string): Promise<void> {
  const offer = await stack.telegram.waitFor(
    () => stack.telegram.botMessages(volunteerId).find((m) => plain(m).includes(reference) && buttonData(m).some((d) => d.startsWith("offer:accept:"))),
    10_000,
    `the offer of ${reference} to ${volunteerId}`,
  );
  await stack.telegram.pressButton(volunteerId, offer.message_id, { data: buttonData(offer).find((d) => d.startsWith("offer:accept:")) ?? "" });
  await eventually(async () => {
    const request = await stack.app.database.prisma.helpRequest.findUnique({ where: { reference }, select: { status: true } });
    if (request?.status !== "MATCHED") throw new Error(`${reference} is ${request?.status}`);
  });
}

/** Relayed copies in `chatId` of messages written in `fromChatId`. */
export const copiesFrom = (stack: Stack, chatId: number, fromChatId: number): SimMessage[] =>
  stack.telegram.botMessages(chatId).filter((m) => m.copiedFrom?.chatId === fromChatId);
