/*
 * The product lifecycle as explicit actions:
 *   publish   draft              → published  (needs a price; sets published_at)
 *   unpublish published          → draft
 *   archive   draft | published  → archived
 *   restore   archived           → draft
 * Anything else is 409 INVALID_TRANSITION. Each transition writes exactly one outbox
 * event (`product.published`, …) with the new snapshot, in the batch that changes the
 * status; the version guard means two concurrent transitions cannot both land.
 * `first_published_at` is kept forever: it is what stops a once-published product
 * from being deleted.
 */

import { retryOnRace } from "../../db/batch";
import type { Database } from "../../db/client";
import type { ProductStatus } from "../../db/schema";
import { invalidTransition, preconditionFailed } from "../../lib/errors";
import { nowIso } from "../../lib/time";
import type { RequestMeta } from "../audit";
import { imagesOf, loadProductRow } from "./queries";
import type { ProductResponse } from "./schemas";
import type { ProductRow } from "./view";
import { commitProductChange, productChangeBatch } from "./writes";

export const LIFECYCLE_ACTIONS = ["publish", "unpublish", "archive", "restore"] as const;
export type LifecycleAction = (typeof LIFECYCLE_ACTIONS)[number];

const TRANSITIONS: Record<LifecycleAction, { from: ProductStatus[]; event: string }> = {
  publish: { from: ["draft"], event: "product.published" },
  unpublish: { from: ["published"], event: "product.unpublished" },
  archive: { from: ["draft", "published"], event: "product.archived" },
  restore: { from: ["archived"], event: "product.restored" },
};

function nextState(action: LifecycleAction, current: ProductRow, now: string) {
  switch (action) {
    case "publish":
      return { status: "published" as const, publishedAt: now, firstPublishedAt: current.firstPublishedAt ?? now };
    case "unpublish":
      return { status: "draft" as const, publishedAt: null };
    case "archive":
      return { status: "archived" as const, publishedAt: null };
    case "restore":
      return { status: "draft" as const };
  }
}

/** What a draft still lacks before it can go on sale. */
function publishProblems(product: ProductRow) {
  const problems: { path: string; message: string }[] = [];
  if (product.price === null) problems.push({ path: "price", message: "Required to publish" });
  if (product.name.trim() === "") problems.push({ path: "name", message: "Required to publish" });
  if (product.sku.trim() === "") problems.push({ path: "sku", message: "Required to publish" });
  return problems;
}

export async function transitionProduct(
  db: Database,
  id: string,
  action: LifecycleAction,
  expectedVersion: number | null,
  meta: RequestMeta,
  origin: string,
): Promise<ProductResponse> {
  const rule = TRANSITIONS[action];
  return retryOnRace(async () => {
    const current = await loadProductRow(db, id);
    if (expectedVersion !== null && expectedVersion !== current.version) throw preconditionFailed();
    if (!rule.from.includes(current.status)) {
      throw invalidTransition(
        `A ${current.status} product cannot be ${rule.event.slice("product.".length)}; allowed from: ${rule.from.join(", ")}.`,
      );
    }
    if (action === "publish") {
      const problems = publishProblems(current);
      if (problems.length > 0) {
        throw invalidTransition("The product is not ready to publish.", problems);
      }
    }
    const images = await imagesOf(db, id);
    const change = productChangeBatch(db, meta, origin, {
      current,
      set: nextState(action, current, nowIso()),
      images,
      imagesBefore: images,
      action: rule.event,
      event: rule.event,
    });
    await commitProductChange(db, change);
    return change.snapshot;
  });
}
