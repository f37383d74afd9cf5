import { dayIn } from "../../lib/days";

/** Minutes east of UTC that `timeZone` is at instant `ms`. */
function offsetMinutes(timeZone: string, ms: number): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(new Date(ms));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60_000);
}

/** The instant (ISO, UTC) at which `day` (`YYYY-MM-DD`) starts in `timeZone`. */
export function startOfDay(timeZone: string, day: string): string {
  const midnightUtc = Date.parse(`${day}T00:00:00.000Z`);
  let ms = midnightUtc - offsetMinutes(timeZone, midnightUtc) * 60_000;
  // Once more with the offset in force at the first guess (a DST change near midnight).
  ms = midnightUtc - offsetMinutes(timeZone, ms) * 60_000;
  return new Date(ms).toISOString();
}

/** `day` plus `n` calendar days. */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00.000Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

export function today(timeZone: string, now = Date.now()): string {
  return dayIn(timeZone, new Date(now).toISOString());
}
