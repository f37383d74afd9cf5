export { returnActionRoutes } from "./actions";
export { returnSummariesOfOrder } from "./reads";
export { moveReceivedStock } from "./receive";
