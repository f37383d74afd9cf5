/*
 * The calendar day of an instant in the store's time zone. No imports: the backfill
 * script loads this file (and reports/recompute.ts) straight into Node to compute the very same days.
 */
const formats = new Map<string, Intl.DateTimeFormat>();

/** `YYYY-MM-DD` of `iso` in the IANA zone `timeZone`. */
export function dayIn(timeZone: string, iso: string): string {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
    formats.set(timeZone, format);
  }
  return format.format(new Date(iso));
}

export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
