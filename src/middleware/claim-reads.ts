import type { Context } from "hono";
import type { AppEnv } from "../context";
import type { Statement } from "../db/batch";

/** A query a batch can carry, whose awaited value is its result. */
export type Query = Statement & PromiseLike<unknown>;
type Results<Q extends readonly Query[]> = { -readonly [K in keyof Q]: Awaited<Q[K]> };

/**
 * Reads a keyed route needs before its effect, sent in its key's claim batch instead of
 * a round trip of their own. They are built before the request is validated, from the
 * raw path and body (`body` is the parsed JSON, or undefined), so they must only use
 * values as bound parameters and leave refusing bad input to the route's validation.
 */
export class ClaimReads<Q extends readonly Query[]> {
  private readonly read = new WeakMap<Context<AppEnv>, Results<Q>>();

  constructor(readonly queries: (c: Context<AppEnv>, body: unknown) => Q) {}

  /** The claim's batch read these for this request (in the order of `queries`). */
  keep(c: Context<AppEnv>, results: unknown[]): void {
    this.read.set(c, results as Results<Q>);
  }

  /** What the claim's batch read; a request that claimed no key runs the queries now. */
  async of(c: Context<AppEnv>): Promise<Results<Q>> {
    const kept = this.read.get(c);
    if (kept) return kept;
    return (await Promise.all(this.queries(c, parsedJson(await c.req.text())))) as Results<Q>;
  }
}

/** A request body as JSON, or undefined when it is not JSON. */
export function parsedJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
