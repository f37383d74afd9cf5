import { sql } from "drizzle-orm";
import type { Statement } from "../../db/batch";
import type { Database } from "../../db/client";
import { dailyFulfilment, dailyOrderStatus, orderStatusTotals } from "../../db/schema";
import { dayIn } from "../../lib/days";
import { fulfilmentSeconds } from "./recompute";
import type { RollupKey } from "./rollups";

/** The order as its status rollups see it: the day it was placed, its currency and total. */
export interface StatusRollupOrder {
  createdAt: string;
  currency: string;
  total: number;
}

function moveBy(db: Database, timeZone: string, order: StatusRollupOrder, status: string, sign: 1 | -1): Statement[] {
  const day = dayIn(timeZone, order.createdAt);
  return [
    db
      .insert(orderStatusTotals)
      .values({ status, orders: sign })
      .onConflictDoUpdate({
        target: orderStatusTotals.status,
        set: { orders: sql`${orderStatusTotals.orders} + ${sign}` },
      }),
    db
      .insert(dailyOrderStatus)
      .values({ day, currency: order.currency, status, orders: sign, total: sign * order.total })
      .onConflictDoUpdate({
        target: [dailyOrderStatus.day, dailyOrderStatus.currency, dailyOrderStatus.status],
        set: {
          orders: sql`${dailyOrderStatus.orders} + ${sign}`,
          total: sql`${dailyOrderStatus.total} + ${sign * order.total}`,
        },
      }),
  ];
}

/**
 * An order placed (`from` null) or moved from one status to another: out of the old
 * status's rows, into the new one's, in the status totals and in its placing day's row.
 */
export function statusRollups(
  db: Database,
  timeZone: string,
  order: StatusRollupOrder,
  from: string | null,
  to: string,
): Statement[] {
  return [...(from === null ? [] : moveBy(db, timeZone, order, from, -1)), ...moveBy(db, timeZone, order, to, 1)];
}

/** An order fulfilled at `key.at`, paid at `paidAt`: one more fulfilment, and its seconds, on that day. */
export function fulfilmentRollup(db: Database, key: RollupKey, paidAt: string): Statement {
  const seconds = fulfilmentSeconds(paidAt, key.at);
  return db
    .insert(dailyFulfilment)
    .values({
      day: dayIn(key.timeZone, key.at),
      currency: key.currency,
      ordersFulfilled: 1,
      fulfilmentSeconds: seconds,
    })
    .onConflictDoUpdate({
      target: [dailyFulfilment.day, dailyFulfilment.currency],
      set: {
        ordersFulfilled: sql`${dailyFulfilment.ordersFulfilled} + 1`,
        fulfilmentSeconds: sql`${dailyFulfilment.fulfilmentSeconds} + ${seconds}`,
      },
    });
}
