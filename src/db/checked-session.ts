/*
 * A D1 session whose first call carries a check, started together with it so the pair is
 * one round trip, and whose every result waits for that check. The authenticated read
 * path uses it to fold the session check into the request's first D1 query
 * (src/modules/auth/authenticate.ts): nothing read reaches the caller before the check
 * has passed, and a failed check is the request's error whatever the query did.
 */

const EXECUTES = new Set(["first", "all", "run", "raw"]);

export class CheckedSession {
  private checked: Promise<void> | null = null;
  private readonly inner = new WeakMap<object, D1PreparedStatement>();

  constructor(
    private readonly session: D1DatabaseSession,
    private readonly check: () => Promise<void>,
  ) {}

  /** The check's outcome: runs it if no call has yet (a request that made no D1 call). */
  verified(): Promise<void> {
    this.checked ??= this.check();
    return this.checked;
  }

  /** The session as drizzle's D1 driver uses it (`prepare`, `batch`). */
  client(): D1DatabaseSession {
    return {
      prepare: (query: string) => this.statement(this.session.prepare(query)),
      batch: <T>(statements: D1PreparedStatement[]) =>
        this.alongside(() => this.session.batch<T>(statements.map((s) => this.inner.get(s) ?? s))),
      getBookmark: () => this.session.getBookmark(),
    } as D1DatabaseSession;
  }

  // The check starts in the same tick as the call, so both are in flight together.
  private async alongside<T>(call: () => Promise<T>): Promise<T> {
    const [check, result] = await Promise.allSettled([this.verified(), call()]);
    if (check.status === "rejected") throw check.reason;
    if (result.status === "rejected") throw result.reason;
    return result.value;
  }

  private statement(real: D1PreparedStatement): D1PreparedStatement {
    const proxy = new Proxy(real, {
      get: (target, prop) => {
        const value: unknown = Reflect.get(target, prop);
        if (typeof value !== "function" || typeof prop !== "string") return value;
        const method = value as (...args: unknown[]) => unknown;
        if (prop === "bind") {
          return (...args: unknown[]) => this.statement(Reflect.apply(method, target, args) as D1PreparedStatement);
        }
        if (EXECUTES.has(prop)) {
          return (...args: unknown[]) => this.alongside(async () => Reflect.apply(method, target, args));
        }
        return (...args: unknown[]) => Reflect.apply(method, target, args);
      },
    });
    this.inner.set(proxy, real);
    return proxy;
  }
}
