export { returnSummariesQuery, toReturnSummaries } from "./queries";
export { moveReceivedStock } from "./receive";
export { OrderReturnSchema } from "./schemas";
