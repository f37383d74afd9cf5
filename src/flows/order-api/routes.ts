import { createRoute, z } from "@hono/zod-openapi";
import { createRouter } from "../../context";
import { ifMatchVersion, versionEtag } from "../../lib/etag";
import { bearerSecurity, idParam, jsonBody, jsonContent, problems } from "../../lib/openapi";
import { actorOf, requestMeta } from "../../middleware/actor";
import { answeredInBatch, answerStatements, idempotent, keyedId } from "../../middleware/idempotency";
import {
  CheckoutSchema,
  FulfilSchema,
  fulfilOrder,
  ListOrdersQuery,
  listOrders,
  type OrderCore,
  OrderPage,
  orderDeps,
  PatchOrderSchema,
  payOrder,
  placeOrder,
  ReasonSchema,
  RefundSchema,
  resumeStuckOrder,
  updateOrderNotes,
} from "../../modules/orders";
import { PaymentInputSchema } from "../../modules/payments";
import { OrderDetailSchema, orderDetail } from "./detail";
import { cancelAroundReturns, refundAroundReturns } from "./returns-first";

const tags = ["Orders"];
const params = idParam("Order id (`ord_…`)");
const idempotencyKey = (required: boolean) =>
  z.object({
    "idempotency-key": (required ? z.string() : z.string().optional()).openapi({
      description: `${required ? "Required" : "Optional"}. Repeats with the same body replay the first answer.`,
    }),
  });
const optionalReason = { required: false, content: { "application/json": { schema: ReasonSchema } } };
const detail = (description: string) => jsonContent(OrderDetailSchema, description);

export const orderRoutes = createRouter();

orderRoutes.openapi(
  createRoute({
    method: "post",
    path: "/",
    tags,
    summary: "Check out: hold the stock of every line and create a pending order",
    description:
      "All lines are held or none. 409 `INSUFFICIENT_STOCK` lists `lines: [{ product_id, requested, available }]`.",
    security: bearerSecurity,
    middleware: [idempotent({ required: true })] as const,
    request: { headers: idempotencyKey(true), body: jsonBody(CheckoutSchema) },
    responses: { 201: detail("The pending order"), ...problems(409, 503) },
  }),
  async (c) => {
    const deps = orderDeps(c.env, c.get("db"));
    const actor = actorOf(c);
    // A new order has no invoices or returns yet, so its answer needs no read, and is
    // known before the order's batch runs: the key's answer is stored in that batch.
    const answer = (created: OrderCore) => ({ ...created, invoices: [], returns: [] });
    const placed = await placeOrder(deps, actor, c.req.valid("json"), requestMeta(c), {
      source: "checkout",
      orderId: await keyedId(c, "ord"),
      answer: (created) => answerStatements(c, 201, answer(created)),
    });
    if (placed.kind === "created") answeredInBatch(c);
    const order = placed.kind === "created" ? answer(placed.order) : await orderDetail(deps, placed.orderId, actor);
    c.header("Location", `/v1/orders/${order.id}`);
    c.header("ETag", versionEtag(order.version));
    return c.json(order, 201);
  },
);

orderRoutes.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags,
    summary: "List orders, newest first (customers: their own)",
    security: bearerSecurity,
    request: { query: ListOrdersQuery },
    responses: { 200: jsonContent(OrderPage, "A page of orders"), ...problems() },
  }),
  async (c) => c.json(await listOrders(c.get("db"), actorOf(c), c.req.valid("query")), 200),
);

orderRoutes.openapi(
  createRoute({
    method: "get",
    path: "/{id}",
    tags,
    summary: "An order with its lines, status history, holds, payments, refunds and invoices",
    security: bearerSecurity,
    request: { params },
    responses: { 200: detail("The order"), ...problems(404) },
  }),
  async (c) => {
    const order = await orderDetail(orderDeps(c.env, c.get("db")), c.req.valid("param").id, actorOf(c));
    c.header("ETag", versionEtag(order.version));
    return c.json(order, 200);
  },
);

orderRoutes.openapi(
  createRoute({
    method: "patch",
    path: "/{id}",
    tags,
    summary: "Staff notes and metadata (If-Match honoured)",
    security: bearerSecurity,
    request: {
      params,
      headers: z.object({ "if-match": z.string().optional() }),
      body: jsonBody(PatchOrderSchema),
    },
    responses: { 200: detail("The order"), ...problems(404, 412) },
  }),
  async (c) => {
    const deps = orderDeps(c.env, c.get("db"));
    const { id } = c.req.valid("param");
    const meta = requestMeta(c);
    await updateOrderNotes(deps, id, c.req.valid("json"), ifMatchVersion(c.req.header("if-match")), meta);
    const order = await orderDetail(deps, id, meta.actor);
    c.header("ETag", versionEtag(order.version));
    return c.json(order, 200);
  },
);

