export { returnSummariesQuery, toReturnSummaries } from "./reads";
export { moveReceivedStock } from "./receive";
export { OrderReturnSchema } from "./schemas";
