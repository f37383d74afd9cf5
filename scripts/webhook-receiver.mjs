// `npm run webhook-receiver -- [--port 8788] [--secret whsec_…] [--status 204] [--quiet]`
//
// A local webhook endpoint for development: it verifies each delivery's Standard
// Webhooks signature with the project's own package (`@stockroom/client`, built by
// `npm run client:build`, the same code a consumer installs) and prints it. Point an endpoint at
// http://localhost:8788/ (allowed when WEBHOOKS_ALLOW_INSECURE_LOCALHOST=true).
//
//   --secret   the endpoint's `whsec_…` secret (or WEBHOOK_SECRET); without it,
//              deliveries are printed but not verified
//   --status   answer this status instead of 204, to watch retries (500) or a disable (410)
//   --quiet    print one line per second with the delivery rate instead of each delivery
//
// A delivery whose signature does not verify is answered 401, so Stockroom records
// the failure and retries it. Repeated webhook-ids (retries, replays) are marked.
import { createServer } from "node:http";
import { parseArgs } from "node:util";
import { verifyWebhook } from "@stockroom/client";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: process.env.PORT ?? "8788" },
    secret: { type: "string", default: process.env.WEBHOOK_SECRET ?? "" },
    status: { type: "string", default: "204" },
    quiet: { type: "boolean", default: false },
  },
});
const port = Number(values.port);
const status = Number(values.status);
const secret = values.secret;
const seen = new Set();
let total = 0;
let lastTotal = 0;

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", () => resolve(new Uint8Array(Buffer.concat(chunks))));
    req.on("error", reject);
  });
}

function summary(data) {
  const text = JSON.stringify(data);
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}

const server = createServer(async (req, res) => {
  if (req.method !== "POST") {
    res.writeHead(405, { allow: "POST" }).end();
    return;
  }
  const body = await readBody(req);
  const id = req.headers["webhook-id"] ?? "(no webhook-id)";
  const repeat = seen.has(id) ? " (repeat)" : "";
  seen.add(id);
  total++;

  let verdict;
  let event;
  let answer = status;
  if (secret) {
    try {
      event = await verifyWebhook(secret, req.headers, body);
      verdict = "verified";
    } catch (err) {
      verdict = `NOT VERIFIED: ${err.message}`;
      answer = 401;
    }
  } else {
    verdict = "unverified (no --secret)";
    try {
      event = JSON.parse(new TextDecoder().decode(body));
    } catch {
      event = undefined;
    }
  }
  if (!values.quiet) {
    const time = new Date().toISOString().slice(11, 23);
    console.log(`${time} ${answer} ${event?.type ?? "?"} ${id}${repeat} ${verdict}`);
    if (event) console.log(`             ${summary(event.data)}`);
  }
  res.writeHead(answer).end();
});

server.listen(port, () => {
  console.log(`Webhook receiver on http://localhost:${port}/ (answering ${status}${secret ? ", verifying" : ""})`);
  if (!secret) console.log("No --secret or WEBHOOK_SECRET given: signatures are not checked.");
});

if (values.quiet) {
  setInterval(() => {
    if (total !== lastTotal)
      console.log(`${new Date().toISOString()} ${total - lastTotal} deliveries/s, ${total} in all`);
    lastTotal = total;
  }, 1000).unref();
}
