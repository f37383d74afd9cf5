export { returnSummariesQuery, toReturnSummaries } from "./reads";
export { moveReceivedStock } from "./receive";
