/*
 * Fulfilment: the goods leave, per location. Stock already left the shelf when the
 * order was paid (its holds were committed where they were allocated); fulfilment
 * records which of those units have gone out from which location. Without a location
 * everything left is fulfilled at once; with one, only what was allocated there. The
 * order is `completed` when every line is fully fulfilled.
 */
import { and, eq } from "drizzle-orm";
import type { Actor } from "../../context";
import { isGuardFailure, runBatch } from "../../db/batch";
import { type LineAllocation, orderLines } from "../../db/schema";
import { badRequest, conflict, invalidTransition } from "../../lib/errors";
import { nowIso } from "../../lib/time";
import type { RequestMeta } from "../audit";
import { fulfilmentRollup } from "../reports";
import { getSettings } from "../settings";
import { findOrder, type LineRow, loadOrder, type OrderDeps } from "./store";
import { assertTransition, transitionStatements } from "./transitions";

export interface FulfilInput {
  reason?: string | undefined;
  location_id?: string | undefined;
  lines?: { product_id: string; qty: number }[] | undefined;
}

const qtyAt = (entries: LineAllocation[], locationId: string) =>
  entries.find((e) => e.location_id === locationId)?.qty ?? 0;
const total = (entries: LineAllocation[]) => entries.reduce((sum, e) => sum + e.qty, 0);

function addAt(entries: LineAllocation[], locationId: string, qty: number): LineAllocation[] {
  const found = entries.some((e) => e.location_id === locationId);
  return found
    ? entries.map((e) => (e.location_id === locationId ? { ...e, qty: e.qty + qty } : e))
    : [...entries, { location_id: locationId, qty }];
}

/** Each line's fulfilled units after this fulfilment; refuses anything beyond what was allocated there. */
function plan(lines: LineRow[], input: FulfilInput): Map<string, LineAllocation[]> {
  const next = new Map<string, LineAllocation[]>();
  const locationId = input.location_id;
  if (!locationId) {
    if (input.lines) throw badRequest("Lines are fulfilled at a location: send location_id with them.");
    for (const line of lines) next.set(line.productId, line.allocations);
    return next;
  }
  const byProduct = new Map(lines.map((l) => [l.productId, l]));
  const asked =
    input.lines ??
    lines.map((l) => ({
      product_id: l.productId,
      qty: qtyAt(l.allocations, locationId) - qtyAt(l.fulfilled, locationId),
    }));
  for (const { product_id, qty } of asked) {
    const line = byProduct.get(product_id);
    if (!line)
      throw badRequest(`Product ${product_id} is not on this order.`, [{ path: "lines", message: "Not on the order" }]);
    if (qty <= 0) continue;
    const left = qtyAt(line.allocations, locationId) - qtyAt(line.fulfilled, locationId);
    if (qty > left) {
      throw conflict(`Only ${left} units of ${product_id} are left to fulfil at this location.`, {
        product_id,
        location_id: locationId,
        requested: qty,
        left,
      });
    }
    next.set(product_id, addAt(line.fulfilled, locationId, qty));
  }
  if (next.size === 0) throw conflict("Nothing is left to fulfil at this location.", { location_id: locationId });
  return next;
}

export async function fulfilOrder(
  deps: OrderDeps,
  orderId: string,
  input: FulfilInput,
  actor: Actor | null,
  meta: RequestMeta,
) {
  const { order, lines } = await loadOrder(deps.db, orderId, actor);
  assertTransition(order, "completed", "fulfilled");
  const fulfilled = plan(lines, input);
  const complete = lines.every((l) => total(fulfilled.get(l.productId) ?? l.fulfilled) >= l.qty);
  const now = nowIso();
  const { time_zone: timeZone } = await getSettings(deps.db);
  const { statements } = transitionStatements(
    deps.db,
    meta,
    order,
    complete
      ? {
          to: "completed",
          set: { completedAt: now },
          reason: input.reason ?? "fulfilled",
          event: { type: "order.completed" },
          auditAction: "order.completed",
        }
      : { to: "processing", reason: input.reason ?? null, auditAction: "order.partially_fulfilled" },
    now,
    timeZone,
  );
  if (complete && order.paidAt) {
    statements.push(fulfilmentRollup(deps.db, { timeZone, at: now, currency: order.currency }, order.paidAt));
  }
  for (const [productId, entries] of fulfilled) {
    statements.push(
      deps.db
        .update(orderLines)
        .set({ fulfilled: entries })
        .where(and(eq(orderLines.orderId, orderId), eq(orderLines.productId, productId))),
    );
  }
  try {
    await runBatch(deps.db, statements);
  } catch (err) {
    if (!isGuardFailure(err)) throw err;
    const current = await findOrder(deps.db, orderId);
    throw invalidTransition(`The order changed meanwhile (it is now ${current?.status}); fetch it and retry.`);
  }
}
