// A local webhook receiver on 127.0.0.1: answers 200 at once, and records every
// delivery with its arrival time and whether its Standard Webhooks signature
// (v1,<base64 HMAC-SHA256(secret, id.timestamp.body)>) verifies with the endpoint's secret.
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";

function signatureValid(secret, id, timestamp, body, header) {
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  const expected = createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest();
  return (header ?? "").split(" ").some((part) => {
    const [version, signature] = part.split(",");
    if (version !== "v1" || !signature) return false;
    const given = Buffer.from(signature, "base64");
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

export async function startReceiver() {
  const secrets = new Map(); // path key → secret
  const deliveries = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const receivedAt = Date.now();
      const body = Buffer.concat(chunks).toString("utf8");
      const endpoint = req.url ?? "";
      const id = req.headers["webhook-id"];
      const timestamp = req.headers["webhook-timestamp"];
      let event = null;
      try {
        event = JSON.parse(body);
      } catch {
        event = null;
      }
      const secret = secrets.get(endpoint);
      deliveries.push({
        endpoint,
        id,
        receivedAt,
        event,
        signatureOk:
          secret !== undefined && signatureValid(secret, id, timestamp, body, req.headers["webhook-signature"]),
      });
      res.writeHead(200, { "content-type": "text/plain" }).end("ok");
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    registerSecret: (path, secret) => secrets.set(path, secret),
    deliveries,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
