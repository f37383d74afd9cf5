import { createRoute, z } from "@hono/zod-openapi";
import { createRouter } from "../../context";
import { bearerSecurity, idParam, jsonContent, problems } from "../../lib/openapi";
import { FLOW_STATUSES } from "../../modules/orders";
import { orderFlowView } from "./history";

const FlowStepSchema = z
  .object({
    name: z.string().openapi({ description: "The step's name with its occurrence, e.g. `commit-stock-1`." }),
    kind: z.enum(["do", "wait", "sleep"]),
    status: z.enum(["running", "complete", "errored", "waiting", "timed_out"]),
    attempts: z.number().int().openapi({ description: "Attempts of a `do` step so far (retries included)." }),
    started_at: z.string(),
    ended_at: z.string().nullable(),
    error: z.string().nullable().openapi({ description: "The last failed attempt's error, while it matters." }),
  })
  .openapi("OrderFlowStep");

const OrderFlowSchema = z
  .object({
    order_id: z.string(),
    status: z
      .enum(FLOW_STATUSES)
      .openapi({ description: "The instance's status from the Workflows API (`not_started`: not created yet)." }),
    error: z.string().nullable(),
    output: z.unknown().openapi({ description: 'What the flow ended with, e.g. `{ outcome: "paid" }`.' }),
    steps: z.array(FlowStepSchema),
  })
  .openapi("OrderFlow");

/** `GET /v1/orders/{id}/flow`: the order's workflow instance, for staff. Mounted beside the order routes. */
export const orderFlowRoutes = createRouter();

orderFlowRoutes.openapi(
  createRoute({
    method: "get",
    path: "/{id}/flow",
    tags: ["Orders"],
    summary: "The order's workflow: its instance status and step history, from the Workflows API",
    security: bearerSecurity,
    request: { params: idParam("Order id (`ord_…`)") },
    responses: { 200: jsonContent(OrderFlowSchema, "The order's flow"), ...problems(404) },
  }),
  async (c) => c.json(await orderFlowView(c.get("db"), c.env.ORDER_FLOW, c.req.valid("param").id), 200),
);
