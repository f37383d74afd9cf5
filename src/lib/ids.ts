import { monotonicFactory } from "ulidx";

/** The id prefixes of docs/architecture.md ("API conventions"). */
export type IdPrefix =
  | "usr"
  | "ses"
  | "rtk"
  | "key"
  | "aud"
  | "cat"
  | "prd"
  | "img"
  | "rev"
  | "rsv"
  | "ord"
  | "pay"
  | "inv"
  | "mov"
  | "evt"
  | "whk"
  | "dlv"
  | "exp"
  | "imp"
  | "ntf"
  | "rfd"
  | "crn"
  | "cmp"
  | "prj"
  | "dhl"
  | "smp"
  | "dsp"
  | "ret"
  | "loc"
  | "trf";

// Monotonic so that ids minted in the same millisecond still sort by creation.
const ulid = monotonicFactory();

/** A prefixed, time-sortable id such as `usr_01jd…`. Lower case keeps the sort order of ULIDs. */
export function newId(prefix: IdPrefix): string {
  return `${prefix}_${ulid().toLowerCase()}`;
}

/**
 * A deterministic id for work that must happen once per (caller, key, item), such as the
 * movement behind line 3 of an idempotent batch: a retry derives the same id, and the
 * stock object recognises it. Not time-sortable, by design.
 */
export async function derivedId(prefix: IdPrefix, ...parts: string[]): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(parts.join("\u0000")));
  const hex = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${prefix}_${hex.slice(0, 26)}`;
}
