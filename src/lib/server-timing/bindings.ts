/*
 * Metered stand-ins for the env bindings and the Cache API. Each is a Proxy over the
 * real object: the methods that go over the wire are timed on the request's meter
 * (./meter.ts), the methods that hand out another wire object (a prepared statement,
 * a session, a Durable Object stub) hand out a metered one, everything else is the
 * real thing. Built once per binding object, so per-binding caches keyed by the
 * binding (one drizzle client per D1 binding) keep working.
 */
import { type BindingKind, timed } from "./meter";

type Method = (...args: unknown[]) => unknown;
interface Rules {
  kind: BindingKind;
  /** Timed methods and how many statements/messages/calls one call is. */
  timed?: Record<string, (args: unknown[]) => number>;
  /** Methods whose result is itself a wire object to meter. */
  wrap?: Record<string, (result: object) => object>;
  /** Time every other method too (Durable Object stubs: each RPC method is a call). */
  timeAll?: boolean;
}

const unwrapped = new WeakMap<object, object>();
const one = () => 1;
const NOT_CALLS = new Set(["then", "constructor", "toString", "toJSON"]);

function metered<T extends object>(target: T, rules: Rules): T {
  const proxy = new Proxy(target, {
    get(real, prop) {
      const value: unknown = Reflect.get(real, prop);
      if (typeof value !== "function" || typeof prop !== "string") return value;
      // Reflect.apply, not method.apply: on an RPC stub, `.apply` would be a remote method.
      const method = value as Method;
      const invoke = (args: unknown[]) => Reflect.apply(method, real, args);
      const wrap = rules.wrap?.[prop];
      const units = rules.timed?.[prop] ?? (rules.timeAll && !NOT_CALLS.has(prop) ? one : undefined);
      // A call over the wire whose answer is another wire object (a workflow instance handle).
      if (wrap && units) {
        return (...args: unknown[]) =>
          timed(rules.kind, units(args), async () => wrap((await invoke(args.map(unwrapArg))) as object));
      }
      if (wrap) return (...args: unknown[]) => wrap(invoke(args) as object);
      if (units) {
        return (...args: unknown[]) => timed(rules.kind, units(args), async () => invoke(args.map(unwrapArg)));
      }
      return (...args: unknown[]) => invoke(args);
    },
  });
  unwrapped.set(proxy, target);
  return proxy;
}

// A D1 batch takes the real prepared statements, not our proxies.
function unwrapArg(arg: unknown): unknown {
  if (Array.isArray(arg))
    return arg.map((item) => (typeof item === "object" && item ? (unwrapped.get(item) ?? item) : item));
  return arg;
}

const lengthOfFirst = (args: unknown[]) => (Array.isArray(args[0]) ? args[0].length : 1);

const d1Statement = (statement: object): object =>
  metered(statement, {
    kind: "d1",
    timed: { first: one, all: one, run: one, raw: one },
    wrap: { bind: d1Statement },
  });

const d1Session = (session: object): object =>
  metered(session, { kind: "d1", timed: { batch: lengthOfFirst }, wrap: { prepare: d1Statement } });

const d1 = (db: object) =>
  metered(db, {
    kind: "d1",
    timed: { batch: lengthOfFirst, exec: one },
    wrap: { prepare: d1Statement, withSession: d1Session },
  });

const durableStub = (stub: object): object => metered(stub, { kind: "do", timeAll: true });

const durableNamespace = (ns: object): object =>
  metered(ns, { kind: "do", wrap: { get: durableStub, getByName: durableStub, jurisdiction: durableNamespace } });

const queue = (q: object) => metered(q, { kind: "queue", timed: { send: one, sendBatch: lengthOfFirst } });

const r2 = (bucket: object) =>
  metered(bucket, {
    kind: "r2",
    timed: { head: one, get: one, put: one, delete: one, list: one, createMultipartUpload: one },
  });

// Every method of an instance handle is a call to the Workflows engine (`subscribe` too: the
// waiting on its stream that follows is not).
const workflowInstance = (instance: object): object => metered(instance, { kind: "workflow", timeAll: true });

const workflow = (binding: object) =>
  metered(binding, {
    kind: "workflow",
    timed: { create: one, createBatch: one, get: one },
    wrap: { create: workflowInstance, get: workflowInstance },
  });

const rateLimit = (limiter: object) => metered(limiter, { kind: "ratelimit", timed: { limit: one } });

const hasMethods = (value: object, ...names: string[]) =>
  names.every((name) => typeof (value as Record<string, unknown>)[name] === "function");

/** Which kind of binding a value is, by the methods it has (the runtime gives no tag). */
function meterBinding(value: object): object | null {
  if (hasMethods(value, "prepare", "batch")) return d1(value);
  if (hasMethods(value, "idFromName", "get")) return durableNamespace(value);
  if (hasMethods(value, "send", "sendBatch")) return queue(value);
  if (hasMethods(value, "head", "put", "createMultipartUpload")) return r2(value);
  if (hasMethods(value, "limit")) return rateLimit(value);
  if (hasMethods(value, "create", "createBatch", "get")) return workflow(value);
  return null;
}

const meteredBindings = new WeakMap<object, object | null>();

/** `env` with every wire binding metered (vars, secrets and fetchers as they are). */
export function meteredEnv(env: Env): Env {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(env)) {
    if (typeof value !== "object" || value === null) {
      out[name] = value;
      continue;
    }
    let wrapped = meteredBindings.get(value);
    if (wrapped === undefined) {
      wrapped = meterBinding(value);
      meteredBindings.set(value, wrapped);
    }
    out[name] = wrapped ?? value;
  }
  return out as unknown as Env;
}

const meteredCaches = new WeakMap<Cache, Cache>();

/** `caches.default`, metered: the Cache API is a global, not an env binding. */
export function edgeCache(): Cache {
  const real = caches.default;
  let cache = meteredCaches.get(real);
  if (!cache) {
    cache = metered(real, { kind: "cache", timed: { match: one, put: one, delete: one } });
    meteredCaches.set(real, cache);
  }
  return cache;
}
