/** What other modules may use of inventory; the stock object's client and projection reads are in `stock`. */
export { MAX_COUNTED } from "./schemas";
export { requireProducts } from "./service";
