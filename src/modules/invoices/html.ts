import { formatMoney } from "../../lib/money";
import type { InvoiceDetail } from "./schemas";

const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Every value that reaches the page goes through here: names and notes come from users. */
export function escapeHtml(value: unknown): string {
  return String(value ?? "").replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

type Line = InvoiceDetail["lines"][number];

function linesTable(lines: Line[], currency: string): string {
  const rows = lines
    .map(
      (l) => `<tr><td>${escapeHtml(l.sku)}</td><td>${escapeHtml(l.name)}</td><td class="n">${escapeHtml(l.qty)}</td>
<td class="n">${escapeHtml(formatMoney(l.unit_price, currency))}</td><td class="n">${escapeHtml(formatMoney(l.line_total, currency))}</td></tr>`,
    )
    .join("\n");
  return `<table><thead><tr><th>SKU</th><th>Item</th><th class="n">Qty</th><th class="n">Unit price</th><th class="n">Amount</th></tr></thead>
<tbody>${rows}</tbody></table>`;
}

interface Totals {
  subtotal: number;
  tax: number;
  restockingFee?: number;
  total: number;
}

function totals(t: Totals, currency: string, taxRateBps?: number): string {
  const rate = taxRateBps === undefined ? "" : ` (${escapeHtml((taxRateBps / 100).toFixed(2))} %)`;
  const fee = t.restockingFee
    ? `<tr><td>Restocking fee</td><td class="n">−${escapeHtml(formatMoney(t.restockingFee, currency))}</td></tr>\n`
    : "";
  return `<table class="totals">
<tr><td>Subtotal</td><td class="n">${escapeHtml(formatMoney(t.subtotal, currency))}</td></tr>
<tr><td>Tax${rate}</td><td class="n">${escapeHtml(formatMoney(t.tax, currency))}</td></tr>
${fee}
<tr class="total"><td>Total</td><td class="n">${escapeHtml(formatMoney(t.total, currency))}</td></tr></table>`;
}

function address(invoice: InvoiceDetail): string {
  const a = invoice.billing_address;
  const parts = [
    invoice.customer_name,
    invoice.customer_email,
    a?.name,
    a?.line1,
    a?.line2,
    [a?.postal_code, a?.city].filter(Boolean).join(" "),
    a?.region,
    a?.country,
  ].filter((p) => p !== undefined && p !== null && p !== "");
  return parts.length === 0 ? "<p>Walk-in customer</p>" : `<p>${parts.map(escapeHtml).join("<br>")}</p>`;
}

/** A printable invoice page, with its credit notes after it. */
export function renderInvoiceHtml(invoice: InvoiceDetail): string {
  const c = invoice.currency;
  const voided = invoice.status === "void" ? `<p class="void">VOID: ${escapeHtml(invoice.void_reason)}</p>` : "";
  const notes = invoice.credit_notes
    .map(
      (n) => `<section class="credit"><h2>Credit note ${escapeHtml(n.number)}</h2>
<p>Issued ${escapeHtml(n.issued_at.slice(0, 10))} against invoice ${escapeHtml(invoice.number)}. Reason: ${escapeHtml(n.reason)}</p>
${linesTable(n.lines, c)}${totals({ ...n, restockingFee: n.restocking_fee }, c)}</section>`,
    )
    .join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Invoice ${escapeHtml(invoice.number)}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;max-width:800px;margin:2em auto;color:#111}
table{width:100%;border-collapse:collapse;margin:1em 0}th,td{padding:.3em .5em;border-bottom:1px solid #ddd;text-align:left}
.n{text-align:right}.totals{width:40%;margin-left:60%}.total td{font-weight:bold;border-top:2px solid #111}
.void{color:#b00;font-weight:bold;font-size:1.3em}.credit{margin-top:2em;border-top:3px double #999}
@media print{body{margin:0}}
</style></head>
<body>
<h1>Invoice ${escapeHtml(invoice.number)}</h1>${voided}
<p>Issued ${escapeHtml(invoice.issued_at.slice(0, 10))} · Order ${escapeHtml(invoice.order_id)}</p>
<h2>Bill to</h2>${address(invoice)}
${linesTable(invoice.lines, c)}
${totals(invoice, c, invoice.tax_rate_bps)}
${notes}
</body></html>`;
}
