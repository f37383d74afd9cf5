// What other modules may use of reports: the rollup statements they put in their own batches.
export { customerPaidRollups, customerRefundRollup } from "./customer-rollups";
export { fulfilmentRollup, statusRollups } from "./order-rollups";
export { paidRollups, type RollupKey, refundRollups, salesRollup } from "./rollups";
