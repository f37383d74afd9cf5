import { env } from "cloudflare:workers";
import { eq, inArray } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { importJobs, samples } from "../../../src/db/schema";
import { applyImport } from "../../../src/modules/imports/apply";
import { type SignedIn, signInAs } from "../../support/auth";
import { company, drillhole, project, sample } from "../../support/dispatches";
import { createLocation } from "../../support/locations";
import { db, level, stockedProduct } from "../../support/orders";
import { expectProblem } from "../../support/problem";
import { completed, confirm, upload } from "./support";

let manager: SignedIn;
let operator: SignedIn;
let customer: SignedIn;

const tag = () => crypto.randomUUID().slice(0, 8);

beforeAll(async () => {
  manager = await signInAs("manager");
  operator = await signInAs("operator");
  customer = await signInAs("customer");
});

async function hole(depth = 100) {
  const cmp = await company(manager.token);
  const prj = await project(manager.token, cmp.id);
  return drillhole(manager.token, prj.id, { final_depth: depth });
}

describe("stock counts by location", () => {
  it("set the counted on_hand at the location the code names, leaving the others", async () => {
    const shed = await createLocation({ fulfils_orders: false });
    const product = await stockedProduct(10);
    const res = await upload(operator, "stock_counts", `sku,on_hand,location_code\n${product.sku},4,${shed.code}\n`);
    expect(res.status, res.text).toBe(201);
    expect(res.body.status).toBe("validated");
    await confirm(operator, res.body.id);
    await completed(operator, res.body.id);
    const stock = await level(product.id);
    expect(stock.locations.find((l) => l.location_id === shed.id)?.on_hand).toBe(4);
    expect(stock.on_hand).toBe(14); // the default location keeps its 10
  });

  it("refuses a code no location has", async () => {
    const product = await stockedProduct(1);
    const res = await upload(
      operator,
      "stock_counts",
      `sku,on_hand,location_code\n${product.sku},2,NOWHERE-${tag()}\n`,
    );
    expect(res.body.status).toBe("invalid");
    expect(res.body.errors).toEqual([{ row: 2, column: "location_code", message: "No location has this code" }]);
  });
});

describe("sample imports", () => {
  it("create every row once, where its location code says, even when a chunk is applied again", async () => {
    const h = await hole();
    const shed = await createLocation({ fulfils_orders: false, kind: "core_shed" });
    const n = tag();
    const csv = [
      "number,type,drillhole_id,depth_from,depth_to,weight_grams,location_code,lot",
      `IMP-${n}-1,half_core,${h.id},0,1.5,812.5,${shed.code},`,
      `IMP-${n}-2,pulp,${h.id},1.5,3,,,`,
      `IMP-${n}-3,chip,,,,,,LOT-${n}`,
    ].join("\n");
    const res = await upload(operator, "samples", csv);
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({ status: "validated", rows_total: 3, rows_valid: 3 });
    const numbers = [1, 2, 3].map((i) => `IMP-${n}-${i}`);
    expect(await db.select().from(samples).where(inArray(samples.number, numbers))).toHaveLength(0);

    await confirm(operator, res.body.id);
    expect(await completed(operator, res.body.id)).toMatchObject({ rows_done: 3, rows_created: 3 });
    const made = await db.select().from(samples).where(inArray(samples.number, numbers));
    expect(made.map((s) => [s.number, s.type, s.depthFrom, s.depthTo, s.weightGrams]).sort()).toEqual([
      [`IMP-${n}-1`, "half_core", 0, 1.5, 812.5],
      [`IMP-${n}-2`, "pulp", 1.5, 3, null],
      [`IMP-${n}-3`, "chip", null, null, null],
    ]);
    expect(made.find((s) => s.number === `IMP-${n}-1`)?.locationId).toBe(shed.id);

    // A redelivered message re-applying every row (the place reset, as if the save was lost).
    await db.update(importJobs).set({ status: "applying", rowsDone: 0 }).where(eq(importJobs.id, res.body.id));
    await applyImport({ db, bucket: env.FILES, stock: env.INVENTORY }, res.body.id);
    expect(await db.select().from(samples).where(inArray(samples.number, numbers))).toHaveLength(3);
  });

  it("check each row's fields and place: taken numbers, unknown holes, intervals below the hole or overlapping", async () => {
    const h = await hole(10);
    const taken = await sample(manager.token, h.id, 0, 1);
    const n = tag();
    const csv = [
      "number,type,drillhole_id,depth_from,depth_to,location_code",
      `${taken.number},core,${h.id},5,6,`, // 2: number taken
      `IMP-${n}-a,core,${h.id},0.5,2,`, // 3: overlaps the existing sample
      `IMP-${n}-b,core,${h.id},2,3,`, // 4: fine
      `IMP-${n}-c,core,${h.id},2.5,4,`, // 5: overlaps row 4
      `IMP-${n}-d,core,${h.id},9,12,`, // 6: below the hole's 10 m
      `IMP-${n}-e,core,drh_missing,0,1,`, // 7: no such hole
      `IMP-${n}-f,rock,${h.id},3,4,`, // 8: unknown type
      `IMP-${n}-b,core,${h.id},7,8,`, // 9: same number as row 4
      `IMP-${n}-g,core,,,,`, // 10: neither hole nor lot
    ].join("\n");
    const res = await upload(operator, "samples", csv);
    expect(res.body).toMatchObject({ status: "invalid", rows_total: 9, rows_valid: 1 });
    expect(res.body.errors.map((e) => [e.row, e.column])).toEqual([
      [2, "number"],
      [3, "depth_from"],
      [5, "depth_from"],
      [6, "depth_to"],
      [7, "drillhole_id"],
      [8, "type"],
      [9, "number"],
      [10, "lot"],
    ]);
    expectProblem(await confirm(operator, res.body.id), 409, "INVALID_TRANSITION");
    const names = [`IMP-${n}-b`];
    expect(await db.select().from(samples).where(inArray(samples.number, names))).toHaveLength(0);
  });

  it("is refused to whoever may not create samples", async () => {
    expectProblem(await upload(customer, "samples", "number,type,lot\nX-1,core,L\n"), 403, "FORBIDDEN");
  });
});

describe("an upload's Idempotency-Key", () => {
  it("answers a retry with the same file with the import it created, and refuses another file", async () => {
    const product = await stockedProduct(2);
    const key = crypto.randomUUID();
    const csv = `sku,on_hand\n${product.sku},5\n`;
    const first = await upload(operator, "stock_counts", csv, { "idempotency-key": key });
    expect(first.status, first.text).toBe(201);
    const retry = await upload(operator, "stock_counts", csv, { "idempotency-key": key });
    expect(retry.status).toBe(200);
    expect(retry.body.id).toBe(first.body.id);
    expectProblem(
      await upload(operator, "stock_counts", `sku,on_hand\n${product.sku},6\n`, { "idempotency-key": key }),
      409,
      "IDEMPOTENCY_CONFLICT",
    );
    const jobs = await db.select().from(importJobs).where(eq(importJobs.id, first.body.id));
    expect(jobs).toHaveLength(1);
    // Another caller's same key is another import.
    const other = await upload(manager, "stock_counts", csv, { "idempotency-key": key });
    expect(other.status).toBe(201);
    expect(other.body.id).not.toBe(first.body.id);
  });
});
