/** What other modules may use of inventory; the stock object's client and projection reads are in `stock`. */
export { requireProducts } from "./service";
