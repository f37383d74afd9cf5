import { AsyncLocalStorage } from "node:async_hooks";

/** The kinds of platform call a request can wait on, in the order the header lists them. */
export const BINDING_KINDS = ["d1", "do", "queue", "workflow", "cache", "ratelimit", "r2"] as const;
export type BindingKind = (typeof BINDING_KINDS)[number];

// What the second count means per kind: a D1 batch of 5 is 5 statements, a queue
// sendBatch of 5 is 5 messages; everything else is one call per call.
const UNIT: Record<BindingKind, string> = {
  d1: "statement",
  do: "call",
  queue: "message",
  workflow: "call",
  cache: "call",
  ratelimit: "call",
  r2: "call",
};

interface KindTally {
  roundTrips: number;
  units: number;
  inFlight: number;
  busyMs: number;
  busySince: number;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
const ms = (value: number) => Math.round(value * 100) / 100;

/**
 * Counts one request's platform calls. A round trip is a stretch of time during which
 * at least one call of a kind is in flight: sequential awaits are one round trip each,
 * calls started together (`Promise.all`, a `batch`) share one. Durations are that busy
 * time, so parallel calls are not summed. `app` is the request's time with no call of
 * any kind in flight: our own code (on Cloudflare the clock only moves on I/O, so there
 * it reads close to 0; locally it is real CPU plus scheduling).
 */
export class RequestMeter {
  private readonly started = performance.now();
  private readonly tallies = new Map<BindingKind, KindTally>();
  private anyInFlight = 0;
  private waitingMs = 0;
  private waitingSince = 0;

  async time<T>(kind: BindingKind, units: number, call: () => Promise<T>): Promise<T> {
    const now = performance.now();
    const tally = this.tallyOf(kind);
    if (tally.inFlight++ === 0) {
      tally.roundTrips++;
      tally.busySince = now;
    }
    if (this.anyInFlight++ === 0) this.waitingSince = now;
    tally.units += units;
    try {
      return await call();
    } finally {
      const end = performance.now();
      if (--tally.inFlight === 0) tally.busyMs += end - tally.busySince;
      if (--this.anyInFlight === 0) this.waitingMs += end - this.waitingSince;
    }
  }

  /** The `Server-Timing` value so far (calls still in flight count with their time until now). */
  header(): string {
    const now = performance.now();
    const entries: string[] = [];
    for (const kind of BINDING_KINDS) {
      const tally = this.tallies.get(kind);
      if (!tally) continue;
      const busy = tally.busyMs + (tally.inFlight > 0 ? now - tally.busySince : 0);
      const desc = `${plural(tally.roundTrips, "round trip")}, ${plural(tally.units, UNIT[kind])}`;
      entries.push(`${kind};desc="${desc}";dur=${ms(busy)}`);
    }
    const waiting = this.waitingMs + (this.anyInFlight > 0 ? now - this.waitingSince : 0);
    entries.push(`app;dur=${ms(Math.max(0, now - this.started - waiting))}`);
    return entries.join(", ");
  }

  private tallyOf(kind: BindingKind): KindTally {
    let tally = this.tallies.get(kind);
    if (!tally) {
      tally = { roundTrips: 0, units: 0, inFlight: 0, busyMs: 0, busySince: 0 };
      this.tallies.set(kind, tally);
    }
    return tally;
  }
}

const current = new AsyncLocalStorage<RequestMeter>();

export function runMetered<T>(meter: RequestMeter, fn: () => T): T {
  return current.run(meter, fn);
}

/**
 * Runs `fn` outside the request's meter: for work the response does not wait for
 * (`waitUntil`), whose calls are not round trips on the request path.
 */
export function unmetered<T>(fn: () => T): T {
  return current.exit(fn);
}

/** Runs a platform call, counted on the current request's meter when there is one. */
export function timed<T>(kind: BindingKind, units: number, call: () => Promise<T>): Promise<T> {
  const meter = current.getStore();
  return meter ? meter.time(kind, units, call) : call();
}
