import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { type AppEnv, createRouter } from "../../context";
import { badRequest, preconditionRequired } from "../../lib/errors";
import { ifMatchVersion, versionEtag } from "../../lib/etag";
import { bearerSecurity, jsonBody, jsonContent, problems } from "../../lib/openapi";
import { actorOf } from "../../middleware/actor";
import { ClaimReads } from "../../middleware/claim-reads";
import { idempotent } from "../../middleware/idempotency";
import { listCurrentInventory } from "./current-inventory";
import {
  AdjustmentResultSchema,
  AdjustmentSchema,
  BatchAdjustmentSchema,
  BatchResultSchema,
  CheckResultSchema,
  CheckSchema,
  InventoryListQuery,
  InventoryPage,
  LevelQuery,
  ManyProductsQuery,
  MovementPage,
  MovementsQuery,
  SafetyStockSchema,
  SetCountSchema,
  StateChangeSchema,
  StockLevelSchema,
} from "./schemas";
import * as inventory from "./service";
import { changeStockState, setSafetyStock } from "./states";

const tags = ["Inventory"];
const params = z.object({
  product_id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "product_id", in: "path" }, description: "Product id (`prd_…`)" }),
});
const idempotencyHeader = z.object({
  "idempotency-key": z
    .string()
    .openapi({ description: "Required. Repeats with the same body replay the first answer." }),
});

/** A stock-take names the version it counted against: If-Match here or `expected_version` in the body (else 428). */
const countHeaders = z.object({
  "if-match": z.string().optional().openapi({
    description:
      "ETag of the location's level the count was taken against (GET with `location_id`); or send `expected_version`.",
  }),
  "idempotency-key": z
    .string()
    .optional()
    .openapi({ description: "Optional. Repeats with the same body replay the first answer." }),
});

/** The caller and the request's Idempotency-Key (already checked by the idempotency middleware). */
function stockActor(c: Context<AppEnv>): inventory.StockActor {
  return { id: actorOf(c).id, idempotencyKey: c.req.header("idempotency-key") ?? "" };
}

/** The location a raw body names: it is not validated yet, so anything but a string is left to validation. */
function namedLocation(body: unknown): string | undefined {
  return typeof body === "object" && body !== null && "location_id" in body && typeof body.location_id === "string"
    ? body.location_id
    : undefined;
}

/**
 * A stock change at one product's place: the product and location are read in the
 * key's claim batch, and the answer is stored after the response, since the change
 * itself is the stock object's (its movement id is keyed, so a repeat only replays).
 */
const placeReads = new ClaimReads((c, body) =>
  inventory.stockPlaceQueries(c.get("db"), c.req.param("product_id") ?? "", namedLocation(body)),
);
const stockChange = (required: boolean) => idempotent({ required, reads: placeReads, storeAnswer: "after-response" });

export const inventoryRoutes = createRouter();

inventoryRoutes.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags,
    summary: "Current inventory of every product, from the projection",
    security: bearerSecurity,
    request: { query: InventoryListQuery },
    responses: { 200: jsonContent(InventoryPage, "A page of stock levels"), ...problems() },
  }),
  async (c) => c.json(await listCurrentInventory(c.get("db"), c.req.valid("query")), 200),
);

// Static paths go before `/{product_id}` so that they are not taken for a product id.
inventoryRoutes.openapi(
  createRoute({
    method: "get",
    path: "/available",
    tags,
    summary: "Authoritative availability of many products at once",
    security: bearerSecurity,
    request: { query: ManyProductsQuery },
    responses: {
      200: jsonContent(z.object({ data: z.array(StockLevelSchema.extend({ in_stock: z.boolean() })) }), "Levels"),
      ...problems(404),
    },
  }),
  async (c) =>
    c.json(
      await inventory.getAvailability(
        c.get("db"),
        c.env.INVENTORY,
        c.req.valid("query").product_id,
        c.req.valid("query").location_id,
      ),
      200,
    ),
);

inventoryRoutes.openapi(
  createRoute({
    method: "post",
    path: "/check",
    tags,
    summary: "Could these lines be sold right now?",
    security: bearerSecurity,
    request: { body: jsonBody(CheckSchema) },
    responses: { 200: jsonContent(CheckResultSchema, "Per-line availability"), ...problems(404) },
  }),
  async (c) => {
    const body = c.req.valid("json");
    return c.json(await inventory.checkAvailability(c.get("db"), c.env.INVENTORY, body.lines, body.location_id), 200);
  },
);

inventoryRoutes.openapi(
  createRoute({
    method: "post",
    path: "/adjustments:batch",
    tags,
    summary: "Up to 500 adjustments across products; each line succeeds or fails alone",
    security: bearerSecurity,
    // Its changes are the stock objects' (keyed movement ids), so its answer is stored after the response.
    middleware: [idempotent({ required: true, storeAnswer: "after-response" })] as const,
    request: { headers: idempotencyHeader, body: jsonBody(BatchAdjustmentSchema) },
    responses: { 200: jsonContent(BatchResultSchema, "Per-line results"), ...problems(409) },
  }),
  async (c) =>
    c.json(
      await inventory.adjustStockBatch(c.get("db"), c.env.INVENTORY, c.req.valid("json").lines, stockActor(c)),
      200,
    ),
);

