export { returnSummariesOfOrder } from "./reads";
export { moveReceivedStock } from "./receive";
