/*
 * The direct sale (point of sale): one call creates the
 * order, holds and sells the stock, takes the payment, hands the goods over and
 * issues the invoice. It drives the same order machinery as checkout and pay, so it
 * inherits their guarantees: no stock or money moves unless the whole sale can; a
 * refused line leaves nothing behind; a declined payment cancels the order and
 * releases its holds. The order carries `<caller> <Idempotency-Key>` as a unique sale
 * key, so a retry after any failure (even after the stored response is gone) resumes
 * the same sale from where it stopped instead of selling twice.
 */
import type { Actor } from "../../context";
import { AppError, conflict } from "../../lib/errors";
import { derivedId } from "../../lib/ids";
import type { RequestMeta } from "../../modules/audit";
import { ensureInvoice, type InvoiceDetail } from "../../modules/invoices";
import {
  cancelOrder,
  findOrder,
  findOrderBySaleKey,
  fulfilOrder,
  isDuplicateSaleKey,
  type OrderDeps,
  payOrder,
  placeOrder,
} from "../../modules/orders";
import type { PaymentInput } from "../../modules/payments";
import type { DirectSaleInput } from "./schemas";

export async function sellDirect(
  deps: OrderDeps,
  actor: Actor,
  input: DirectSaleInput,
  idempotencyKey: string,
  meta: RequestMeta,
): Promise<InvoiceDetail> {
  const saleKey = `${actor.id} ${idempotencyKey}`;
  let orderId = (await findOrderBySaleKey(deps.db, saleKey))?.id;
  if (!orderId) {
    try {
      const { payment: _payment, ...checkout } = input;
      const placed = await placeOrder(deps, actor, checkout, meta, {
        source: "direct_sale",
        saleKey,
        captureMode: "manual",
      });
      orderId = placed.kind === "created" ? placed.order.id : placed.orderId;
    } catch (err) {
      // A twin created the sale first (its holds were released): carry on with that one.
      const twin = isDuplicateSaleKey(err) ? await findOrderBySaleKey(deps.db, saleKey) : undefined;
      if (!twin) throw err;
      orderId = twin.id;
    }
  }
  return driveSale(deps, orderId, saleKey, input.payment, actor, meta);
}

/** Moves the sale's order on until it is completed and invoiced (at most pending → processing → completed). */
async function driveSale(
  deps: OrderDeps,
  orderId: string,
  saleKey: string,
  payment: PaymentInput,
  actor: Actor,
  meta: RequestMeta,
): Promise<InvoiceDetail> {
  for (let step = 0; step < 4; step++) {
    const order = await findOrder(deps.db, orderId);
    switch (order?.status) {
      case "pending":
        try {
          await payOrder(deps, orderId, payment, actor, meta, await derivedId("pay", saleKey));
        } catch (err) {
          if (err instanceof AppError && err.options.extra?.decline_code !== undefined) {
            await cancelOrder(deps, orderId, actor, "payment_declined", meta);
          }
          throw err;
        }
        break;
      case "processing":
        await fulfilOrder(deps, orderId, {}, actor, meta);
        break;
      case "completed":
      case "refunded": {
        const invoice = await ensureInvoice(deps.db, orderId, meta);
        if (invoice) return invoice;
        throw new Error(`sale ${orderId} is ${order.status} but could not be invoiced`);
      }
      case "paying":
        // The sale's own payment died mid-way: the same payment id finishes it now.
        if (step === 0) {
          await payOrder(deps, orderId, payment, actor, meta, await derivedId("pay", saleKey));
          break;
        }
        throw conflict("This sale's payment is in progress; retry shortly.", { order_id: orderId });
      default:
        throw conflict("This sale did not go through and was cancelled.", {
          order_id: orderId,
          cancel_reason: order?.cancelReason ?? null,
        });
    }
  }
  throw new Error(`sale ${orderId} did not settle`);
}
