import { env } from "cloudflare:workers";
import { derivedId } from "../../src/lib/ids";
import type { OrderFlowBinding } from "../../src/modules/orders/flow-contract";

/** Waits until the order's workflow instance has ended (completed, errored or terminated) and answers its status. */
export async function flowEnded(orderId: string): Promise<InstanceStatus> {
  const instance = await env.ORDER_FLOW.get(orderId);
  const subscription = await instance.subscribe({
    filter: ["workflow_completed", "workflow_errored", "workflow_terminated"],
  });
  try {
    await subscription.next();
  } finally {
    subscription[Symbol.dispose]();
  }
  return instance.status();
}

/** The order id checkout derives for this customer and Idempotency-Key, so a test can introspect its instance before it exists. */
export function keyedOrderId(actorId: string, idempotencyKey: string): Promise<string> {
  return derivedId("ord", actorId, "POST /v1/orders", idempotencyKey);
}

/**
 * The workflow binding as it was before the deploy that introduced it: no instance is
 * ever created, so orders placed through it are in flight without one.
 */
export const noFlowYet: OrderFlowBinding = {
  create: () => Promise.reject(new Error("no order workflow before this deploy")),
  createBatch: (() =>
    Promise.reject(new Error("no order workflow before this deploy"))) as unknown as OrderFlowBinding["createBatch"],
  get: () => Promise.reject(new Error("no order workflow before this deploy")),
};
