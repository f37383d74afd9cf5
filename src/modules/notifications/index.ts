export { type OrderEvent, recordOrderNotification } from "./service";
