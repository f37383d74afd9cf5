import { meteredEnv } from "./bindings";
import { RequestMeter, runMetered, unmetered } from "./meter";

export { edgeCache } from "./bindings";

/** `waitUntil` for work after the response: its calls are not counted as the request's round trips. */
export function afterResponse(ctx: { waitUntil(promise: Promise<unknown>): void }, work: () => Promise<unknown>): void {
  ctx.waitUntil(unmetered(work));
}

type FetchHandler = (request: Request, env: Env, ctx: ExecutionContext) => Response | Promise<Response>;

/**
 * Every response gets a `Server-Timing` header counting the request's round trips and
 * statements per kind of binding (see ./meter.ts), unless `SERVER_TIMING = "off"`.
 * Done here, around the whole app, so no route or service has to instrument itself.
 */
export function withServerTiming(handler: FetchHandler): FetchHandler {
  return async (request, env, ctx) => {
    if (env.SERVER_TIMING === "off") return handler(request, env, ctx);
    const meter = new RequestMeter();
    const response = await runMetered(meter, () => handler(request, meteredEnv(env), ctx));
    const value = meter.header();
    try {
      response.headers.append("Server-Timing", value);
      return response;
    } catch {
      // Responses that came from a fetch or the cache have immutable headers.
      const copy = new Response(response.body, response);
      copy.headers.append("Server-Timing", value);
      return copy;
    }
  };
}
