import { beforeAll, describe, expect, it } from "vitest";
import type { OrderStatus } from "../../../src/db/schema";
import { type SignedIn, signInAs } from "../../support/auth";
import { call } from "../../support/http";
import { act, checkout, getOrder, ledger, level, pay, refund, stockedProduct } from "../../support/orders";
import { expectProblem } from "../../support/problem";

let staff: SignedIn;
let customer: SignedIn;
beforeAll(async () => {
  [staff, customer] = await Promise.all([signInAs("manager"), signInAs("customer")]);
});

type Action = "pay" | "fulfil" | "cancel" | "refund";

async function orderIn(status: Exclude<OrderStatus, "paying">) {
  const product = await stockedProduct(10, 400);
  const created = await checkout(customer.token, { lines: [{ product_id: product.id, qty: 2 }] });
  expect(created.status, created.text).toBe(201);
  const id = created.body.id;
  if (status === "cancelled") expect((await act(staff.token, id, "cancel")).status).toBe(200);
  if (["processing", "completed", "refunded"].includes(status)) expect((await pay(staff.token, id)).status).toBe(200);
  if (["completed", "refunded"].includes(status)) expect((await act(staff.token, id, "fulfil")).status).toBe(200);
  if (status === "refunded") expect((await refund(staff.token, id, { reason: "all back" })).status).toBe(200);
  return { id, product };
}

function run(action: Action, id: string) {
  if (action === "pay") return pay(staff.token, id);
  if (action === "refund") return refund(staff.token, id, { reason: "test" });
  return act(staff.token, id, action);
}

const ALLOWED: Record<Action, { from: OrderStatus[]; to: OrderStatus }> = {
  pay: { from: ["pending"], to: "processing" },
  fulfil: { from: ["processing"], to: "completed" },
  cancel: { from: ["pending", "processing"], to: "cancelled" },
  refund: { from: ["completed"], to: "refunded" },
};

const STATUSES = ["pending", "processing", "completed", "cancelled", "refunded"] as const;

describe("the order status machine", () => {
  for (const action of Object.keys(ALLOWED) as Action[]) {
    for (const from of STATUSES) {
      const allowed = ALLOWED[action].from.includes(from);
      it(`${action} on a ${from} order is ${allowed ? `allowed (→ ${ALLOWED[action].to})` : "refused"}`, async () => {
        const { id } = await orderIn(from);
        const before = await getOrder(staff.token, id);
        const res = await run(action, id);
        if (allowed) {
          expect(res.status, res.text).toBe(200);
          expect(res.body.status).toBe(ALLOWED[action].to);
          expect(res.body.version).toBe(before.body.version + (action === "pay" ? 2 : 1));
          expect(res.body.status_history.at(-1)).toMatchObject({ from: action === "pay" ? "paying" : from });
        } else {
          expectProblem(res, 409, "INVALID_TRANSITION");
          const after = await getOrder(staff.token, id);
          expect(after.body.version).toBe(before.body.version);
          expect(after.body.status).toBe(from);
        }
      });
    }
  }

  it("cancelling a pending order releases its holds; cancelling a paid one refunds and restocks every line", async () => {
    const pending = await orderIn("pending");
    expect(await level(pending.product.id)).toMatchObject({ on_hand: 10, reserved: 2 });
    const cancelled = await act(staff.token, pending.id, "cancel", { reason: "changed my mind" });
    expect(cancelled.body).toMatchObject({ status: "cancelled", cancel_reason: "changed my mind", refunds: [] });
    expect(await level(pending.product.id)).toMatchObject({ on_hand: 10, reserved: 0 });

    const paid = await orderIn("processing");
    expect(await level(paid.product.id)).toMatchObject({ on_hand: 8, reserved: 0 });
    const res = await act(staff.token, paid.id, "cancel");
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ status: "cancelled", refunded_total: res.body.total, refunded_subtotal: 800 });
    expect(res.body.refunds).toEqual([
      expect.objectContaining({
        amount: res.body.total,
        status: "succeeded",
        lines: [{ product_id: paid.product.id, qty: 2, restock: true, amount: 800 }],
      }),
    ]);
    expect(await level(paid.product.id)).toMatchObject({ on_hand: 10, reserved: 0 });
    const [restock] = await ledger(paid.product.id);
    expect(restock).toMatchObject({ reason: "restock", delta_on_hand: 2, reference: res.body.refunds[0]?.id });
  });

  it("racing pay and cancel: exactly one wins, and the stock matches the winner", async () => {
    for (let round = 0; round < 8; round++) {
      const { id, product } = await orderIn("pending");
      const [paid, cancelled] = await Promise.all([pay(staff.token, id), act(staff.token, id, "cancel")]);
      const winners = [paid, cancelled].filter((r) => r.status === 200);
      expect(winners, `${paid.text} / ${cancelled.text}`).toHaveLength(1);
      const loser = paid.status === 200 ? cancelled : paid;
      expect(loser.status).toBe(409);
      const final = (await getOrder(staff.token, id)).body;
      if (paid.status === 200) {
        expect(final.status).toBe("processing");
        expect(await level(product.id)).toMatchObject({ on_hand: 8, reserved: 0 });
      } else {
        expect(final.status).toBe("cancelled");
        expect(await level(product.id)).toMatchObject({ on_hand: 10, reserved: 0 });
      }
    }
  });

  it("lets a customer cancel their own pending order, and nothing else", async () => {
    const mine = await orderIn("pending");
    expectProblem(await pay(customer.token, mine.id), 403, "FORBIDDEN");
    expectProblem(await act(customer.token, mine.id, "fulfil"), 403, "FORBIDDEN");
    const stranger = await signInAs("customer");
    expectProblem(await act(stranger.token, mine.id, "cancel"), 404, "NOT_FOUND");
    expect((await act(customer.token, mine.id, "cancel")).body.status).toBe("cancelled");
    const paid = await orderIn("processing");
    expectProblem(await act(customer.token, paid.id, "cancel"), 403, "FORBIDDEN");
    expectProblem(await refund(customer.token, paid.id, { reason: "x" }), 403, "FORBIDDEN");
  });

  it("keeps staff notes and metadata with If-Match, refusing a stale version", async () => {
    const { id } = await orderIn("pending");
    const patch = (body: unknown, ifMatch?: string) =>
      call<{ version: number; staff_note: string | null; metadata: Record<string, unknown> }>(
        "PATCH",
        `/v1/orders/${id}`,
        { token: staff.token, body, headers: ifMatch ? { "if-match": ifMatch } : {} },
      );
    const ok = await patch({ staff_note: "VIP", metadata: { channel: "phone", priority: 2 } }, 'W/"1"');
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body).toMatchObject({ version: 2, staff_note: "VIP", metadata: { channel: "phone", priority: 2 } });
    expectProblem(await patch({ staff_note: "stale" }, 'W/"1"'), 412, "PRECONDITION_FAILED");
    expectProblem(await patch({}), 400, "VALIDATION_FAILED");
    expectProblem(await patch({ status: "completed" }), 400, "VALIDATION_FAILED");
    expect((await patch({ staff_note: null })).body).toMatchObject({ version: 3, staff_note: null });
    expectProblem(
      await call("PATCH", `/v1/orders/${id}`, { token: customer.token, body: { staff_note: "x" } }),
      403,
      "FORBIDDEN",
    );
  });
});
