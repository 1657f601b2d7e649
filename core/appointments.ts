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
 * What people type, made comparable: Arabic-Indic and Persian digits become 0–9, direction marks (which
 * right-to-left keyboards insert), Arabic diacritics and the tatweel disappear, letters are lower case.
 */
export function normalizeTyped(text: string): string {
  return text
    .replace(/[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069\u0640\u064b-\u065f\u0670]/g, "")
    .replace(/[\u0660-\u0669\u06f0-\u06f9]/g, (d) => String((d.charCodeAt(0) & 0xf) % 10))
    .replace(/\u200c/g, " ")
    .trim()
    .replace(/^[.,:;\u060c\u061b]+\s*/, "")
    .toLowerCase();
}

/** Between day, month and year: "." "/" "-", the Arabic decimal and thousands signs "٫" "٬", commas. */
const SEP = String.raw`\s*[./\-\u066b\u066c\u060c,]\s*`;
const YEAR_FIRST = new RegExp(String.raw`^(\d{4})${SEP}(\d{1,2})${SEP}(\d{1,2})\.?$`);
const DAY_FIRST = new RegExp(String.raw`^(\d{1,2})${SEP}(\d{1,2})(?:${SEP}(\d{4}|\d{2}))?(?:${SEP})?$`);

/**
 * A typed date, day before month as on German letters: "24.12.", "24.12.2026", "24/12", "24-12-26",
 * "٢٤/١٢", "۲۴٫۱۲", "2026-12-24". A year from 1300 to 1500 is a Solar Hijri date as written in Afghanistan
 * and Iran ("1405/10/3" is 24 December 2026). Without a year, the next such day.
 * Returns undefined for anything else or for an impossible date.
 */
export function parseDay(text: string, timeZone: string, now = new Date()): Day | undefined {
  const input = normalizeTyped(text);
  const yearFirst = YEAR_FIRST.exec(input);
  const dayFirst = DAY_FIRST.exec(input);
  let year: number;
  let month: number;
  let day: number;
  const today = dayIn(now, timeZone);
  if (yearFirst) {
    [year, month, day] = [Number(yearFirst[1]), Number(yearFirst[2]), Number(yearFirst[3])];
    if (year >= 1300 && year <= 1500) return fromSolarHijri(year, month, day);
  } else if (dayFirst) {
    day = Number(dayFirst[1]);
    month = Number(dayFirst[2]);
    const y = dayFirst[3];
    year = y ? (y.length === 2 ? 2000 + Number(y) : Number(y)) : Number(today.slice(0, 4));
    if (!y && format(year, month, day) < today) year += 1;
  } else return undefined;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  return format(year, month, day);
}

const solarHijri = new Intl.DateTimeFormat("en-u-ca-persian-nu-latn", { timeZone: "UTC", year: "numeric", month: "numeric", day: "numeric" });

/** The Gregorian day of a Solar Hijri date (months 1–6 have 31 days, 7–11 have 30; the year starts on 19–22 March). */
function fromSolarHijri(year: number, month: number, day: number): Day | undefined {
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  const offset = (month <= 6 ? (month - 1) * 31 : 186 + (month - 7) * 30) + day - 1;
  for (const newYear of [20, 21, 19, 22]) {
    const candidate = new Date(Date.UTC(year + 621, 2, newYear + offset));
    const parts = Object.fromEntries(solarHijri.formatToParts(candidate).map((p) => [p.type, Number(p.value)]));
    if (parts.year === year && parts.month === month && parts.day === day) return candidate.toISOString().slice(0, 10);
  }
  return undefined;
}

/** Words before a time ("um 9", "saat 14", "الساعة ٩", "ساعت ۹") and after it ("14 Uhr", "14 h", "14 ч"). */
const TIME = new RegExp(
  String.raw`^(?:(?:um|at|à|a|saat|saet|sa'at|الساعة|ساعة|ساعت|ሰዓት|saacadda|в|о|об|kl\.?)\s*)?(\d{1,2})(?:\s*(?:[:.,h\u066b\u066c]|ч|uhr|год)\s*(\d{2}))?\s*(.*)$`,
);
/** Before noon and after noon, as written in our languages: "am", "ص" (صباحاً), "ق.ظ", "غ.م", "GH", "ቅ.ቀ.", "ÖÖ", "BN", "du matin" … */
const MORNING = new Set(["am", "vorm", "morgens", "früh", "ص", "صباحا", "الصبح", "صبح", "قظ", "قبلازظهر", "غم", "سهار", "gh", "subaxnimo", "ቅቀ", "ንግሆ", "öö", "sabah", "bn", "sibê", "dumatin", "утра", "ранку"]);
const AFTERNOON = new Set([
  "pm", "nachm", "abends", "nachmittags", "م", "مساء", "المساء", "ظهرا", "بعدالظهر", "عصرا", "بظ", "بعدازظهر", "عصر", "شب", "غو", "ماسپښین", "ماښام",
  "gd", "galabnimo", "fiidnimo", "ድቀ", "ምሸት", "ös", "öğledensonra", "akşam", "pn", "êvarê", "piştînîvro", "del'après-midi", "del’après-midi", "dusoir",
  "вечера", "дня", "вечора", "дня",
]);
const PLAIN = new Set(["", "uhr", "h", "ч", "час", "часов", "год", "o'clock", "بجې", "بجو", "ساعت"]);

/**
 * A typed time, on the 24-hour clock or with a marker for the afternoon: "9", "9:30", "09.30", "14 h",
 * "14h30", "14 Uhr", "٩:٣٠", "۹٫۳۰", "2 pm", "9:30 ص", "9:30 م", "۵ ب.ظ", "2:30 GD". Returns "HH:MM".
 */
export function parseTime(text: string): string | undefined {
  const match = TIME.exec(normalizeTyped(text));
  if (!match) return undefined;
  let hours = Number(match[1]);
  const minutes = Number(match[2] ?? 0);
  const suffix = (match[3] ?? "").replace(/[\s.]/g, "");
  if (MORNING.has(suffix)) {
    if (hours === 12) hours = 0;
    else if (hours > 12 || hours === 0) return undefined;
  } else if (AFTERNOON.has(suffix)) {
    if (hours >= 1 && hours < 12) hours += 12;
    else if (hours === 0) return undefined;
  } else if (!PLAIN.has(suffix)) return undefined;
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

/** How far ahead an appointment may be: the search needs time, and plans further out change. */
const APPOINTMENT_MIN_AHEAD_MS = 3600_000;
const APPOINTMENT_MAX_AHEAD_DAYS = 90;

export type DayCheck = { kind: "ok" } | { kind: "out-of-range" };
export type AppointmentCheck = { kind: "ok"; at: Date } | { kind: "too-soon" } | { kind: "out-of-range" };

/** A day for an appointment: from today up to 90 days ahead. */
export function dayCheck(day: Day, timeZone: string, now: Date): DayCheck {
  const today = dayIn(now, timeZone);
  const last = dayIn(new Date(now.getTime() + APPOINTMENT_MAX_AHEAD_DAYS * 86_400_000), timeZone);
  return day < today || day > last ? { kind: "out-of-range" } : { kind: "ok" };
}

/** A day and a time for an appointment: at least an hour ahead and within 90 days. */
export function appointmentCheck(day: Day, time: string, timeZone: string, now: Date): AppointmentCheck {
  if (dayCheck(day, timeZone, now).kind !== "ok") return { kind: "out-of-range" };
  const at = appointmentAt(day, time, timeZone);
  return at.getTime() < now.getTime() + APPOINTMENT_MIN_AHEAD_MS ? { kind: "too-soon" } : { kind: "ok", at };
}
