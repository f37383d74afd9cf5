import { parse } from "csv-parse/sync";
import { beforeAll, describe, expect, it } from "vitest";
import { MAX_IMPORT_ROWS } from "../../../src/modules/imports/rows";
import { MAX_IMPORT_BYTES } from "../../../src/modules/imports/service";
import { type SignedIn, signInAs } from "../../support/auth";
import { unique } from "../../support/catalog";
import { company, drillhole, project } from "../../support/dispatches";
import { call } from "../../support/http";
import { expectProblem } from "../../support/problem";
import { serverTiming } from "../../support/server-timing";
import { upload } from "./support";

let manager: SignedIn;

beforeAll(async () => {
  manager = await signInAs("manager");
});

const lines = (count: number, line: (i: number) => string) => Array.from({ length: count }, (_, i) => line(i));

describe("imports at their documented maximum", () => {
  it("validate 100,000 rows with an error in every one, in a few D1 statements", async () => {
    const sku = unique("NONE");
    const csv = `sku,on_hand\n${lines(MAX_IMPORT_ROWS, (i) => `${sku}-${i},1`).join("\n")}\n`;
    const res = await upload(manager, "stock_counts", csv);
    expect(res.status, res.text.slice(0, 500)).toBe(201);
    expect(res.body).toMatchObject({ status: "invalid", rows_total: MAX_IMPORT_ROWS, error_count: MAX_IMPORT_ROWS });
    // SKUs are looked up 5,000 to a statement: 20, plus the session check, the idempotency
    // lookup, the job's insert with its audit row, and the read of the job it answers with.
    expect(serverTiming(res.headers).d1?.units).toBe(25);
    const file = await call("GET", res.body.errors_url ?? "", { token: manager.token });
    const rows: string[][] = parse(file.text);
    expect(rows).toHaveLength(MAX_IMPORT_ROWS + 1);
    expect(rows.at(-1)).toEqual([String(MAX_IMPORT_ROWS + 1), "sku", "No product has this SKU"]);
  });

  it("validate a file of exactly 20 MiB, and refuse one byte more", async () => {
    const sku = unique("BIG");
    const header = "sku,name,description\n";
    const bare = lines(MAX_IMPORT_ROWS, (i) => `${sku}-${i},Item ${i},`);
    // Descriptions fill the file to the byte, spread over the rows (each well under its 5,000 characters).
    const extra = MAX_IMPORT_BYTES - header.length - bare.join("\n").length;
    const per = Math.floor(extra / MAX_IMPORT_ROWS);
    const csv =
      header + bare.map((line, i) => line + "d".repeat(per + (i < extra % MAX_IMPORT_ROWS ? 1 : 0))).join("\n");
    expect(new TextEncoder().encode(csv).length).toBe(MAX_IMPORT_BYTES);
    const res = await upload(manager, "products", csv);
    expect(res.status, res.text.slice(0, 500)).toBe(201);
    expect(res.body).toMatchObject({ status: "validated", rows_total: MAX_IMPORT_ROWS, error_count: 0 });

    expectProblem(await upload(manager, "products", `${csv}d`), 413, "PAYLOAD_TOO_LARGE");
  });

  it("validate 100,000 samples down one hole, each checked against every other interval", async () => {
    const cmp = await company(manager.token);
    const prj = await project(manager.token, cmp.id);
    const hole = await drillhole(manager.token, prj.id, { final_depth: 20_000 });
    const number = unique("CORE");
    // Consecutive 0.2 m intervals, and one more row at the end overlapping the first.
    const rows = lines(
      MAX_IMPORT_ROWS - 1,
      (i) => `${number}-${i},core,${hole.id},${(i / 5).toFixed(1)},${((i + 1) / 5).toFixed(1)}`,
    );
    const csv = `number,type,drillhole_id,depth_from,depth_to\n${rows.join("\n")}\n${number}-last,core,${hole.id},0.1,0.3\n`;
    const res = await upload(manager, "samples", csv);
    expect(res.status, res.text.slice(0, 500)).toBe(201);
    expect(res.body).toMatchObject({ status: "invalid", rows_total: MAX_IMPORT_ROWS, rows_valid: MAX_IMPORT_ROWS - 1 });
    expect(res.body.errors).toEqual([
      {
        row: MAX_IMPORT_ROWS + 1,
        column: "depth_from",
        message: `The interval overlaps sample ${number}-1 (0.2–0.4 m).`,
      },
    ]);
  });

  it("refuse a file of one row more than 100,000", async () => {
    const sku = unique("MANY");
    const csv = `sku,on_hand\n${lines(MAX_IMPORT_ROWS + 1, (i) => `${sku}-${i},1`).join("\n")}\n`;
    const res = await upload(manager, "stock_counts", csv);
    expectProblem(res, 400, "VALIDATION_FAILED");
    expect(res.body).toMatchObject({ detail: expect.stringContaining("at most 100000 rows") });
  });
});
