export interface BindingUse {
  roundTrips: number;
  /** Statements for d1, messages for queue, calls for the rest. */
  units: number;
  dur: number;
}

/** The `Server-Timing` header, per binding kind (`d1`, `do`, …, `app` with only `dur`). */
export function serverTiming(headers: Headers): Record<string, BindingUse> {
  const value = headers.get("server-timing");
  if (!value) throw new Error("no Server-Timing header");
  const out: Record<string, BindingUse> = {};
  for (const entry of value.split(/,\s*(?=[a-z0-9]+;)/)) {
    const [name = "", ...params] = entry.split(";");
    const desc = /desc="(\d+) round trips?, (\d+) /.exec(entry);
    const dur = params.find((p) => p.startsWith("dur="));
    out[name.trim()] = {
      roundTrips: desc ? Number(desc[1]) : 0,
      units: desc ? Number(desc[2]) : 0,
      dur: dur ? Number(dur.slice(4)) : Number.NaN,
    };
  }
  return out;
}

/** Round trips per binding kind, leaving out `app` (for `toEqual` on a whole request). */
export function roundTrips(headers: Headers): Record<string, number> {
  const timing = serverTiming(headers);
  return Object.fromEntries(
    Object.entries(timing)
      .filter(([name]) => name !== "app")
      .map(([name, use]) => [name, use.roundTrips]),
  );
}
