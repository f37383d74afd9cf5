import { escapeHtml } from "../invoices";
import type { DispatchSampleView, DispatchView } from "./schemas";

function stockTable(d: DispatchView): string {
  if (d.lines.length === 0) return "";
  const rows = d.lines
    .map(
      (l) => `<tr><td>${escapeHtml(l.sku)}</td><td>${escapeHtml(l.name)}</td><td class="n">${escapeHtml(l.qty)}</td>
<td class="n">${escapeHtml(l.returned_good + l.returned_damaged)}</td><td class="n">${escapeHtml(l.consumed + l.lost)}</td><td class="n">${escapeHtml(l.outstanding)}</td></tr>`,
    )
    .join("\n");
  return `<h2>Stock</h2><table><thead><tr><th>SKU</th><th>Item</th><th class="n">Sent</th><th class="n">Back</th><th class="n">Used / lost</th><th class="n">Out</th></tr></thead>
<tbody>${rows}</tbody></table>`;
}

function samplesTable(samples: DispatchSampleView[]): string {
  if (samples.length === 0) return "";
  const rows = samples
    .map((s) => {
      const origin = s.drillhole_id ? `${s.drillhole_id} ${s.depth_from}–${s.depth_to} m` : `lot ${s.lot ?? ""}`;
      return `<tr><td>${escapeHtml(s.number)}</td><td>${escapeHtml(s.type)}</td><td>${escapeHtml(origin)}</td><td>${escapeHtml(s.outcome)}</td></tr>`;
    })
    .join("\n");
  return `<h2>Samples (${samples.length})</h2><table><thead><tr><th>Number</th><th>Type</th><th>From</th><th>Status</th></tr></thead>
<tbody>${rows}</tbody></table>`;
}

function destination(d: DispatchView): string {
  const a = d.destination.address;
  const parts = [
    d.destination.name,
    a?.line1,
    a?.line2,
    [a?.postal_code, a?.city].filter(Boolean).join(" "),
    a?.region,
    a?.country,
  ];
  return `<p>${parts
    .filter((p) => p !== undefined && p !== "")
    .map(escapeHtml)
    .join("<br>")}</p>`;
}

/** A printable dispatch note: what left, for whom, and what is still out. */
export function renderDispatchHtml(d: DispatchView, samples: DispatchSampleView[], companyName: string): string {
  const sent = d.dispatched_at ? `Dispatched ${escapeHtml(d.dispatched_at.slice(0, 10))}` : "Not dispatched yet";
  const due = d.expected_return_at
    ? ` · Return expected ${escapeHtml(d.expected_return_at.slice(0, 10))}`
    : " · Not returnable";
  const carrier = d.carrier ? `<p>Carrier: ${escapeHtml(d.carrier)} ${escapeHtml(d.tracking_number ?? "")}</p>` : "";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Dispatch note ${escapeHtml(d.number)}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;max-width:800px;margin:2em auto;color:#111}
table{width:100%;border-collapse:collapse;margin:1em 0}th,td{padding:.3em .5em;border-bottom:1px solid #ddd;text-align:left}
.n{text-align:right}.status{font-weight:bold;text-transform:uppercase}.sign{margin-top:3em;display:flex;gap:4em}
@media print{body{margin:0}}
</style></head>
<body>
<h1>Dispatch note ${escapeHtml(d.number)}</h1>
<p class="status">${escapeHtml(d.status.replace("_", " "))}</p>
<p>${sent}${due} · From ${escapeHtml(d.location_id)}</p>
<h2>To</h2><p>${escapeHtml(companyName)}</p>${destination(d)}${carrier}
${stockTable(d)}
${samplesTable(samples)}
${d.notes ? `<h2>Notes</h2><p>${escapeHtml(d.notes)}</p>` : ""}
<div class="sign"><p>Sent by: ____________________</p><p>Received by: ____________________</p></div>
</body></html>`;
}