orderRoutes.openapi(
  createRoute({
    method: "post",
    path: "/{id}/pay",
    tags,
    summary: "Take the payment and sell the held stock: pending → processing",
    description:
      "A lapsed hold is reserved again; if the stock is gone the order is cancelled (`reservation_expired`) with 409.",
    security: bearerSecurity,
    middleware: [idempotent({ required: false })] as const,
    request: { params, headers: idempotencyKey(false), body: jsonBody(PaymentInputSchema) },
    responses: { 200: detail("The paid order"), ...problems(404, 409) },
  }),
  async (c) => {
    const deps = orderDeps(c.env, c.get("db"));
    const { id } = c.req.valid("param");
    const actor = actorOf(c);
    await payOrder(deps, id, c.req.valid("json"), actor, requestMeta(c), await keyedId(c, "pay"));
    return c.json(await orderDetail(deps, id, actor), 200);
  },
);

orderRoutes.openapi(
  createRoute({
    method: "post",
    path: "/{id}/fulfil",
    tags,
    summary: "The goods left, all at once or per location: completed once every line is fulfilled",
    security: bearerSecurity,
    middleware: [idempotent({ required: false })] as const,
    request: {
      params,
      headers: idempotencyKey(false),
      body: { required: false, content: { "application/json": { schema: FulfilSchema } } },
    },
    responses: { 200: detail("The order, completed when nothing is left to fulfil"), ...problems(404, 409) },
  }),
  async (c) => {
    const deps = orderDeps(c.env, c.get("db"));
    const { id } = c.req.valid("param");
    const actor = actorOf(c);
    await fulfilOrder(deps, id, c.req.valid("json") ?? {}, actor, requestMeta(c));
    return c.json(await orderDetail(deps, id, actor), 200);
  },
);

orderRoutes.openapi(
  createRoute({
    method: "post",
    path: "/{id}/cancel",
    tags,
    summary: "Cancel: holds are released; a paid order is refunded and restocked",
    security: bearerSecurity,
    middleware: [idempotent({ required: false })] as const,
    request: { params, headers: idempotencyKey(false), body: optionalReason },
    responses: { 200: detail("The cancelled order"), ...problems(404, 409) },
  }),
  async (c) => {
    const deps = orderDeps(c.env, c.get("db"));
    const { id } = c.req.valid("param");
    const actor = actorOf(c);
    await cancelAroundReturns(deps, id, actor, c.req.valid("json").reason, requestMeta(c));
    return c.json(await orderDetail(deps, id, actor), 200);
  },
);

orderRoutes.openapi(
  createRoute({
    method: "post",
    path: "/{id}/refund",
    tags,
    summary: "Refund lines of a completed order, restocking those asked for",
    security: bearerSecurity,
    middleware: [idempotent({ required: true })] as const,
    request: { params, headers: idempotencyKey(true), body: jsonBody(RefundSchema) },
    responses: { 200: detail("The order after the refund"), ...problems(404, 409) },
  }),
  async (c) => {
    const deps = orderDeps(c.env, c.get("db"));
    const { id } = c.req.valid("param");
    const actor = actorOf(c);
    await refundAroundReturns(deps, id, c.req.valid("json"), actor, requestMeta(c), await keyedId(c, "rfd"));
    return c.json(await orderDetail(deps, id, actor), 200);
  },
);

orderRoutes.openapi(
  createRoute({
    method: "post",
    path: "/{id}/resume-payment",
    tags,
    summary:
      "Finish a stuck payment now (restarting the order's workflow if it ended): it completes, or the order is cancelled and refunded",
    security: bearerSecurity,
    request: { params },
    responses: { 200: jsonContent(OrderDetailSchema, "The order afterwards"), ...problems(404, 409, 503) },
  }),
  async (c) => {
    const deps = orderDeps(c.env, c.get("db"));
    const { id } = c.req.valid("param");
    await resumeStuckOrder(deps, id);
    return c.json(await orderDetail(deps, id, actorOf(c)), 200);
  },
);
