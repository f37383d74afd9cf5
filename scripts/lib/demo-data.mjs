// The demo data set, created through the running API as the demo admin, so that
// it goes through the same rules, events and search index as real data (stock, in
// particular, can only be written by the products' Durable Objects).
import { randomUUID } from "node:crypto";

const CATALOG = [
  {
    category: "Coffee",
    products: [
      ["COF-ETH-250", "Ethiopia Yirgacheffe 250 g", 1450, "5012345678900", 40],
      ["COF-COL-250", "Colombia Huila 250 g", 1290, "5012345678917", 35],
      ["COF-DEC-250", "Swiss Water Decaf 250 g", 1390, null, 4],
    ],
  },
  {
    category: "Brewing",
    products: [
      ["BRW-V60-02", "Ceramic dripper, size 02", 2400, "4006381333931", 12],
      ["BRW-FIL-100", "Paper filters, 100 pack", 650, null, 80],
      ["BRW-KTL-1L", "Gooseneck kettle 1 l", 5900, "0036000291452", 6],
    ],
  },
  {
    category: "Tea",
    products: [
      ["TEA-SEN-100", "Sencha 100 g", 990, null, 25],
      ["TEA-ASS-100", "Assam breakfast 100 g", 850, null, 0],
    ],
  },
];

async function api(base, token, method, path, body, extraHeaders = {}) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json", ...extraHeaders },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} → ${response.status}: ${text}`);
  return text ? JSON.parse(text) : null;
}

/** Creates the demo catalog and answers a one-line summary of what it made. */
export async function seedDemoData(base, email, password) {
  const login = await fetch(`${base}/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password }),
  });
  if (!login.ok) throw new Error(`demo admin login failed: ${login.status} ${await login.text()}`);
  const { access_token: token } = await login.json();

  const stockLines = [];
  for (const [position, group] of CATALOG.entries()) {
    const category = await api(base, token, "POST", "/v1/categories", { name: group.category, position });
    for (const [sku, name, price, barcode, stock] of group.products) {
      const product = await api(base, token, "POST", "/v1/products", {
        sku,
        name,
        price,
        ...(barcode ? { barcode } : {}),
        category_id: category.id,
        description: `${name}, from the Stockroom demo catalog.`,
        low_stock_threshold: 5,
      });
      await api(base, token, "POST", `/v1/products/${product.id}/publish`);
      if (stock > 0)
        stockLines.push({ product_id: product.id, delta: stock, reason: "received", reference: "demo seed" });
    }
  }
  await api(
    base,
    token,
    "POST",
    "/v1/inventory/adjustments:batch",
    { lines: stockLines },
    { "idempotency-key": randomUUID() },
  );
  const products = CATALOG.reduce((n, group) => n + group.products.length, 0);
  return `${CATALOG.length} categories, ${products} published products, ${stockLines.length} with stock`;
}
