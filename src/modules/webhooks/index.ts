export { backoffSeconds } from "./deliveries/backoff";
export { type DeliveryDeps, loadDeliveries } from "./deliveries/deliver";
export { type DeliveryMessage, sweepUndispatched } from "./deliveries/dispatch";
export { fanOutEvents } from "./deliveries/fan-out";
export { attemptTimeoutMs } from "./deliveries/http";
export { deliverByEndpoint } from "./deliveries/lanes";
export { failStalledDeliveries, recordExhausted } from "./deliveries/outcome";
export { pruneDeliveries } from "./deliveries/retention";
