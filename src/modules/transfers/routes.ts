import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { type AppEnv, createRouter } from "../../context";
import { bearerSecurity, idParam, jsonBody, jsonContent, problems } from "../../lib/openapi";
import { actorOf, requestMeta } from "../../middleware/actor";
import { idempotent, keyedId } from "../../middleware/idempotency";
import {
  CreateTransferSchema,
  ListTransfersQuery,
  ReceiveTransferSchema,
  TransferPage,
  TransferSchema,
  TransferStepResultSchema,
} from "./schemas";
import * as service from "./service";
import { cancelTransfer, receiveTransfer, type StepActor, shipTransfer } from "./steps";

const tags = ["Transfers"];
const params = idParam("Transfer id (`trf_…`)");
const idempotencyHeader = z.object({
  "idempotency-key": z
    .string()
    .openapi({ description: "Required. Repeats with the same body replay the first answer." }),
});

async function stepActor(c: Context<AppEnv>): Promise<StepActor> {
  return {
    id: actorOf(c).id,
    idempotencyKey: c.req.header("idempotency-key") ?? "",
    eventId: await keyedId(c, "evt"),
  };
}

export const transferRoutes = createRouter();

transferRoutes.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags,
    summary: "List transfers, newest first",
    security: bearerSecurity,
    request: { query: ListTransfersQuery },
    responses: { 200: jsonContent(TransferPage, "A page of transfers"), ...problems() },
  }),
  async (c) => c.json(await service.listTransfers(c.get("db"), c.req.valid("query")), 200),
);

transferRoutes.openapi(
  createRoute({
    method: "post",
    path: "/",
    tags,
    summary: "Draft a transfer of stock between two locations (nothing moves until it ships)",
    security: bearerSecurity,
    middleware: [idempotent({ required: true })] as const,
    request: { headers: idempotencyHeader, body: jsonBody(CreateTransferSchema) },
    responses: { 201: jsonContent(TransferSchema, "The draft"), ...problems(404, 409) },
  }),
  async (c) => {
    const transfer = await service.createTransfer(
      c.get("db"),
      await keyedId(c, "trf"),
      c.req.valid("json"),
      requestMeta(c),
    );
    c.header("Location", `/v1/transfers/${transfer.id}`);
    return c.json(transfer, 201);
  },
);

transferRoutes.openapi(
  createRoute({
    method: "get",
    path: "/{id}",
    tags,
    summary: "Read a transfer",
    security: bearerSecurity,
    request: { params },
    responses: { 200: jsonContent(TransferSchema, "The transfer"), ...problems(404) },
  }),
  async (c) => c.json(await service.getTransfer(c.get("db"), c.req.valid("param").id), 200),
);

transferRoutes.openapi(
  createRoute({
    method: "post",
    path: "/{id}/ship",
    tags,
    summary: "Ship: units leave on_hand at the origin and are incoming at the destination",
    description:
      "Per-line results: a line the origin cannot cover is refused alone. If no line can ship, 409 and nothing moves.",
    security: bearerSecurity,
    middleware: [idempotent({ required: true })] as const,
    request: { params, headers: idempotencyHeader },
    responses: { 200: jsonContent(TransferStepResultSchema, "The shipped transfer"), ...problems(404, 409) },
  }),
  async (c) =>
    c.json(
      await shipTransfer(c.get("db"), c.env.INVENTORY, c.req.valid("param").id, await stepActor(c), requestMeta(c)),
      200,
    ),
);

transferRoutes.openapi(
  createRoute({
    method: "post",
    path: "/{id}/receive",
    tags,
    summary: "Receive units in transit (partially, and write off units lost in transit)",
    security: bearerSecurity,
    middleware: [idempotent({ required: true })] as const,
    request: { params, headers: idempotencyHeader, body: jsonBody(ReceiveTransferSchema) },
    responses: {
      200: jsonContent(TransferStepResultSchema, "Per-line results and the transfer"),
      ...problems(404, 409),
    },
  }),
  async (c) =>
    c.json(
      await receiveTransfer(
        c.get("db"),
        c.env.INVENTORY,
        c.req.valid("param").id,
        c.req.valid("json"),
        await stepActor(c),
        requestMeta(c),
      ),
      200,
    ),
);

transferRoutes.openapi(
  createRoute({
    method: "post",
    path: "/{id}/cancel",
    tags,
    summary: "Cancel a draft transfer",
    security: bearerSecurity,
    middleware: [idempotent({ required: true })] as const,
    request: { params, headers: idempotencyHeader },
    responses: { 200: jsonContent(TransferSchema, "The cancelled transfer"), ...problems(404, 409) },
  }),
  async (c) =>
    c.json(await cancelTransfer(c.get("db"), c.req.valid("param").id, await stepActor(c), requestMeta(c)), 200),
);
