export { backoffSeconds } from "./deliveries/backoff";
export { type DeliveryDeps, type DeliveryRow, deliver, loadDeliveries } from "./deliveries/deliver";
export { type DeliveryMessage, sweepUndispatched } from "./deliveries/dispatch";
export { fanOutEvents } from "./deliveries/fan-out";
export { failStalledDeliveries, recordExhausted } from "./deliveries/outcome";
export { pruneDeliveries } from "./deliveries/retention";
