export { expireOrder } from "./cancel";
export { hasPurchased } from "./purchases";
export { AddressSchema, OrderLineInput } from "./schemas";
export { cancelOrder, fulfilOrder, payOrder, placeOrder } from "./service";
export { settleCancellation, settleRefund } from "./settle";
export {
  findOrder,
  findOrderBySaleKey,
  isCustomer,
  isDuplicateSaleKey,
  linesOf,
  type OrderDeps,
  orderDeps,
  systemMeta,
} from "./store";
export { runOrderSweeps } from "./sweeps";
