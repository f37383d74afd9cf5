import { badRequest } from "./errors";

/** The ETag of a versioned resource. Weak, since it names a version, not bytes. */
export function versionEtag(version: number): string {
  return `W/"${version}"`;
}

/**
 * The version an `If-Match` header names, or null when absent or `*` (which, per
 * RFC 9110, matches any current version). A malformed one is a 400.
 */
export function ifMatchVersion(header: string | undefined): number | null {
  if (header === undefined || header.trim() === "*") return null;
  const match = /^(?:W\/)?"(\d+)"$/.exec(header.trim());
  if (!match?.[1]) {
    throw badRequest('If-Match must be an ETag such as W/"3".', [{ path: "If-Match", message: "Malformed ETag" }]);
  }
  return Number(match[1]);
}
