/*
 * What an endpoint may be set to: a URL the SSRF policy allows (stored normalised,
 * as `fetch` will use it) and subscription patterns that select real event types.
 */
import { badRequest } from "../../lib/errors";
import { typesSelectedBy } from "../events";
import { webhookUrlProblem } from "./url-policy";

export interface WebhookSettings {
  encryptionKey: string;
  allowInsecureLocalhost: boolean;
}

/** The URL in its normalised form (as `fetch` will use it), if the policy allows it. */
export function checkedUrl(url: string, settings: WebhookSettings): string {
  const problem = webhookUrlProblem(url, settings.allowInsecureLocalhost);
  if (problem) throw badRequest("The webhook URL is not allowed.", [{ path: "url", message: problem }]);
  return new URL(url).href;
}

export function checkedPatterns(patterns: string[]): string[] {
  const unknown = patterns
    .map((pattern, i) => ({ pattern, i }))
    .filter(({ pattern }) => typesSelectedBy(pattern).length === 0);
  if (unknown.length > 0) {
    throw badRequest(
      "Unknown event types; see GET /v1/event-types.",
      unknown.map(({ pattern, i }) => ({ path: `event_types.${i}`, message: `No event type matches "${pattern}"` })),
    );
  }
  return [...new Set(patterns)];
}