inventoryRoutes.openapi(
  createRoute({
    method: "get",
    path: "/{product_id}",
    tags,
    summary: "A product's stock: totals and each location's buckets, from its stock object",
    description:
      "With `location_id`, `locations` holds that one location and the ETag is its version: the one a stock-take there must match.",
    security: bearerSecurity,
    request: { params, query: LevelQuery },
    responses: { 200: jsonContent(StockLevelSchema, "The level"), ...problems(404) },
  }),
  async (c) => {
    const { level, etagVersion } = await inventory.getStockLevel(
      c.get("db"),
      c.env.INVENTORY,
      c.req.valid("param").product_id,
      c.req.valid("query").location_id,
    );
    c.header("ETag", versionEtag(etagVersion));
    return c.json(level, 200);
  },
);

inventoryRoutes.openapi(
  createRoute({
    method: "put",
    path: "/{product_id}",
    tags,
    summary: "Set the counted on_hand at a location (stock-take); needs If-Match or expected_version",
    security: bearerSecurity,
    middleware: [stockChange(false)] as const,
    request: { params, headers: countHeaders, body: jsonBody(SetCountSchema) },
    responses: { 200: jsonContent(AdjustmentResultSchema, "The count was recorded"), ...problems(404, 409, 412, 428) },
  }),
  async (c) => {
    const body = c.req.valid("json");
    const ifMatch = ifMatchVersion(c.req.header("if-match"));
    if (ifMatch !== null && body.expected_version != null && ifMatch !== body.expected_version) {
      throw badRequest("If-Match and expected_version name different versions; send one.", [
        { path: "expected_version", message: "Differs from If-Match" },
      ]);
    }
    const expectedVersion = ifMatch ?? body.expected_version;
    if (expectedVersion === undefined) {
      throw preconditionRequired(
        "Send If-Match or expected_version, so a count never overwrites changes you have not seen.",
      );
    }
    const actor = { id: actorOf(c).id, idempotencyKey: c.req.header("idempotency-key") ?? crypto.randomUUID() };
    const result = await inventory.countStock(
      await placeReads.of(c),
      c.env.INVENTORY,
      c.req.valid("param").product_id,
      { ...body, expected_version: expectedVersion },
      actor,
    );
    c.header("ETag", versionEtag(result.movement.version));
    return c.json(result, 200);
  },
);

inventoryRoutes.openapi(
  createRoute({
    method: "post",
    path: "/{product_id}/adjustments",
    tags,
    summary: "Adjust on_hand by a delta with a reason",
    security: bearerSecurity,
    middleware: [stockChange(true)] as const,
    request: { params, headers: idempotencyHeader, body: jsonBody(AdjustmentSchema) },
    responses: { 201: jsonContent(AdjustmentResultSchema, "The movement and the new level"), ...problems(404, 409) },
  }),
  async (c) => {
    const result = await inventory.adjustStock(
      await placeReads.of(c),
      c.env.INVENTORY,
      c.req.valid("param").product_id,
      c.req.valid("json"),
      stockActor(c),
    );
    return c.json(result, 201);
  },
);

inventoryRoutes.openapi(
  createRoute({
    method: "get",
    path: "/{product_id}/movements",
    tags,
    summary: "The product's ledger, newest first",
    security: bearerSecurity,
    request: { params, query: MovementsQuery },
    responses: { 200: jsonContent(MovementPage, "A page of movements"), ...problems(404) },
  }),
  async (c) =>
    c.json(
      await inventory.listMovements(
        c.get("db"),
        c.env.INVENTORY,
        c.req.valid("param").product_id,
        c.req.valid("query"),
      ),
      200,
    ),
);

inventoryRoutes.openapi(
  createRoute({
    method: "post",
    path: "/{product_id}/state-changes",
    tags,
    summary: "Move units between states at a location (damaged, quarantine, written off, arriving)",
    description:
      "`sellable → damaged` is `marked_damaged`, `sellable → quarantine` `quarantined`, `quarantine → sellable` `released_from_quarantine`, `damaged → written_off` `written_off`. Units go `out` and back only on dispatches (400 here). Refused with 409 and the location's level when it would break an invariant (e.g. damaging held units).",
    security: bearerSecurity,
    middleware: [stockChange(true)] as const,
    request: { params, headers: idempotencyHeader, body: jsonBody(StateChangeSchema) },
    responses: { 201: jsonContent(AdjustmentResultSchema, "The movement and the new level"), ...problems(404, 409) },
  }),
  async (c) =>
    c.json(
      await changeStockState(
        await placeReads.of(c),
        c.env.INVENTORY,
        c.req.valid("param").product_id,
        c.req.valid("json"),
        stockActor(c),
      ),
      201,
    ),
);

inventoryRoutes.openapi(
  createRoute({
    method: "put",
    path: "/{product_id}/safety-stock",
    tags,
    summary: "Set the units withheld from sale at a location",
    security: bearerSecurity,
    request: { params, body: jsonBody(SafetyStockSchema) },
    responses: { 200: jsonContent(StockLevelSchema, "The level at that location"), ...problems(404) },
  }),
  async (c) =>
    c.json(
      await setSafetyStock(c.get("db"), c.env.INVENTORY, c.req.valid("param").product_id, c.req.valid("json")),
      200,
    ),
);
