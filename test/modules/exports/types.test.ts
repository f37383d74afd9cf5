import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { parse } from "csv-parse/sync";
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { InventoryDO } from "../../../src/durable/inventory/object";
import { newId } from "../../../src/lib/ids";
import { stockObject } from "../../../src/modules/stock";
import { type SignedIn, signInAs } from "../../support/auth";
import { draft, shed } from "../../support/dispatches";
import { call } from "../../support/http";
import { createLocation } from "../../support/locations";
import { stockedProduct } from "../../support/orders";

interface ExportBody {
  id: string;
  status: string;
  rows_done: number;
  columns: string[];
  file_url: string | null;
}

let manager: SignedIn;

/** The exported file of a job run to completion, as records keyed by column. */
async function exported(body: Record<string, unknown>): Promise<Record<string, string>[]> {
  const res = await call<ExportBody>("POST", "/v1/exports", {
    token: manager.token,
    body,
    headers: { "idempotency-key": crypto.randomUUID() },
  });
  expect(res.status, res.text).toBe(202);
  const done = await vi.waitFor(
    async () => {
      const job = await call<ExportBody>("GET", `/v1/exports/${res.body.id}`, { token: manager.token });
      if (job.body.status !== "completed") throw new Error(`still ${job.body.status}`);
      return job.body;
    },
    { timeout: 20_000, interval: 100 },
  );
  const file = await call("GET", done.file_url ?? "", { token: manager.token });
  return parse(file.text, { columns: true });
}

beforeAll(async () => {
  manager = await signInAs("manager");
});

describe("export types", () => {
  it("inventory: one row per product and location, filtered by location", async () => {
    const place = await createLocation({ fulfils_orders: false });
    const product = await stockedProduct(10);
    const stub = stockObject(env.INVENTORY, product.id);
    await stub.adjust({
      movement_id: newId("mov"),
      location_id: place.id,
      delta: 3,
      reason: "received",
    });
    await runInDurableObject(stub, (instance: InventoryDO) => instance.flush());

    const rows = await exported({ type: "inventory", filters: { product_id: product.id } });
    expect(rows.map((r) => [r.location_code, r.on_hand, r.available]).sort()).toEqual([
      ["MAIN", "10", "10"],
      [place.code, "3", "3"],
    ]);
    const atPlace = await exported({ type: "inventory", filters: { location_id: place.id } });
    expect(atPlace.map((r) => [r.sku, r.on_hand])).toEqual([[product.sku, "3"]]);
  });

  it("samples and dispatches, filtered by project and company", async () => {
    const { company, project, hole, samples } = await shed(manager.token, 2);
    const sampleRows = await exported({ type: "samples", filters: { project_id: project.id } });
    expect(sampleRows.map((r) => [r.number, r.hole_id, r.depth_from, r.depth_to, r.status]).sort()).toEqual(
      samples.map((s) => [s.number, hole.hole_id, String(s.depth_from), String(s.depth_to), "in_store"]).sort(),
    );

    const dsp = await draft(manager.token, { company_id: company.id, samples: [samples[0]?.id] });
    const dispatchRows = await exported({ type: "dispatches", filters: { company_id: company.id } });
    expect(dispatchRows).toHaveLength(1);
    expect(dispatchRows[0]).toMatchObject({
      id: dsp.id,
      status: "draft",
      project_id: "",
      units: "0",
      samples: "1",
      samples_out: "1",
    });
  });
});
