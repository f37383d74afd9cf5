import { createRoute, type z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { type AppEnv, createRouter } from "../../context";
import { versionEtag } from "../../lib/etag";
import { bearerSecurity, idParam, jsonBody, jsonContent, problems } from "../../lib/openapi";
import { actorOf, requestMeta } from "../../middleware/actor";
import { idempotent, keyedId } from "../../middleware/idempotency";
import { orderDeps } from "../orders";
import {
  IdempotencyKeyHeader,
  ReceiveReturnSchema,
  RefundReturnSchema,
  RejectReturnSchema,
  ReturnNoteSchema,
  ReturnSchema,
  type ReturnView,
} from "./schemas";
import * as returns from "./service";

const tags = ["Returns"];
const params = idParam("Return id (`ret_…`)");
const optionalNote = { required: false, content: { "application/json": { schema: ReturnNoteSchema } } };

/** One staff step of a return: `POST /v1/returns/{id}/<name>`, idempotent, answering the return. */
const step = <B extends z.ZodType>(
  name: string,
  summary: string,
  description: string,
  body: { required: boolean; content: { "application/json": { schema: B } } },
) =>
  createRoute({
    method: "post",
    path: `/{id}/${name}`,
    tags,
    summary,
    description,
    security: bearerSecurity,
    middleware: [idempotent({ required: true })] as const,
    request: { params, headers: IdempotencyKeyHeader, body },
    responses: { 200: jsonContent(ReturnSchema, "The return after the step"), ...problems(404, 409) },
  });

function answer(c: Context<AppEnv>, ret: ReturnView) {
  c.header("ETag", versionEtag(ret.version));
  return c.json(ret, 200);
}

// Each step's event id comes from the Idempotency-Key, so a retry finds a committed step.
const context = async (c: Context<AppEnv>) => ({
  deps: orderDeps(c.env, c.get("db")),
  request: { actor: actorOf(c), meta: requestMeta(c), eventId: await keyedId(c, "evt") },
});

/** The staff steps of a return, under `/v1/returns`. */
export const returnActionRoutes = createRouter();

returnActionRoutes.openapi(
  step(
    "approve",
    "Approve a requested return",
    "`requested → approved`: the customer may send the goods.",
    optionalNote,
  ),
  async (c) => {
    const { deps, request } = await context(c);
    return answer(
      c,
      await returns.approveReturn(deps, c.req.valid("param").id, c.req.valid("json")?.note ?? null, request),
    );
  },
);
returnActionRoutes.openapi(
  step("reject", "Reject a requested return, with a reason", "`requested → rejected`.", jsonBody(RejectReturnSchema)),
  async (c) => {
    const { deps, request } = await context(c);
    return answer(c, await returns.rejectReturn(deps, c.req.valid("param").id, c.req.valid("json").reason, request));
  },
);
returnActionRoutes.openapi(
  step(
    "receive",
    "Record what arrived, per line and condition; arrived units move into stock",
    "`approved → received`. Every unit of every line once: `restock` (into on-hand), `damaged` or `quarantine` at a location, or `missing`. Stock moves with reason `returned`.",
    jsonBody(ReceiveReturnSchema),
  ),
  async (c) => {
    const { deps, request } = await context(c);
    return answer(c, await returns.receiveReturn(deps, c.req.valid("param").id, c.req.valid("json"), request));
  },
);
returnActionRoutes.openapi(
  step(
    "refund",
    "Refund the arrived units, less an optional restocking fee",
    "`received → refunded`, through the order's refund (money back to the payment, credit note against the invoice). Units are not restocked again: receiving moved them.",
    jsonBody(RefundReturnSchema),
  ),
  async (c) => {
    const { deps, request } = await context(c);
    const refundId = await keyedId(c, "rfd");
    return answer(
      c,
      await returns.refundReturn(
        deps,
        c.req.valid("param").id,
        c.req.valid("json"),
        request.actor,
        request.meta,
        refundId,
      ),
    );
  },
);
returnActionRoutes.openapi(
  step("close", "Close a return without a refund", "`approved` or `received` → `closed`.", optionalNote),
  async (c) => {
    const { deps, request } = await context(c);
    return answer(
      c,
      await returns.closeReturn(deps, c.req.valid("param").id, c.req.valid("json")?.note ?? null, request),
    );
  },
);
