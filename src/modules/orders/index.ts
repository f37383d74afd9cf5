export { expireOrder } from "./cancel";
export type { PlacedOrder } from "./checkout";
export {
  type CapturedPayment,
  COMMIT_STEP,
  type CommitOutcome,
  FLOW_STATUSES,
  type OrderFlowParams,
  PAYMENT_EVENT,
  type PaymentEvent,
} from "./flow-contract";
export { startMissingFlows } from "./flow-handover";
export { type FlowStart, markFlowStarted } from "./flow-start";
export { paidOrder, refundOf, stillPaid } from "./paid";
export { type AlsoWhenPaid, capturePayment, completePayment } from "./payment";
export { hasPurchased } from "./purchases";
export { orderDetailQueries, toOrderCore } from "./queries";
export { refundOrder } from "./refund";
export {
  AddressSchema,
  CheckoutSchema,
  FulfilSchema,
  ListOrdersQuery,
  type OrderCore,
  OrderCoreSchema,
  OrderLineInput,
  OrderLineSchema,
  OrderPage,
  PatchOrderSchema,
  ReasonSchema,
  type RefundInput,
  RefundSchema,
} from "./schemas";
export { cancelOrder, fulfilOrder, listOrders, payOrder, placeOrder, updateOrderNotes } from "./service";
export { settleCancellation, settleRefund } from "./settle";
export {
  findOrder,
  findOrderBySaleKey,
  isCustomer,
  isDuplicateSaleKey,
  type LineRow,
  linesOf,
  loadOrder,
  type OrderDeps,
  type OrderRow,
  orderDeps,
  systemMeta,
} from "./store";
export { resumeStuckOrder } from "./stuck";
