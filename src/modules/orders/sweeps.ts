import { and, asc, eq, lt } from "drizzle-orm";
import { createDb } from "../../db/client";
import { orders, payments } from "../../db/schema";
import { AppError } from "../../lib/errors";
import { log } from "../../lib/log";
import { flushOutbox } from "../events";
import { expirePendingOrders } from "./cancel";
import { completePayment } from "./payment";
import { linesOf, type OrderDeps, orderDeps, systemMeta } from "./store";

/**
 * The every-minute order sweeps: pending orders past `expires_at` are cancelled
 * (`expired`), payments whose request died mid-way are completed or unwound, and the
 * events they wrote are published at once.
 */
export async function runOrderSweeps(env: Env, now: number): Promise<{ expired: number; resumed: number }> {
  const db = createDb(env.DB);
  const deps = orderDeps(env, db);
  try {
    const expired = await expirePendingOrders(deps, now);
    const resumed = await resumeStalledPayments(deps, now);
    return { expired, resumed };
  } finally {
    await flushOutbox(db, env.EVENTS);
  }
}

/** Longer than any request takes: a payment claimed this long ago has lost its request. */
const STALLED_AFTER_MS = 2 * 60_000;

/** Cron: runs again every payment whose request died between claim and completion. */
export async function resumeStalledPayments(deps: OrderDeps, now = Date.now(), limit = 20): Promise<number> {
  const cutoff = new Date(now - STALLED_AFTER_MS).toISOString();
  const stalled = await deps.db
    .select()
    .from(orders)
    .where(and(eq(orders.status, "paying"), lt(orders.updatedAt, cutoff)))
    .orderBy(asc(orders.updatedAt))
    .limit(limit);
  let resumed = 0;
  for (const order of stalled) {
    const [payment] = await deps.db
      .select()
      .from(payments)
      .where(and(eq(payments.orderId, order.id), eq(payments.status, "pending")))
      .orderBy(asc(payments.createdAt))
      .limit(1);
    const provider = payment ? deps.payments[payment.provider] : undefined;
    if (!payment || !provider) {
      log.warn("stalled payment cannot be resumed", { order_id: order.id, payment_id: payment?.id ?? null });
      continue;
    }
    try {
      await completePayment(
        deps,
        order,
        await linesOf(deps.db, order.id),
        payment,
        provider,
        systemMeta("resume"),
        true,
      );
      resumed++;
    } catch (err) {
      // A 409 here is a final outcome (cancelled, declined), already recorded.
      if (!(err instanceof AppError && err.status === 409)) {
        log.warn("resuming a stalled payment failed", { order_id: order.id, error: err });
      }
    }
  }
  return resumed;
}
