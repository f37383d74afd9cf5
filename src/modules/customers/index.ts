export { orderingCustomer } from "./service";
