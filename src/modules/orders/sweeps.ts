import { createDb } from "../../db/client";
import { flushOutbox } from "../events/publisher";
import { expirePendingOrders } from "./cancel";
import { resumeStalledPayments } from "./payment";
import { orderDeps } from "./store";

/**
 * The every-minute order sweeps: pending orders past `expires_at` are cancelled
 * (`expired`), payments whose request died mid-way are completed or unwound, and the
 * events they wrote are published at once.
 */
export async function runOrderSweeps(env: Env, now: number): Promise<{ expired: number; resumed: number }> {
  const db = createDb(env.DB);
  const deps = orderDeps(env, db);
  try {
    const expired = await expirePendingOrders(deps, now);
    const resumed = await resumeStalledPayments(deps, now);
    return { expired, resumed };
  } finally {
    await flushOutbox(db, env.EVENTS);
  }
}
