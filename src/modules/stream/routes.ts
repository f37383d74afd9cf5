import { createRoute, z } from "@hono/zod-openapi";
import { createRouter } from "../../context";
import { upgradeRequired } from "../../lib/errors";
import { bearerSecurity, problems } from "../../lib/openapi";
import { anyHub } from "../../lib/stream-hubs";
import { actorOf } from "../../middleware/actor";
import { credentialOf } from "./access";
import { MAX_MESSAGE_BYTES, MAX_SUBSCRIPTIONS, RECHECK_SECONDS, SESSION_ENDED_CLOSE_CODE } from "./limits";
import { checkStreamOrigin, mayWatchEverything } from "./service";

export const streamRoutes = createRouter();

streamRoutes.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags: ["Inventory"],
    summary: "Live stock over a WebSocket",
    security: bearerSecurity,
    description: `Upgrade to a WebSocket, authenticating with \`?access_token=\` (a user access token or a
publishable key), since browsers cannot set headers on a WebSocket. Then send
\`{"subscribe": ["prd_…", …]}\` (at most ${MAX_SUBSCRIPTIONS} products; staff may send \`{"subscribe": "*"}\`)
and \`{"unsubscribe": […]}\`; the answer is \`{"type": "subscribed", all, product_ids, not_found}\`. Staff may watch
any product; everyone else only published ones (a draft is in \`not_found\` like an unknown id, and a product
unpublished later is dropped with a new \`subscribed\` message). Each change arrives within 100 ms as
\`{ "type": "stock", product_id, on_hand, reserved, available, version, at }\`. Messages over
${MAX_MESSAGE_BYTES} bytes close the socket (1009). When the session or key the socket was opened with
ends (logout, deactivation, revocation), the socket is closed with ${SESSION_ENDED_CLOSE_CODE} within
${RECHECK_SECONDS} s.`,
    request: {
      query: z.object({ access_token: z.string().max(2048).optional() }),
      headers: z.object({ upgrade: z.string().optional().openapi({ example: "websocket" }) }),
    },
    responses: { 101: { description: "Switching to the WebSocket protocol" }, ...problems(426) },
  }),
  async (c) => {
    if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
      throw upgradeRequired("Connect with a WebSocket upgrade.", { Upgrade: "websocket" });
    }
    checkStreamOrigin(c.req.header("origin"), c.env.CORS_ORIGINS);
    const actor = actorOf(c);
    const hub = anyHub(c.env.STOCK_STREAM, c.env.STREAM_SHARDS);
    const headers = new Headers(c.req.raw.headers);
    headers.set("x-stream-actor", actor.id);
    headers.set("x-stream-credential", JSON.stringify(credentialOf(actor)));
    headers.set("x-stream-staff", String(mayWatchEverything(actor)));
    return hub.fetch(new Request(c.req.raw.url, { headers }));
  },
);
