/** Wall-clock time in the network's time zone. */

/** Reads a UTC wall-clock time as wall-clock time in `timeZone`. */
export function shiftToZone(wallClockUtc: Date, timeZone: string): Date {
  const asZone = new Date(wallClockUtc.toLocaleString("en-US", { timeZone }));
  const asUtc = new Date(wallClockUtc.toLocaleString("en-US", { timeZone: "UTC" }));
  return new Date(wallClockUtc.getTime() - (asZone.getTime() - asUtc.getTime()));
}

/** `hour`:00 on the day before `date`, in `timeZone`. */
export function eveningBefore(date: Date, hour: number, timeZone: string): Date {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).formatToParts(date).map((p) => [p.type, p.value]),
  );
  const dayBefore = new Date(Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day) - 1, hour, 0));
  return shiftToZone(dayBefore, timeZone);
}

/** The earliest of the given times, or null when none is given. */
export function earliest(...dates: (Date | null | undefined)[]): Date | null {
  const present = dates.filter((d): d is Date => d instanceof Date);
  return present.length === 0 ? null : new Date(Math.min(...present.map((d) => d.getTime())));
}
