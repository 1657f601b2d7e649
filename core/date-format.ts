/**
 * Dates and times as each language group reads them, from the patterns and names in `locales/<code>.json`
 * (`format.*`), where native speakers review them like every other text: always the Gregorian calendar,
 * the 24-hour clock, the day before the month, Latin digits (as on German letters, our time buttons and
 * reference numbers), in the network's time zone.
 */

/** The `format` group of a language file. */
export type DateTexts = {
  /** "{{weekday}}, {{day}}. {{month}} {{year}}" */
  date: string;
  /** "{{date}}, {{time}} Uhr" */
  dateTime: string;
  /** Day buttons: "{{weekday}}, {{dd}}.{{mm}}." */
  shortDate: string;
  weekday: Record<Weekday, string>;
  month: Record<Month, string>;
};

export const WEEKDAYS = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"] as const;
export type Weekday = (typeof WEEKDAYS)[number];
export const MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"] as const;
export type Month = (typeof MONTHS)[number];

/** The placeholders a date pattern may use ("date" only inside `dateTime`). */
export const DATE_PLACEHOLDERS = ["weekday", "day", "dd", "month", "mm", "year", "time", "date"] as const;

/** A wall-clock reading of an instant in one time zone. */
type Reading = { year: number; month: number; day: number; weekday: number; hour: number; minute: number };

const pad = (n: number) => String(n).padStart(2, "0");

/** Reads instants on the wall clock of `timeZone` (one cached Intl formatter). */
export function wallClock(timeZone: string): (date: Date) => Reading {
  const formatter = new Intl.DateTimeFormat("en-US-u-ca-gregory-nu-latn", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "numeric",
    day: "numeric",
    weekday: "short",
    hour: "numeric",
    minute: "numeric",
  });
  const weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
  return (date) => {
    const reading: Reading = { year: 0, month: 1, day: 1, weekday: 0, hour: 0, minute: 0 };
    for (const part of formatter.formatToParts(date)) {
      if (part.type === "weekday") reading.weekday = weekdays.indexOf(part.value);
      else if (part.type === "year" || part.type === "month" || part.type === "day" || part.type === "hour" || part.type === "minute") {
        reading[part.type] = Number(part.value);
      }
    }
    return reading;
  };
}

/** The formatting functions of one language. */
export type DateFormat = {
  date: (date: Date) => string;
  dateTime: (date: Date) => string;
  shortDate: (date: Date) => string;
  time: (date: Date) => string;
};

/**
 * Formats for one language.
 *
 * @example
 * const de = dateFormat(texts.de, wallClock("Europe/Berlin"));
 * de.dateTime(new Date("2026-12-24T13:00:00Z")); // "Donnerstag, 24. Dezember 2026, 14:00 Uhr"
 */
export function dateFormat(texts: DateTexts, read: (date: Date) => Reading): DateFormat {
  const fill = (pattern: string, values: Record<string, string>) => pattern.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, name: string) => values[name] ?? whole);
  const values = (r: Reading) => ({
    weekday: texts.weekday[WEEKDAYS[r.weekday] ?? "sunday"],
    day: String(r.day),
    dd: pad(r.day),
    month: texts.month[MONTHS[r.month - 1] ?? "january"],
    mm: pad(r.month),
    year: String(r.year),
    time: `${pad(r.hour)}:${pad(r.minute)}`,
  });
  const date = (r: Reading) => fill(texts.date, values(r));
  return {
    date: (d) => date(read(d)),
    dateTime: (d) => {
      const r = read(d);
      return fill(texts.dateTime, { ...values(r), date: date(r) });
    },
    shortDate: (d) => fill(texts.shortDate, values(read(d))),
    time: (d) => values(read(d)).time,
  };
}
