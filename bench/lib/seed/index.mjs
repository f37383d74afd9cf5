// Seeds the data set and times each part: accounts, catalog and historical orders by
// bulk SQL through the D1 binding; stock through the API (the objects are the only
// writers of stock), 500 lines per batch call, as an admin.
import { seedCatalog } from "./catalog.mjs";
import { seedOrders } from "./orders.mjs";
import { seedUsers } from "./users.mjs";

export const FULL_DATASET = { products: 10_000, categories: 100, customers: 1_000, orders: 20_000 };
export const QUICK_DATASET = { products: 500, categories: 50, customers: 100, orders: 1_000 };

const STOCK_LINES_PER_CALL = 500;
const STOCK_CALLS_IN_FLIGHT = 2;

async function seedStock(api, token, products, log) {
  const chunks = [];
  for (let i = 0; i < products.length; i += STOCK_LINES_PER_CALL)
    chunks.push(products.slice(i, i + STOCK_LINES_PER_CALL));
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < chunks.length) {
      const chunk = chunks[next++];
      const lines = chunk.map((p, i) => ({
        product_id: p.id,
        // 50 to 549 units, spread deterministically.
        delta: 50 + ((p.sku.charCodeAt(p.sku.length - 1) * 31 + i * 17) % 500),
        reason: "received",
        reference: "bench seed",
      }));
      const res = await api.expect(200, "POST", "/v1/inventory/adjustments:batch", {
        token,
        idempotent: true,
        body: { lines },
      });
      if (res.body.failed > 0) {
        const first = res.body.results.find((r) => !r.ok);
        throw new Error(`stock seeding: ${res.body.failed} lines refused, e.g. ${JSON.stringify(first)}`);
      }
      done += chunk.length;
      log(`seeding stock: ${done} / ${products.length} products`);
    }
  };
  await Promise.all(Array.from({ length: STOCK_CALLS_IN_FLIGHT }, worker));
}

export async function seedDataset({ db, api, sizes, login, log }) {
  const timings = {};
  const timed = async (name, fn) => {
    const started = performance.now();
    const result = await fn();
    timings[name] = performance.now() - started;
    return result;
  };
  const users = await timed("users_ms", () => seedUsers(db, sizes));
  const catalog = await timed("catalog_ms", () => seedCatalog(db, sizes));
  log(`seeded ${sizes.customers} customers, ${sizes.categories} categories, ${sizes.products} products`);
  const adminToken = await login(users.password);
  await timed("stock_ms", () => seedStock(api, adminToken, catalog.products, log));
  const published = catalog.products.filter((p) => p.status === "published");
  const orders = await timed("orders_ms", () =>
    seedOrders(db, { count: sizes.orders, customers: users.customers, products: published }),
  );
  timings.total_ms = Object.values(timings).reduce((a, b) => a + b, 0);
  return {
    ...users,
    categories: catalog.categories,
    products: catalog.products,
    published,
    orders,
    timings,
  };
}
