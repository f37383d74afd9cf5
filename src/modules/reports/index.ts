// What other modules may use of reports: the rollup statements they put in their own batches.
export { paidRollups, type RollupKey, refundRollups, salesRollup } from "./rollups";
