import { exports } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { vi } from "vitest";
import { products } from "../../../src/db/schema";
import type { SignedIn } from "../../support/auth";
import { db } from "../../support/db";
import { call } from "../../support/http";

export interface ImportBody {
  id: string;
  status: string;
  rows_total: number;
  rows_valid: number;
  error_count: number;
  errors: { row: number; column: string; message: string }[];
  errors_url: string | null;
  rows_done: number;
  rows_created: number;
  rows_updated: number;
  error: string | null;
  code?: string;
}

export async function upload(user: SignedIn, type: string, csv: string, headers: Record<string, string> = {}) {
  const form = new FormData();
  form.set("type", type);
  form.set("file", new File([csv], `${type}.csv`, { type: "text/csv" }));
  const res = await exports.default.fetch(
    new Request("https://stockroom.test/v1/imports", {
      method: "POST",
      headers: { authorization: `Bearer ${user.token}`, ...headers },
      body: form,
    }),
  );
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: JSON.parse(text) as ImportBody, text };
}

export const confirm = (user: SignedIn, id: string) =>
  call<ImportBody>("POST", `/v1/imports/${id}/confirm`, { token: user.token });

/** The import once it stops applying: `completed`, or `failed` with its `error`. */
export function finished(user: SignedIn, id: string) {
  return vi.waitFor(
    async () => {
      const res = await call<ImportBody>("GET", `/v1/imports/${id}`, { token: user.token });
      if (res.body.status === "applying") throw new Error("still applying");
      return res.body;
    },
    { timeout: 20_000, interval: 100 },
  );
}

export async function completed(user: SignedIn, id: string) {
  const body = await finished(user, id);
  if (body.status !== "completed") throw new Error(`the import ${body.status}: ${body.error}`);
  return body;
}

export const bySku = (sku: string) => db.select().from(products).where(eq(products.sku, sku));
