export { ensureCreditNote } from "./credit-notes";
export { escapeHtml } from "./html";
export { ensureInvoice } from "./issue";
export { bumpCounter, numberSql, sequenceSql } from "./numbering";
export { invoiceQueries } from "./queries";
export { type InvoiceDetail, InvoiceDetailSchema, OrderInvoiceSchema } from "./schemas";
export { invoiceViews } from "./view";
