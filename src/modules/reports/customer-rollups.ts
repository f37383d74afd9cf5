import { sql } from "drizzle-orm";
import type { Statement } from "../../db/batch";
import type { Database } from "../../db/client";
import { customerFirstPaid, dailyCustomerSales } from "../../db/schema";
import { dayIn } from "../../lib/days";
import type { RollupKey } from "./rollups";

interface CustomerDelta {
  ordersPaid?: number;
  grossSales?: number;
  refunds?: number;
}

function customerRollup(db: Database, key: RollupKey, customerId: string, delta: CustomerDelta): Statement {
  const values = { ordersPaid: delta.ordersPaid ?? 0, grossSales: delta.grossSales ?? 0, refunds: delta.refunds ?? 0 };
  return db
    .insert(dailyCustomerSales)
    .values({ day: dayIn(key.timeZone, key.at), customerId, currency: key.currency, ...values })
    .onConflictDoUpdate({
      target: [dailyCustomerSales.day, dailyCustomerSales.customerId, dailyCustomerSales.currency],
      set: {
        ordersPaid: sql`${dailyCustomerSales.ordersPaid} + ${values.ordersPaid}`,
        grossSales: sql`${dailyCustomerSales.grossSales} + ${values.grossSales}`,
        refunds: sql`${dailyCustomerSales.refunds} + ${values.refunds}`,
      },
    });
}

/** A customer's order paid: into the customer's day, and the day of their first paid order if it is the first. */
export function customerPaidRollups(db: Database, key: RollupKey, customerId: string, total: number): Statement[] {
  const day = dayIn(key.timeZone, key.at);
  return [
    customerRollup(db, key, customerId, { ordersPaid: 1, grossSales: total }),
    db
      .insert(customerFirstPaid)
      .values({ customerId, day })
      .onConflictDoUpdate({
        target: customerFirstPaid.customerId,
        set: { day: sql`min(${customerFirstPaid.day}, ${day})` },
      }),
  ];
}

/** A refund of a customer's order, on the day it is recorded. */
export function customerRefundRollup(db: Database, key: RollupKey, customerId: string, amount: number): Statement {
  return customerRollup(db, key, customerId, { refunds: amount });
}
