export { ensureCreditNote } from "./credit-notes";
export { ensureInvoice } from "./issue";
export { invoicesOfOrder } from "./queries";
export { type InvoiceDetail, InvoiceDetailSchema } from "./schemas";
