// Historical orders, by SQL, once the orders module's tables exist. Their columns are
// filled by name from the table's live definition: known names get realistic values
// (completed orders from the past year, totals in minor units), and a required column
// this file does not know stops the seeding with its name rather than a guess.
// When the orders schema lands, extend ORDER_VALUES / LINE_VALUES if it says so.
import { newId } from "../../../scripts/lib/users.mjs";
import { insertRows, requiredColumns, tableColumns, tableExists } from "../sql.mjs";
import { seededRandom } from "./catalog.mjs";

const LINE_TABLES = ["order_lines", "order_items"];
const TAX_RATE_BPS = 2_000;

const ORDER_VALUES = {
  id: (o) => o.id,
  number: (o) => o.number,
  order_number: (o) => o.number,
  customer_id: (o) => o.customerId,
  user_id: (o) => o.customerId,
  status: () => "completed",
  source: () => "checkout",
  capture_mode: () => "automatic",
  currency: () => "USD",
  subtotal: (o) => o.subtotal,
  tax: (o) => o.tax,
  tax_total: (o) => o.tax,
  tax_amount: (o) => o.tax,
  tax_rate_bps: () => TAX_RATE_BPS,
  total: (o) => o.subtotal + o.tax,
  discount: () => 0,
  discount_total: () => 0,
  item_count: (o) => o.lines.length,
  line_count: (o) => o.lines.length,
  customer_note: () => null,
  note: () => null,
  notes: () => null,
  staff_note: () => null,
  shipping_address: () => null,
  billing_address: () => null,
  metadata: () => ({}),
  payment_method: () => "manual",
  payment_status: () => "captured",
  idempotency_key: (o) => `bench-${o.id}`,
  version: () => 1,
  expires_at: (o) => o.createdAt,
  paid_at: (o) => o.createdAt,
  completed_at: (o) => o.createdAt,
  placed_at: (o) => o.createdAt,
  created_at: (o) => o.createdAt,
  updated_at: (o) => o.createdAt,
};

const LINE_VALUES = {
  id: (l) => l.id,
  order_id: (l) => l.orderId,
  product_id: (l) => l.product.id,
  sku: (l) => l.product.sku,
  name: (l) => l.product.name,
  product_name: (l) => l.product.name,
  qty: (l) => l.qty,
  quantity: (l) => l.qty,
  unit_price: (l) => l.product.price,
  price: (l) => l.product.price,
  line_total: (l) => l.product.price * l.qty,
  total: (l) => l.product.price * l.qty,
  subtotal: (l) => l.product.price * l.qty,
  refunded_qty: () => 0,
  refunded_quantity: () => 0,
  position: (l) => l.position,
  line_no: (l) => l.position,
  reservation_id: () => null,
  created_at: (l) => l.createdAt,
  updated_at: (l) => l.createdAt,
};

/** Rows for the columns the table has, or the names of required ones we cannot fill. */
function shapeRows(columns, values, items) {
  const unknown = requiredColumns(columns).filter((c) => !(c in values));
  if (unknown.length > 0) return { unknown };
  const fillable = columns.map((c) => c.name).filter((name) => name in values);
  return { rows: items.map((item) => Object.fromEntries(fillable.map((name) => [name, values[name](item)]))) };
}

export async function seedOrders(db, { count, customers, products }) {
  if (!(await tableExists(db, "orders"))) return { skipped: "no orders table yet" };
  const lineTable = (await Promise.all(LINE_TABLES.map((t) => tableExists(db, t)))).findIndex(Boolean);
  if (lineTable === -1) return { skipped: `no order lines table (${LINE_TABLES.join(" / ")})` };
  const rand = seededRandom(11);
  const now = Date.now();
  const orders = [];
  const lines = [];
  for (let n = 1; n <= count; n++) {
    const id = newId("ord");
    const createdAt = new Date(now - rand() * 365 * 86_400_000).toISOString();
    // One line per product, as checkout merges duplicates.
    const distinct = new Set();
    const lineCount = 1 + Math.floor(rand() * 4);
    while (distinct.size < lineCount) distinct.add(products[Math.floor(rand() * products.length)]);
    const picked = [...distinct].map((product, i) => ({
      id: `${id}-${i}`,
      orderId: id,
      product,
      qty: 1 + Math.floor(rand() * 3),
      position: i,
      createdAt,
    }));
    const subtotal = picked.reduce((sum, l) => sum + l.product.price * l.qty, 0);
    orders.push({
      id,
      number: `BENCH-${String(n).padStart(7, "0")}`,
      customerId: customers[Math.floor(rand() * customers.length)].id,
      createdAt,
      lines: picked,
      subtotal,
      tax: Math.round((subtotal * TAX_RATE_BPS) / 10_000),
    });
    lines.push(...picked);
  }
  const orderShape = shapeRows(await tableColumns(db, "orders"), ORDER_VALUES, orders);
  const lineShape = shapeRows(await tableColumns(db, LINE_TABLES[lineTable]), LINE_VALUES, lines);
  const unknown = [...(orderShape.unknown ?? []), ...(lineShape.unknown ?? [])];
  if (unknown.length > 0) {
    return {
      skipped: `orders schema has required columns bench/lib/seed/orders.mjs does not know: ${unknown.join(", ")}`,
    };
  }
  await insertRows(db, "orders", orderShape.rows);
  await insertRows(db, LINE_TABLES[lineTable], lineShape.rows);
  return { orders: orders.length, lines: lines.length };
}
