export { markPurchasesVerified } from "./verified";
