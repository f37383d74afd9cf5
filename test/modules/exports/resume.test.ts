import { env } from "cloudflare:workers";
import { parse } from "csv-parse/sync";
import { eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { exportJobs } from "../../../src/db/schema";
import { PART_BYTES, runExport } from "../../../src/modules/exports/runner";
import { db, fileText, queuedExport, runToEnd, seedOrders } from "./support";

const ROWS = 20_000;
const range = { from: "2031-01-01T00:00:00Z", to: "2032-01-01T00:00:00Z" };

/** R2 that refuses the n-th part upload once, as a crash in the middle of a part would. */
function failingOnPart(n: number): R2Bucket {
  let uploads = 0;
  return new Proxy(env.FILES, {
    get(target, prop) {
      if (prop !== "resumeMultipartUpload") return Reflect.get(target, prop).bind(target);
      return (key: string, uploadId: string) => {
        const upload = target.resumeMultipartUpload(key, uploadId);
        return new Proxy(upload, {
          get(u, p) {
            if (p !== "uploadPart") return Reflect.get(u, p).bind(u);
            return (partNumber: number, body: Uint8Array) => {
              uploads += 1;
              if (uploads === n) throw new Error("injected failure in the middle of a part");
              return u.uploadPart(partNumber, body);
            };
          },
        });
      };
    },
  });
}

// Other test files share the database: the seeded orders (dated 2031) go when this file ends.
afterAll(async () => {
  await env.DB.prepare("DELETE FROM orders WHERE id LIKE 'ord_seed2031_%'").run();
});

describe("export of 20,000 orders", () => {
  it("resumed after a failure mid-part gives the same file as an uninterrupted run", async () => {
    await seedOrders(ROWS, 2031);
    const whole = await queuedExport({ type: "orders", filters: range });
    await runToEnd(whole.id);

    const resumed = await queuedExport({ type: "orders", filters: range });
    await expect(runExport({ db: db(), bucket: failingOnPart(2) }, resumed.id)).rejects.toThrow("injected failure");
    const [saved] = await db().select().from(exportJobs).where(eq(exportJobs.id, resumed.id));
    // The place reached after part 1 was kept: one part, rows counted, the bytes past the part carried.
    expect(saved?.status).toBe("running");
    expect(saved?.parts).toHaveLength(1);
    expect(saved?.bytes).toBe(PART_BYTES);
    expect(saved?.rowsDone).toBeGreaterThan(0);
    expect(saved?.rowsDone).toBeLessThan(ROWS);
    await runToEnd(resumed.id);

    const [a, b] = await Promise.all(
      [whole, resumed].map(async (job) => {
        const [row] = await db().select().from(exportJobs).where(eq(exportJobs.id, job.id));
        return row;
      }),
    );
    expect(a?.status).toBe("completed");
    expect(b?.status).toBe("completed");
    expect(a?.parts.length).toBeGreaterThanOrEqual(3);
    expect(b?.parts.length).toBe(a?.parts.length);
    expect(b?.rowsDone).toBe(ROWS);
    expect(b?.bytes).toBe(a?.bytes);

    const [wholeText, resumedText] = await Promise.all([fileText(a?.fileKey ?? ""), fileText(b?.fileKey ?? "")]);
    expect(resumedText.length).toBe(wholeText.length);
    expect(resumedText === wholeText).toBe(true);

    const records: string[][] = parse(resumedText);
    expect(records).toHaveLength(ROWS + 1);
    expect(records[0]?.slice(0, 3)).toEqual(["id", "status", "customer_id"]);
    const note = records[0]?.indexOf("customer_note") ?? -1;
    expect(records[5]?.[note]?.startsWith(`'=HYPERLINK("http://evil")note 5, "quoted"\n`)).toBe(true);
    expect(records[1]?.[note]?.startsWith('note 1, "quoted"\né')).toBe(true);
    expect(new Set(records.slice(1).map((r) => r[0])).size).toBe(ROWS);
  }, 120_000);
});
