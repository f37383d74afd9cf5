import { env } from "cloudflare:workers";
import { parse } from "csv-parse/sync";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { importJobs } from "../../../src/db/schema";
import { applyImport } from "../../../src/modules/imports/apply";
import { type SignedIn, signInAs } from "../../support/auth";
import { call } from "../../support/http";
import { db, ledger, level, stockedProduct } from "../../support/orders";
import { expectProblem } from "../../support/problem";
import { insertProduct } from "../../support/products";
import { bySku, completed, confirm, upload } from "./support";

let manager: SignedIn;
let operator: SignedIn;

beforeAll(async () => {
  manager = await signInAs("manager");
  operator = await signInAs("operator");
});

describe("product imports", () => {
  it("validate first, apply only on confirm, create and update by SKU, and confirming twice applies once", async () => {
    const existing = await insertProduct({ price: 500 });
    const sku = `NEW-${crypto.randomUUID().slice(0, 8)}`;
    const csv = `sku,name,price\n${existing.sku},Renamed by import,650\n${sku},"Mug, blue",1200\n`;
    const res = await upload(manager, "products", csv);
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({
      status: "validated",
      rows_total: 2,
      rows_valid: 2,
      error_count: 0,
      errors_url: null,
    });
    expect(await bySku(sku)).toHaveLength(0); // nothing applied yet

    const first = await confirm(manager, res.body.id);
    expect(first.status).toBe(202);
    const again = await confirm(manager, res.body.id);
    expect(again.status).toBe(202);
    const done = await completed(manager, res.body.id);
    expect(done).toMatchObject({ rows_done: 2, rows_created: 1, rows_updated: 1 });
    const [created] = await bySku(sku);
    expect(created).toMatchObject({ name: "Mug, blue", price: 1200, status: "draft" });
    const [updated] = await bySku(existing.sku);
    expect(updated).toMatchObject({ name: "Renamed by import", price: 650 });
    // A third confirm, after completion, still applies nothing.
    expect((await confirm(manager, res.body.id)).body.rows_done).toBe(2);
    expect(await bySku(sku)).toHaveLength(1);
  });

  it("reports every row's errors (row, column, message) as a summary and as CSV, and cannot be confirmed", async () => {
    const sku = `BAD-${crypto.randomUUID().slice(0, 8)}`;
    const csv = `sku,name,price\n${sku},Fine,100\n${sku},Twice,100\nNONAME-${sku},,100\nPRICE-${sku},Odd,12.5\n`;
    const res = await upload(manager, "products", csv);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: "invalid", rows_total: 4, rows_valid: 1 });
    expect(res.body.errors.map((e) => [e.row, e.column])).toEqual([
      [3, "sku"],
      [4, "name"],
      [5, "price"],
    ]);
    const file = await call("GET", res.body.errors_url ?? "", { token: manager.token });
    expect(file.status).toBe(200);
    expect(file.headers.get("content-disposition")).toContain(`${res.body.id}-errors.csv`);
    const rows: string[][] = parse(file.text);
    expect(rows[0]).toEqual(["row", "column", "message"]);
    expect(rows.slice(1).map((r) => r[0])).toEqual(["3", "4", "5"]);
    expectProblem(await confirm(manager, res.body.id), 409, "INVALID_TRANSITION");
    expect(await bySku(sku)).toHaveLength(0);
  });

  it("reads a cell an export neutralised as its text, so an exported file imports back the same", async () => {
    const sku = `=EQ-${crypto.randomUUID().slice(0, 8)}`;
    const res = await upload(manager, "products", `sku,name\n'${sku},'+plus\n`);
    expect(res.body.status, res.text).toBe("validated");
    await confirm(manager, res.body.id);
    await completed(manager, res.body.id);
    const [created] = await bySku(sku);
    expect(created?.name).toBe("+plus");
  });

  it("refuses a file without the required columns, or with unknown ones, storing no job", async () => {
    const before = (await db.select({ id: importJobs.id }).from(importJobs)).length;
    expectProblem(await upload(manager, "products", "name,price\nA,1\n"), 400, "VALIDATION_FAILED");
    expectProblem(await upload(manager, "products", "sku,colour\nA,red\n"), 400, "VALIDATION_FAILED");
    expectProblem(await upload(manager, "widgets", "sku\nA\n"), 400, "VALIDATION_FAILED");
    expect((await db.select({ id: importJobs.id }).from(importJobs)).length).toBe(before);
  });

  it("is refused to whoever may not write products", async () => {
    expectProblem(await upload(operator, "products", "sku,name\nX,Y\n"), 403, "FORBIDDEN");
  });
});

describe("stock-count imports", () => {
  it("set each counted on_hand once, even when a chunk is applied again", async () => {
    const a = await stockedProduct(10);
    const b = await stockedProduct(3);
    const res = await upload(operator, "stock_counts", `sku,on_hand\n${a.sku},7\n${b.sku},12\n`);
    expect(res.status, res.text).toBe(201);
    expect(res.body.status).toBe("validated");
    await confirm(operator, res.body.id);
    await confirm(operator, res.body.id);
    await completed(operator, res.body.id);
    expect((await level(a.id)).on_hand).toBe(7);
    expect((await level(b.id)).on_hand).toBe(12);

    // A redelivered message re-applying every row (the place reset, as if the save was lost).
    await db.update(importJobs).set({ status: "applying", rowsDone: 0 }).where(eq(importJobs.id, res.body.id));
    await applyImport({ db: db, bucket: env.FILES, stock: env.INVENTORY }, res.body.id);
    const counts = (await ledger(a.id)).filter((m) => m.reason === "cycle_count");
    expect(counts).toHaveLength(1);
    expect((await level(a.id)).on_hand).toBe(7);
  });

  it("check SKUs and counts, row by row", async () => {
    const a = await stockedProduct(1);
    const res = await upload(
      operator,
      "stock_counts",
      `sku,on_hand,location_code\nNOPE-1,3,\n${a.sku},-2,\n${a.sku}X,x,\n`,
    );
    expect(res.body.status).toBe("invalid");
    expect(res.body.errors.map((e) => [e.row, e.column])).toEqual([
      [2, "sku"],
      [3, "on_hand"],
      [4, "sku"],
      [4, "on_hand"],
    ]);
  });
});
