import { createRoute } from "@hono/zod-openapi";
import { createRouter } from "../../../context";
import { bearerSecurity, idParam, jsonContent, problems } from "../../../lib/openapi";
import { requestMeta } from "../../../middleware/actor";
import { WebhookDeliveryDetailSchema } from "./schemas";
import * as deliveries from "./service";

const tags = ["Webhooks"];
const params = idParam("Delivery id (`dlv_…`)");

export const webhookDeliveryRoutes = createRouter();

webhookDeliveryRoutes.openapi(
  createRoute({
    method: "get",
    path: "/{id}",
    tags,
    summary: "A delivery with every attempt (status or error, latency, response excerpt)",
    security: bearerSecurity,
    request: { params },
    responses: { 200: jsonContent(WebhookDeliveryDetailSchema, "The delivery"), ...problems(404) },
  }),
  async (c) => c.json(await deliveries.getDelivery(c.get("db"), c.req.valid("param").id), 200),
);

webhookDeliveryRoutes.openapi(
  createRoute({
    method: "post",
    path: "/{id}/replay",
    tags,
    summary: "Send a delivery again, with the same webhook-id and a fresh set of attempts",
    security: bearerSecurity,
    request: { params },
    responses: { 202: jsonContent(WebhookDeliveryDetailSchema, "The delivery, queued again"), ...problems(404, 409) },
  }),
  async (c) =>
    c.json(await deliveries.replayDelivery(c.get("db"), c.env.WEBHOOKS, c.req.valid("param").id, requestMeta(c)), 202),
);
