import { shiftToZone } from "./time.js";

/** A calendar day, "2026-12-24". */
export type Day = string;

/** Today's date and the next days in `timeZone`, for date buttons. */
export function nextDays(count: number, timeZone: string, now = new Date()): Day[] {
  const days: Day[] = [];
  for (let i = 0; i < count; i++) days.push(dayIn(new Date(now.getTime() + i * 86_400_000), timeZone));
  return days;
}

export function dayIn(date: Date, timeZone: string): Day {
  return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(date);
}

/**
 * A typed date: "24.12.", "24.12.2026", "24/12", "2026-12-24". Without a year, the next such day.
 * Returns undefined for anything else or for an impossible date.
 */
export function parseDay(text: string, timeZone: string, now = new Date()): Day | undefined {
  const input = text.trim();
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(input);
  const dotted = /^(\d{1,2})[./-](\d{1,2})(?:[./-](\d{2,4}))?\.?$/.exec(input);
  let year: number;
  let month: number;
  let day: number;
  const today = dayIn(now, timeZone);
  if (iso) [year, month, day] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  else if (dotted) {
    day = Number(dotted[1]);
    month = Number(dotted[2]);
    const y = dotted[3];
    year = y ? (y.length === 2 ? 2000 + Number(y) : Number(y)) : Number(today.slice(0, 4));
    if (!y && format(year, month, day) < today) year += 1;
  } else return undefined;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  return format(year, month, day);
}

/** A typed time: "9", "9:30", "09.30", "14 h". */
export function parseTime(text: string): string | undefined {
  const match = /^(\d{1,2})(?:[:.h ](\d{2}))?\s*(?:h|uhr)?$/i.exec(text.trim());
  if (!match) return undefined;
  const hours = Number(match[1]);
  const minutes = Number(match[2] ?? 0);
  if (hours > 23 || minutes > 59) return undefined;
  return `${String(hours).padStart(2, "0")}:${String(minutes).padStart(2, "0")}`;
}

/** The instant of `day` at `time` in `timeZone`. */
export function appointmentAt(day: Day, time: string, timeZone: string): Date {
  const [year, month, date] = day.split("-").map(Number);
  const [hours, minutes] = time.split(":").map(Number);
  return shiftToZone(new Date(Date.UTC(year ?? 0, (month ?? 1) - 1, date ?? 1, hours ?? 0, minutes ?? 0)), timeZone);
}

function format(year: number, month: number, day: number): Day {
  return `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}
