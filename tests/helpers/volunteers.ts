import type { VolunteerRegistration } from "../../core/volunteers.js";
import type { Stack } from "./stack.js";

/**
 * An approved volunteer, set up through the core functions the bot uses (registration, then a
 * coordinator's approval) – for tests about dispatch, not about the registration dialogue.
 */
export async function approvedVolunteer(
  stack: Stack,
  telegramId: number,
  overrides: Partial<VolunteerRegistration> & { locale?: "de" | "en" | "ar" | "tr" | "uk" } = {},
): Promise<string> {
  const { core } = stack.app;
  stack.telegram.user(telegramId, { first_name: overrides.firstName ?? `Volunteer${telegramId}`, language_code: overrides.locale ?? "de" });
  await core.users.chooseLocale(telegramId, overrides.locale ?? "de");
  await core.users.giveConsent(telegramId);
  await core.users.placeIn(telegramId, stack.town);
  const result = await core.volunteers.register(telegramId, {
      networks: [stack.town],
      firstName: overrides.firstName ?? `Volunteer${telegramId}`,
      roles: overrides.roles ?? ["INTERPRETER"],
      languages: overrides.languages ?? [{ language: "ar", level: "NATIVE" }],
      germanLevel: overrides.germanLevel ?? "C1_C2",
      districts: overrides.districts ?? ["BECKUM", "NEUBECKUM"],
      remoteOnly: overrides.remoteOnly ?? false,
      weeklyCapacity: overrides.weeklyCapacity ?? 3,
    ...(overrides.gender ? { gender: overrides.gender } : {}),
  });
  if (!("volunteerId" in result)) throw new Error(result.kind);
  await (await stack.member()).volunteers.decide(result.volunteerId, "APPROVED");
  return result.volunteerId;
}
