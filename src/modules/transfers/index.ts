/** What other modules may use of transfers. */
export { transferRoutes } from "./routes";
