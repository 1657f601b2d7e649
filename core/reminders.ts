import { t, type Label } from "./messages.js";
import { tell } from "./outbox.js";
import type { Queryable } from "./db.js";
import type { Parties, Request } from "./request-store.js";
import { summary } from "./request-summary.js";
import type { ReminderSettings } from "./settings.js";
import { earliest, eveningBefore } from "./time.js";

export type Reminder = "evening" | "hour";
const REMINDERS: readonly Reminder[] = ["evening", "hour"];

/**
 * When to remind both sides of a matched appointment: the evening before (at the configured hour, network
 * time) and shortly before. A reminder whose time had passed when the match was made is skipped – nobody
 * needs "tomorrow" an hour before.
 */
export function reminderTimes(
  request: Pick<Request, "appointmentAt" | "matchedAt">,
  settings: ReminderSettings,
  timeZone: string,
): Record<Reminder, Date | null> {
  if (!request.appointmentAt) return { evening: null, hour: null };
  const appointment = request.appointmentAt;
  const matchedAt = request.matchedAt ?? new Date(0);
  const evening = eveningBefore(appointment, settings.eveningHour, timeZone);
  const hour = new Date(appointment.getTime() - settings.beforeMs);
  return {
    evening: evening > matchedAt && evening < hour ? evening : null,
    hour: hour > matchedAt ? hour : null,
  };
}

/**
 * The reminders due at `now` that have not gone out, those that are past their use (after an outage, "tomorrow"
 * is not sent an hour before: only the later reminder goes), and the time of the next one still to come.
 */
export function remindersAt(
  request: Pick<Request, "appointmentAt" | "matchedAt" | "remindedEveningAt" | "remindedHourAt">,
  settings: ReminderSettings,
  timeZone: string,
  now: Date,
): { due: Reminder[]; skipped: Reminder[]; next: Date | null } {
  const times = reminderTimes(request, settings, timeZone);
  const sent = { evening: request.remindedEveningAt, hour: request.remindedHourAt };
  const open = REMINDERS.filter((which) => times[which] !== null && sent[which] === null);
  const appointmentAhead = request.appointmentAt !== null && request.appointmentAt > now;
  const late = appointmentAhead ? open.filter((which) => (times[which] as Date) <= now) : [];
  const due = late.includes("hour") ? ["hour" as const] : late;
  return {
    due,
    skipped: late.filter((which) => !due.includes(which)),
    next: earliest(...open.map((which) => times[which]).filter((at): at is Date => at !== null && at > now)),
  };
}

/** Reminds both sides: the newcomer of whom they meet, the volunteer of what the job is. */
export async function remind(q: Queryable, request: Request, parties: Parties, which: Reminder): Promise<void> {
  const when: Label = { dateTime: (request.appointmentAt ?? new Date()).toISOString() };
  if (parties.newcomer) {
    await tell(q, parties.newcomer.telegramId, {
      kind: "send",
      locale: parties.newcomer.locale,
      parts: [t(`reminder.${which}.newcomer`, { when, name: parties.volunteer?.firstName ?? "", reference: request.reference })],
      quotes: parties.volunteer ? [String(parties.volunteer.telegramId)] : [],
    });
  }
  if (parties.volunteer) {
    await tell(q, parties.volunteer.telegramId, {
      kind: "send",
      locale: parties.volunteer.locale,
      parts: [t(`reminder.${which}.volunteer`, { when, reference: request.reference }), ...summary(request).slice(1)],
    });
  }
}
