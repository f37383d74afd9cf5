/** What other modules may use of dispatches. */
export { noOutstandingDispatchSql, sampleHistory } from "./reads";
export { dispatchStock } from "./stock-object";
export { finishReturns, sweepOverdueDispatches } from "./sweep";
