export { expireOrder } from "./cancel";
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
export { runOrderSweeps } from "./sweeps";
