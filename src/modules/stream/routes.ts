import { createRoute, z } from "@hono/zod-openapi";
import { createRouter } from "../../context";
import { MAX_MESSAGE_BYTES, MAX_SUBSCRIPTIONS } from "../../durable/stream/object";
import { upgradeRequired } from "../../lib/errors";
import { bearerSecurity, problems } from "../../lib/openapi";
import { actorOf } from "../../middleware/actor";
import { checkStreamOrigin, mayWatchEverything, pickHub } from "./service";

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
and \`{"unsubscribe": […]}\`. Each change arrives within 100 ms as
\`{ "type": "stock", product_id, on_hand, reserved, available, version, at }\`. Messages over
${MAX_MESSAGE_BYTES} bytes close the socket (1009).`,
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
    const hub = c.env.STOCK_STREAM.get(c.env.STOCK_STREAM.idFromName(pickHub(c.env.STREAM_SHARDS)));
    const headers = new Headers(c.req.raw.headers);
    headers.set("x-stream-actor", actor.id);
    headers.set("x-stream-staff", String(mayWatchEverything(actor)));
    return hub.fetch(new Request(c.req.raw.url, { headers }));
  },
);
