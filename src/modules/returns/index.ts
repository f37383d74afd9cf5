export { noLineOverCommitted, noReturnBlockingCancel, returnBlockingCancel, unitsInOpenReturns } from "./limits";
export { returnSummariesQuery, toReturnSummaries } from "./queries";
export { moveReceivedStock } from "./receive";
export { OrderReturnSchema } from "./schemas";
