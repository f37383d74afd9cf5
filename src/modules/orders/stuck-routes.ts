import { createRoute, z } from "@hono/zod-openapi";
import { createRouter } from "../../context";
import { bearerSecurity, jsonContent, problems } from "../../lib/openapi";
import { FLOW_STATUSES } from "./flow-contract";
import { orderDeps } from "./store";
import { listStuckOrders } from "./stuck";

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
    flow_status: z
      .enum(FLOW_STATUSES)
      .openapi({ description: "The order's workflow instance, from the Workflows API (`not_started`: none yet)." }),
    flow_error: z.string().nullable().openapi({ description: "Why the instance errored, when it did." }),
    left_to_staff: z
      .boolean()
      .openapi({ description: "The instance ended without finishing the payment; resolve it with `resume-payment`." }),
  })
  .openapi("StuckOrder");

/** Staff view of payments whose request died: the order's workflow finishes them, and the ones it cannot are left here. */
export const stuckOrderRoutes = createRouter();

stuckOrderRoutes.openapi(
  createRoute({
    method: "get",
    path: "/stuck",
    tags,
    summary: "Orders stuck in paying (their request died), with their workflow instance's status and error",
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
