/*
 * @stockroom/client: a typed client for the Stockroom API and the verifier of its
 * webhooks. The types (`schema.ts`) are generated from the worker's OpenAPI document by
 * `npm run client:generate`; openapi-fetch turns them into a fetch-based client, so this
 * runs wherever `fetch` and WebCrypto do: Node 20+, browsers, Workers, Deno, Bun.
 */
import createClient, { type Client, type ClientOptions } from "openapi-fetch";
import type { components, paths } from "./schema.js";

export type { components, operations, paths } from "./schema.js";
export {
  signWebhook,
  type VerifyOptions,
  verifyWebhook,
  type WebhookEvent,
  type WebhookHeaders,
  WebhookVerificationError,
} from "./verify.js";

/** A schema of the API by its name in the document: `Schema<"Product">`, `Schema<"Problem">`. */
export type Schema<Name extends keyof components["schemas"]> = components["schemas"][Name];

export interface StockroomClientOptions extends ClientOptions {
  /** Where the API is, e.g. `https://stockroom.example.com`. */
  baseUrl: string;
  /** An access token (JWT) or an API key (`sk_…`, `pk_…`), sent as `Authorization: Bearer` unless a request sets its own. */
  token?: string;
}

export type StockroomClient = Client<paths>;

/** A client whose every path, parameter, body and answer is typed from the API's document. */
export function createStockroomClient({ token, ...options }: StockroomClientOptions): StockroomClient {
  const client = createClient<paths>(options);
  if (token) {
    client.use({
      onRequest({ request }) {
        if (!request.headers.has("authorization")) request.headers.set("authorization", `Bearer ${token}`);
        return request;
      },
    });
  }
  return client;
}
