import { asc, eq } from "drizzle-orm";
import type { Database } from "../../db/client";
import { returnReceipts } from "../../db/schema";
import { chunks } from "../../lib/chunks";
import { badRequest } from "../../lib/errors";
import { derivedId } from "../../lib/ids";
import { log } from "../../lib/log";
import { DEFAULT_LOCATION_ID, knownLocations } from "../locations";
import type { OrderDeps } from "../orders";
import type { InventoryDO } from "../stock";
import { type StepRequest, stepReturn } from "./decide";
import type { ReceiveReturnInput } from "./schemas";
import { receiveIntoStock } from "./stock";
import type { ReceiptRow, ReturnLineRow } from "./store";

/** Where each receipt row's units go: the location asked for or the default one; none for `missing`. */
const placeOf = (r: ReceiveReturnInput["lines"][number]) =>
  r.condition === "missing" ? null : (r.location_id ?? DEFAULT_LOCATION_ID);

/** Every unit of every line accounted for once; active locations only where units go into stock. */
async function checkReceipt(db: Database, lines: ReturnLineRow[], input: ReceiveReturnInput): Promise<void> {
  const places = await knownLocations(
    db,
    input.lines.map(placeOf).filter((id): id is string => id !== null),
  );
  const expected = new Map(lines.map((l) => [l.productId, l.qty]));
  const counted = new Map<string, number>();
  const problems: { path: string; message: string }[] = [];
  for (const [i, r] of input.lines.entries()) {
    if (!expected.has(r.product_id))
      problems.push({ path: `lines.${i}.product_id`, message: "Not a line of this return" });
    const place = placeOf(r);
    if (r.condition === "missing" && r.location_id !== undefined) {
      problems.push({ path: `lines.${i}.location_id`, message: "Missing units go nowhere" });
    } else if (place !== null && !places.get(place)?.active) {
      problems.push({ path: `lines.${i}.location_id`, message: "Not an active location" });
    }
    counted.set(r.product_id, (counted.get(r.product_id) ?? 0) + r.qty);
  }
  for (const [productId, qty] of expected) {
    const got = counted.get(productId) ?? 0;
    if (got !== qty) {
      problems.push({
        path: "lines",
        message: `${productId}: ${got} of ${qty} units accounted for; record every unit`,
      });
    }
  }
  if (problems.length > 0) {
    const unaccounted = problems.some((p) => p.path === "lines");
    throw badRequest(
      unaccounted ? "The receipt does not account for the return's units." : "Some receipt lines are not valid.",
      problems,
    );
  }
}

/** The receipt's stock movements; idempotent by their derived ids. Returns whether all went through. */
export async function moveReceivedStock(
  db: Database,
  objects: DurableObjectNamespace<InventoryDO>,
  returnId: string,
  actor: string | null,
): Promise<boolean> {
  const receipts = await db
    .select()
    .from(returnReceipts)
    .where(eq(returnReceipts.returnId, returnId))
    .orderBy(asc(returnReceipts.position));
  const moved = await Promise.allSettled(receipts.map((receipt) => receiveIntoStock(objects, receipt, actor)));
  return moved.every((m) => m.status === "fulfilled");
}

/**
 * `approved → received`: what arrived, per line and condition, is recorded with the
 * transition in one batch; then the arrived units move into stock (reason `returned`).
 * The `return.received` event runs the same moves again in the pipeline, so a crash
 * or an unreachable stock object between the two loses nothing.
 */
export async function receiveReturn(deps: OrderDeps, id: string, input: ReceiveReturnInput, request: StepRequest) {
  const { actor, meta, eventId } = request;
  const view = await stepReturn(
    deps,
    id,
    {
      to: "received",
      action: "received",
      async build({ ret, lines }, now) {
        await checkReceipt(deps.db, lines, input);
        const rows: ReceiptRow[] = await Promise.all(
          input.lines.map(async (r, position) => ({
            returnId: ret.id,
            position,
            productId: r.product_id,
            condition: r.condition,
            locationId: placeOf(r),
            qty: r.qty,
            movementId: r.condition === "missing" ? null : await derivedId("mov", ret.id, String(position)),
          })),
        );
        return {
          transition: {
            to: "received",
            event: "return.received",
            set: { receivedAt: now, ...(input.note ? { decisionReason: input.note } : {}) },
            eventData: { lines: input.lines },
          },
          // Seven parameters a row: 14 rows a statement stay under D1's 100.
          extra: chunks(rows, 14).map((part) => deps.db.insert(returnReceipts).values(part)),
        };
      },
    },
    actor,
    meta,
    eventId,
  );
  // Also on a retry that found the step committed: its moves are idempotent by their ids.
  if (!(await moveReceivedStock(deps.db, deps.objects, id, actor.id))) {
    log.warn("moving a return's units into stock failed; the pipeline retries", { return_id: id });
  }
  return view;
}
