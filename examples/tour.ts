/*
 * The README's API tour in TypeScript, with @stockroom/client: every path, parameter,
 * header, body and answer below is typed from the API's OpenAPI document, and
 * `npm run check` compiles this file with `strict`, so a change of the API that breaks
 * the tour breaks the check; `npm run tour` runs it as its last step. By hand, against a
 * dev server and after `npm run client:build`:
 * `BASE=http://localhost:8787 PASSWORD=<SEED_ADMIN_PASSWORD> npx tsx examples/tour.ts`.
 */
import { createStockroomClient, type Schema, verifyWebhook, WebhookVerificationError } from "@stockroom/client";

const BASE = process.env.BASE ?? "http://localhost:8787";

/** The problem of a failed call as an Error, so the tour stops at the first one and says why. */
function expectData<T>(result: { data?: T; error?: unknown; response: Response }): T {
  // A 204 has no data: the answer's status says it went through.
  if (result.response.ok) return result.data as T;
  const problem = result.error as Partial<Schema<"Problem">> | undefined;
  throw new Error(`${problem?.code ?? "error"}: ${problem?.detail ?? JSON.stringify(result.error)}`);
}

// Signing in: the access token lasts 15 minutes; refresh tokens rotate on every use.
const anonymous = createStockroomClient({ baseUrl: BASE });
const session = expectData(
  await anonymous.POST("/v1/auth/login", {
    body: { email: "admin@stockroom.dev", password: process.env.PASSWORD ?? "" },
  }),
);
const api = createStockroomClient({ baseUrl: BASE, token: session.access_token });
const me = expectData(await api.GET("/v1/auth/me"));
console.log(me.user?.email, me.permissions.length);

// Catalog: a product is a draft until published; edits take If-Match with the version read.
const category = expectData(await api.POST("/v1/categories", { body: { name: `Mugs ${Date.now()}` } }));
const mug = expectData(
  await api.POST("/v1/products", {
    body: { sku: `MUG-${Date.now()}`, name: "Red enamel mug", price: 1800, category_id: category.id },
  }),
);
const published = expectData(await api.POST("/v1/products/{id}/publish", { params: { path: { id: mug.id } } }));
const described = expectData(
  await api.PATCH("/v1/products/{id}", {
    params: { path: { id: mug.id }, header: { "if-match": `W/"${published.version}"` } },
    body: { description: "Enamel on steel, 350 ml." },
  }),
);
console.log(described.status, described.version);

// Stock: changes take an Idempotency-Key (required, so the types ask for it); a repeat replays.
const received = expectData(
  await api.POST("/v1/inventory/{product_id}/adjustments", {
    params: { path: { product_id: mug.id }, header: { "idempotency-key": crypto.randomUUID() } },
    body: { delta: 25, reason: "received", reference: "PO-1001" },
  }),
);
console.log(received.level.on_hand);
// A stock-take names the version it counted against (If-Match, else 428).
const { response: levelResponse } = await api.GET("/v1/inventory/{product_id}", {
  params: { path: { product_id: mug.id } },
});
const counted = expectData(
  await api.PUT("/v1/inventory/{product_id}", {
    params: { path: { product_id: mug.id }, header: { "if-match": levelResponse.headers.get("etag") ?? "" } },
    body: { on_hand: 4, note: "aisle 4" },
  }),
);
console.log(counted.movement.reason, counted.level.on_hand);

// Customers sign themselves up and check out; checkout holds the stock or answers
// 409 INSUFFICIENT_STOCK with each short line.
const signedUp = expectData(
  await anonymous.POST("/v1/auth/register", {
    body: { email: `sam-${crypto.randomUUID()}@example.com`, password: "Sam-likes-tea-7", name: "Sam" },
  }),
);
const sam = createStockroomClient({ baseUrl: BASE, token: signedUp.access_token });
const tooMany = await sam.POST("/v1/orders", {
  params: { header: { "idempotency-key": crypto.randomUUID() } },
  body: { lines: [{ product_id: mug.id, qty: 5 }] },
});
if (tooMany.error?.code !== "INSUFFICIENT_STOCK") throw new Error("5 of 4 mugs were sold");
for (const line of tooMany.error.lines ?? []) console.log(line.product_id, line.requested, line.available);
const order = expectData(
  await sam.POST("/v1/orders", {
    params: { header: { "idempotency-key": crypto.randomUUID() } },
    body: { lines: [{ product_id: mug.id, qty: 2 }] },
  }),
);
const paid = expectData(
  await api.POST("/v1/orders/{id}/pay", {
    params: { path: { id: order.id }, header: { "idempotency-key": crypto.randomUUID() } },
    body: { provider: "manual", method: "card", reference: "terminal 4711" },
  }),
);
console.log(paid.status, paid.total, paid.currency);

// Webhooks: subscribe, then verify each delivery with the same package (the raw body, as received).
const endpoint = expectData(
  await api.POST("/v1/webhooks", { body: { url: "https://hooks.example.com/stockroom", event_types: ["order.*"] } }),
);
export async function receive(request: Request): Promise<Response> {
  try {
    const event = await verifyWebhook(endpoint.secret, request.headers, await request.text());
    console.log(event.id, event.type);
    return new Response(null, { status: 204 });
  } catch (err) {
    return new Response(null, { status: err instanceof WebhookVerificationError ? 400 : 500 });
  }
}
expectData(await api.DELETE("/v1/webhooks/{id}", { params: { path: { id: endpoint.id } } }));
