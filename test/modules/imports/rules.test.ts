import { eq, like } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { importJobs, products } from "../../../src/db/schema";
import { failImport } from "../../../src/modules/imports";
import { type SignedIn, signInAs } from "../../support/auth";
import { createCategory, createProduct, eventsOf, randomEan13, unique } from "../../support/catalog";
import { createLocation } from "../../support/locations";
import { db, level, stockedProduct } from "../../support/orders";
import { expectProblem } from "../../support/problem";
import { bySku, completed, confirm, finished, upload } from "./support";

let manager: SignedIn;
let operator: SignedIn;

beforeAll(async () => {
  manager = await signInAs("manager");
  operator = await signInAs("operator");
});

describe("import validation holds rows to what the API refuses", () => {
  it("an unknown category, a barcode another product or row has, a former price not above the price", async () => {
    const holder = await createProduct(manager.token, { barcode: randomEan13() });
    const priced = await createProduct(manager.token, { price: 900 });
    const category = await createCategory(manager.token);
    const twice = randomEan13();
    const sku = unique("IMP");
    const csv = [
      "sku,name,price,compare_at_price,category_id,barcode",
      `${sku}-1,In a category,100,,${category.id},`,
      `${sku}-2,Nowhere,100,,cat_nonexistent,`,
      `${sku}-3,Taken code,100,,,${holder.barcode}`,
      `${sku}-4,First claim,100,,,${twice}`,
      `${sku}-5,Second claim,100,,,${twice}`,
      `${priced.sku},,,500,,`,
      `${holder.sku},,,,,${holder.barcode}`,
    ].join("\n");
    const res = await upload(manager, "products", csv);
    expect(res.status, res.text).toBe(201);
    expect(res.body.status).toBe("invalid");
    expect(res.body.errors).toEqual([
      { row: 3, column: "category_id", message: "Unknown category" },
      { row: 4, column: "barcode", message: "Another product already has this barcode" },
      { row: 6, column: "barcode", message: "Same barcode as row 5" },
      { row: 7, column: "compare_at_price", message: "Must be greater than price" },
    ]);
    expect(res.body.rows_valid).toBe(3); // a product keeping its own barcode is fine
  });

  it("a count above what a count may set", async () => {
    const product = await stockedProduct(2);
    const res = await upload(operator, "stock_counts", `sku,on_hand\n${product.sku},100000001\n`);
    expect(res.body.errors).toEqual([{ row: 2, column: "on_hand", message: "A whole number from 0 to 100000000" }]);
  });

  it("counts one SKU at two locations in one file, but not twice at the same one", async () => {
    const shed = await createLocation({ fulfils_orders: false });
    const product = await stockedProduct(10);
    const twice = await upload(
      operator,
      "stock_counts",
      `sku,on_hand,location_code\n${product.sku},3,${shed.code}\n${product.sku},4,${shed.code}\n`,
    );
    expect(twice.body.errors).toEqual([{ row: 3, column: "sku", message: "Same sku and location_code as row 2" }]);

    const res = await upload(
      operator,
      "stock_counts",
      `sku,on_hand,location_code\n${product.sku},6,\n${product.sku},3,${shed.code}\n`,
    );
    expect(res.body.status, res.text).toBe("validated");
    await confirm(operator, res.body.id);
    await completed(operator, res.body.id);
    const stock = await level(product.id);
    expect(stock.on_hand).toBe(9);
    expect(stock.locations.find((l) => l.location_id === shed.id)?.on_hand).toBe(3);
  });

  it("refuses a file with a header and no rows, storing no job", async () => {
    expectProblem(await upload(manager, "products", "sku,name\n"), 400, "VALIDATION_FAILED");
  });
});

describe("applying an import", () => {
  it("stops at a row the catalog refuses since validation: failed, naming the row, the rows before it applied", async () => {
    const code = randomEan13();
    const sku = unique("LATE");
    const res = await upload(
      manager,
      "products",
      `sku,name,barcode\n${sku}-1,First,\n${sku}-2,Second,${code}\n${sku}-3,Third,\n`,
    );
    expect(res.body.status, res.text).toBe("validated");
    // Another product takes the barcode between validation and confirmation.
    await createProduct(manager.token, { barcode: code });

    await confirm(manager, res.body.id);
    const done = await finished(manager, res.body.id);
    expect(done).toMatchObject({
      status: "failed",
      error: "row 3: Another product already has this barcode.",
      rows_done: 1,
      rows_created: 1,
    });
    expect(await bySku(`${sku}-1`)).toHaveLength(1);
    expect(await bySku(`${sku}-2`)).toHaveLength(0);
    expect(await bySku(`${sku}-3`)).toHaveLength(0);
    const failed = (await eventsOf(res.body.id)).filter((e) => e.type === "import.failed");
    expect(failed).toHaveLength(1);
    expect(failed[0]?.data).toMatchObject({ id: res.body.id, rows: 1, error: done.error });
    // Confirming a failed import applies nothing more.
    expectProblem(await confirm(manager, res.body.id), 409, "INVALID_TRANSITION");
  });

  it("goes on in follow-up messages past one run's rows, completing once", async () => {
    const sku = unique("RUN");
    const rows = Array.from({ length: 250 }, (_, i) => `${sku}-${i},Item ${i},${100 + i}`);
    const res = await upload(manager, "products", `sku,name,price\n${rows.join("\n")}\n`);
    expect(res.body.status, res.text).toBe("validated");
    await confirm(manager, res.body.id);
    const done = await completed(manager, res.body.id);
    expect(done).toMatchObject({ rows_done: 250, rows_created: 250, rows_updated: 0 });
    const created = await db
      .select({ id: products.id })
      .from(products)
      .where(like(products.sku, `${sku}-%`));
    expect(created).toHaveLength(250);
    expect((await eventsOf(res.body.id)).filter((e) => e.type === "import.completed")).toHaveLength(1);
  });

  it("is marked failed, once, with its event, when its message ran out of retries", async () => {
    const res = await upload(manager, "products", `sku,name\n${unique("DLQ")},Never applied\n`);
    // As if it had been confirmed and every delivery of its message had failed.
    await db.update(importJobs).set({ status: "applying" }).where(eq(importJobs.id, res.body.id));
    await failImport(db, res.body.id, "Applying failed after every retry.");
    await failImport(db, res.body.id, "Applying failed after every retry.");
    const [job] = await db.select().from(importJobs).where(eq(importJobs.id, res.body.id));
    expect(job).toMatchObject({ status: "failed", error: "Applying failed after every retry.", rowsDone: 0 });
    const failed = (await eventsOf(res.body.id)).filter((e) => e.type === "import.failed");
    expect(failed).toHaveLength(1);
  });
});
