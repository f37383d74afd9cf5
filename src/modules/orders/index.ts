export { expireOrder } from "./cancel";
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
export { capturePayment, completePayment } from "./payment";
export { hasPurchased } from "./purchases";
export { refundOrder } from "./refund";
export { AddressSchema, OrderLineInput, OrderLineSchema } from "./schemas";
export { cancelOrder, fulfilOrder, payOrder, placeOrder } from "./service";
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
