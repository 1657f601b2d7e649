import type { DbOrTx } from "./db.js";
import { isLocale, type Locale } from "./i18n.js";
import { tell } from "./outbox.js";

/** What every update needs to know about its sender. */
export type UserProfile = {
  id: string;
  locale: Locale | undefined;
  consentAt: Date | null;
  /** Set while the person has an open relay chat (see `core/relay.ts`). */
  relayRequestId: string | null;
  /** An approved volunteer: their own menu, help and commands. */
  volunteer: boolean;
};

const profile = { id: true, locale: true, consentAt: true, relayRequestId: true, volunteer: { select: { status: true } } } as const;

function toProfile(row: { id: string; locale: string | null; consentAt: Date | null; relayRequestId: string | null; volunteer: { status: string } | null }): UserProfile {
  return {
    id: row.id,
    locale: isLocale(row.locale) ? row.locale : undefined,
    consentAt: row.consentAt,
    relayRequestId: row.relayRequestId,
    volunteer: row.volunteer?.status === "APPROVED",
  };
}

/** The sender of an update, or undefined for someone the bot does not know (yet, or any more). */
export async function findUser(db: DbOrTx, telegramId: number): Promise<UserProfile | undefined> {
  const row = await db.prisma.telegramUser.findUnique({ where: { telegramId }, select: profile });
  return row ? toProfile(row) : undefined;
}

/**
 * Remembers the language a person picked; the first step of onboarding. Everything told from now on is in
 * this language – an approved volunteer's command menu too.
 *
 * @example
 * await chooseLocale(db, 4711, "ar");
 */
export async function chooseLocale(db: DbOrTx, telegramId: number, locale: Locale): Promise<UserProfile> {
  const row = await db.prisma.telegramUser.upsert({
    where: { telegramId },
    create: { telegramId, locale },
    update: { locale },
    select: profile,
  });
  const user = toProfile(row);
  if (user.volunteer) await tell(db, telegramId, { kind: "commands", set: "volunteer", locale });
  return user;
}

/** The person accepted the privacy notice. */
export async function giveConsent(db: DbOrTx, telegramId: number): Promise<UserProfile | undefined> {
  const { count } = await db.prisma.telegramUser.updateMany({ where: { telegramId }, data: { consentAt: new Date() } });
  return count === 0 ? undefined : findUser(db, telegramId);
}

/** The person declined the privacy notice: nothing about them is kept. */
export async function declineConsent(db: DbOrTx, telegramId: number): Promise<void> {
  await db.prisma.telegramUser.deleteMany({ where: { telegramId, consentAt: null } });
}

/** Removes people who picked a language but never accepted the privacy notice. */
export async function forgetUnconsented(db: DbOrTx, olderThan: Date): Promise<number> {
  const { count } = await db.prisma.telegramUser.deleteMany({ where: { consentAt: null, createdAt: { lt: olderThan } } });
  return count;
}
