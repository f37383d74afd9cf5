import { sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { getSettings } from "../settings";
import { reportRange } from "./range";

export interface CustomersQuery {
  from: string;
  to: string;
  limit: number;
}

interface Summary {
  customers: number;
  new_customers: number;
  returning_customers: number;
  repeat_customers: number;
}

interface TopCustomer {
  customer_id: string;
  email: string | null;
  name: string | null;
  first_paid_day: string | null;
  orders_paid: number;
  gross_sales: number;
  refunds: number;
  net_sales: number;
}

/**
 * Customers over the period from the per-customer daily rollups, in the store's
 * currency. A customer is active with at least one order paid in the period; new when
 * their first paid order ever falls in it, returning when they had paid before it.
 * The top customers are by net spend (paid totals − refunds recorded in the period);
 * their email and name only with `contacts` (the caller may read customers).
 */
export async function customersReport(db: Database, query: CustomersQuery, contacts: boolean) {
  const { from, end } = reportRange(query);
  const { currency, time_zone } = await getSettings(db);
  const inPeriod = sql`currency = ${currency} AND day >= ${from} AND day < ${end}`;
  const [[summary], top] = await Promise.all([
    db.all<Summary>(sql`
      WITH active AS (
        SELECT customer_id, sum(orders_paid) AS paid FROM daily_customer_sales WHERE ${inPeriod}
        GROUP BY customer_id HAVING sum(orders_paid) > 0)
      SELECT count(*) AS customers, coalesce(sum(f.day >= ${from}), 0) AS new_customers,
        coalesce(sum(f.day < ${from}), 0) AS returning_customers, coalesce(sum(a.paid >= 2), 0) AS repeat_customers
      FROM active a LEFT JOIN customer_first_paid f ON f.customer_id = a.customer_id`),
    db.all<TopCustomer>(sql`
      WITH spend AS (
        SELECT customer_id, sum(orders_paid) AS orders_paid, sum(gross_sales) AS gross_sales, sum(refunds) AS refunds,
          sum(gross_sales) - sum(refunds) AS net_sales
        FROM daily_customer_sales WHERE ${inPeriod} GROUP BY customer_id
        ORDER BY net_sales DESC, customer_id LIMIT ${query.limit})
      SELECT s.customer_id, u.email, u.name, f.day AS first_paid_day, s.orders_paid, s.gross_sales, s.refunds, s.net_sales
      FROM spend s LEFT JOIN users u ON u.id = s.customer_id LEFT JOIN customer_first_paid f ON f.customer_id = s.customer_id
      ORDER BY s.net_sales DESC, s.customer_id`),
  ]);
  const counts = summary ?? { customers: 0, new_customers: 0, returning_customers: 0, repeat_customers: 0 };
  return {
    currency,
    time_zone,
    from: query.from,
    to: query.to,
    ...counts,
    repeat_rate: counts.customers > 0 ? counts.repeat_customers / counts.customers : null,
    top_customers: contacts ? top : top.map((t) => ({ ...t, email: null, name: null })),
  };
}
