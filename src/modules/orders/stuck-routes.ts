import { createRoute, z } from "@hono/zod-openapi";
import { createRouter } from "../../context";
import { bearerSecurity, idParam, jsonContent, problems } from "../../lib/openapi";
import { actorOf, requestMeta } from "../../middleware/actor";
import { getOrderDetail } from "./reads";
import { OrderDetailSchema } from "./schemas";
import { orderDeps } from "./store";
import { listStuckOrders, resumeStuckOrder } from "./sweeps";

const tags = ["Orders"];

const StuckOrderSchema = z
  .object({
    order_id: z.string(),
    customer_id: z.string().nullable(),
    total: z.number().int(),
    currency: z.string(),
    paying_since: z.string(),
    payment_id: z.string(),
    provider: z.string(),
    resume_attempts: z.number().int(),
    last_error: z.string().nullable(),
    left_to_staff: z.boolean().openapi({ description: "The sweep stopped retrying it; resolve it with `resume`." }),
  })
  .openapi("StuckOrder");

/** Staff view of payments whose request died: the sweep retries them, and leaves the ones it cannot finish here. */
export const stuckOrderRoutes = createRouter();

stuckOrderRoutes.openapi(
  createRoute({
    method: "get",
    path: "/stuck",
    tags,
    summary: "Orders stuck in paying (their request died), with the sweep's attempts and last error",
    security: bearerSecurity,
    responses: {
      200: jsonContent(
        z.object({ data: z.array(StuckOrderSchema), checked_at: z.string() }).openapi("StuckOrderList"),
        "Stuck orders, oldest first (at most 200)",
      ),
      ...problems(),
    },
  }),
  async (c) => c.json(await listStuckOrders(orderDeps(c.env, c.get("db"))), 200),
);

stuckOrderRoutes.openapi(
  createRoute({
    method: "post",
    path: "/{id}/resume-payment",
    tags,
    summary: "Run a stuck payment again now: it completes, or the order is cancelled and refunded",
    security: bearerSecurity,
    request: { params: idParam("Order id (`ord_…`)") },
    responses: { 200: jsonContent(OrderDetailSchema, "The order afterwards"), ...problems(404, 409, 503) },
  }),
  async (c) => {
    const deps = orderDeps(c.env, c.get("db"));
    const { id } = c.req.valid("param");
    await resumeStuckOrder(deps, id, requestMeta(c));
    return c.json(await getOrderDetail(deps, id, actorOf(c)), 200);
  },
);
