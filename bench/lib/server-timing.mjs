// Round trips and statements per request, read from the app's Server-Timing header
// (src/lib/server-timing): `d1;desc="3 round trips, 7 statements";dur=…, do;…`.
const ENTRY = /(\w+);desc="(\d+) round trips?, (\d+) /g;

/** Sums every answer's counts per binding kind; `perRequest()` gives the means (null without headers). */
export function serverTimingTally() {
  const sums = {};
  let answers = 0;
  let timed = 0;
  return {
    add(headers) {
      answers++;
      const key = Object.keys(headers ?? {}).find((k) => k.toLowerCase() === "server-timing");
      if (!key) return;
      timed++;
      for (const [, kind, roundTrips, units] of String(headers[key]).matchAll(ENTRY)) {
        sums[kind] ??= { round_trips: 0, units: 0 };
        const sum = sums[kind];
        sum.round_trips += Number(roundTrips);
        sum.units += Number(units);
      }
    },
    perRequest() {
      if (timed === 0) return null;
      const means = Object.fromEntries(
        Object.entries(sums).map(([kind, s]) => [kind, { round_trips: s.round_trips / timed, units: s.units / timed }]),
      );
      return { answers_with_header: timed, answers, kinds: means };
    },
  };
}
