// Checkout with stock spread over three fulfilling locations: 2 units a line against
// products holding 1,000 at each location, so holds are placed by priority at one
// location per line. Compare with `checkout` (every unit at the default location).
import { fulfillingLocations, spreadStock } from "../lib/stock.mjs";
import { checkoutRun } from "./checkout.mjs";

export default {
  name: "checkout-multi-location",
  title: "POST /v1/orders, 2 lines of 2 units, stock over 3 fulfilling locations, 32 concurrent",
  needs: () => [
    ["POST", "/v1/orders"],
    ["POST", "/v1/locations"],
  ],
  async run(ctx) {
    const admin = await ctx.adminToken();
    const locations = await fulfillingLocations(ctx.api, admin, 2);
    const products = await ctx.scenarioProducts(ctx.quick ? 20 : 100, "checkout-multi-location");
    for (const product of products) await spreadStock(ctx.api, admin, product.id, 3_000, locations);
    return [await checkoutRun(ctx, { label: "checkout-multi-location", products, qty: 2 })];
  },
};
