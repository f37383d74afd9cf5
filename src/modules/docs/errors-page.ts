import { html } from "hono/html";
import { ERROR_CODES, PROBLEM_TABLE } from "../../lib/errors";

/*
 * The page every problem's `type` points into (`/docs/errors#INSUFFICIENT_STOCK`): one
 * entry per code of the code table, anchored by the code, so a `type` always resolves to
 * its explanation and the page cannot fall behind the table.
 */
const entries = ERROR_CODES.map((code) => {
  const { status, title, meaning } = PROBLEM_TABLE[code];
  return html`<section id="${code}">
<h2><code>${code}</code> <span>${status}</span></h2>
<p><strong>${title}.</strong> ${meaning}</p>
</section>`;
});

export const ERRORS_PAGE = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Stockroom API errors</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
</head>
<body>
<h1>Stockroom API errors</h1>
<p>Every error is an RFC 9457 <code>application/problem+json</code> body whose <code>type</code> links here and whose
<code>code</code> is one of these. Quote its <code>request_id</code> when you report a problem.
The reference of every operation is at <a href="/docs">/docs</a>.</p>
${entries}
</body>
</html>`;
