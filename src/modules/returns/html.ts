import { formatMoney } from "../../lib/money";
import { escapeHtml } from "../invoices";
import type { ReturnView } from "./schemas";

const CONDITION_LABELS: Record<string, string> = {
  restock: "Back in stock",
  damaged: "Damaged",
  quarantine: "Quarantine",
  missing: "Missing",
};

function receivedCell(line: ReturnView["lines"][number]): string {
  if (line.received.length === 0) return "";
  return line.received
    .map(
      (r) =>
        `${escapeHtml(r.qty)} × ${escapeHtml(CONDITION_LABELS[r.condition])}${r.location_id ? ` (${escapeHtml(r.location_id)})` : ""}`,
    )
    .join("<br>");
}

/** A printable return slip: what goes in the parcel and why, with what arrived once received. */
export function renderReturnSlip(ret: ReturnView): string {
  const rows = ret.lines
    .map(
      (
        l,
      ) => `<tr><td>${escapeHtml(l.sku)}</td><td>${escapeHtml(l.name)}</td><td>${escapeHtml(l.reason.replaceAll("_", " "))}</td>
<td class="n">${escapeHtml(l.qty)}</td><td class="n">${escapeHtml(formatMoney(l.unit_price, ret.currency))}</td><td>${receivedCell(l)}</td></tr>`,
    )
    .join("\n");
  const fee = ret.restocking_fee
    ? `<p>Restocking fee: ${escapeHtml(formatMoney(ret.restocking_fee, ret.currency))}</p>`
    : "";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Return ${escapeHtml(ret.id)}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;max-width:800px;margin:2em auto;color:#111}
table{width:100%;border-collapse:collapse;margin:1em 0}th,td{padding:.3em .5em;border-bottom:1px solid #ddd;text-align:left}
.n{text-align:right}.id{font:bold 1.4em monospace;border:2px solid #111;padding:.3em .6em;display:inline-block}
@media print{body{margin:0}}
</style></head>
<body>
<h1>Return slip</h1>
<p class="id">${escapeHtml(ret.id)}</p>
<p>Order ${escapeHtml(ret.order_id)} · Opened ${escapeHtml(ret.created_at.slice(0, 10))} · Status: ${escapeHtml(ret.status)}</p>
<p>Put this slip in the parcel with the items below.</p>
${ret.note ? `<p>Note: ${escapeHtml(ret.note)}</p>` : ""}
<table><thead><tr><th>SKU</th><th>Item</th><th>Reason</th><th class="n">Qty</th><th class="n">Unit price</th><th>Received</th></tr></thead>
<tbody>${rows}</tbody></table>
${fee}
</body></html>`;
}
