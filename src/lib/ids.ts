import { monotonicFactory } from "ulidx";

/** Prefixes from DESIGN.md section 3, plus the foundation's own (ses, rtk, aud). */
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
  | "ntf";

// Monotonic so that ids minted in the same millisecond still sort by creation.
const ulid = monotonicFactory();

/** A prefixed, time-sortable id such as `usr_01jd…`. Lower case keeps the sort order of ULIDs. */
export function newId(prefix: IdPrefix): string {
  return `${prefix}_${ulid().toLowerCase()}`;
}
