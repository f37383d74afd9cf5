/** What other modules may use of dispatches. */
export { noOutstandingDispatchSql, sampleHistory } from "./queries";
export { dispatchStock } from "./stock-object";
export { finishReturns, sweepOverdueDispatches } from "./sweep";
