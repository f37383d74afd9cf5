import { z } from "@hono/zod-openapi";
import { base64url } from "jose";
import { badRequest } from "./errors";

/** `?limit=&cursor=` as docs/architecture.md ("API conventions") fixes them. */
export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50).openapi({ description: "Page size, 1 to 200." }),
  cursor: z.string().max(512).optional().openapi({ description: "The `next_cursor` of the previous page." }),
});

export type CursorKey = (string | number | null)[];

export function encodeCursor(key: CursorKey): string {
  return base64url.encode(JSON.stringify(key));
}

/** Decodes a cursor that must hold `length` sort values; anything else is a 400. */
export function decodeCursor(cursor: string, length: number): CursorKey {
  try {
    const key: unknown = JSON.parse(new TextDecoder().decode(base64url.decode(cursor)));
    if (
      Array.isArray(key) &&
      key.length === length &&
      key.every((v) => v === null || typeof v === "string" || typeof v === "number")
    ) {
      return key;
    }
  } catch {
    // fall through to the 400 below
  }
  throw invalidCursor();
}

/** For a cursor that decodes but holds what no page of the list ends with. */
export const invalidCursor = () =>
  badRequest("The cursor is not valid for this list.", [{ path: "cursor", message: "Invalid cursor" }]);

export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

/** Turns `limit + 1` fetched rows into a page, with the cursor taken from the last row kept. */
export function toPage<R, T>(rows: R[], limit: number, keyOf: (row: R) => CursorKey, map: (row: R) => T): Page<T> {
  const kept = rows.slice(0, limit);
  const last = kept.at(-1);
  return {
    data: kept.map(map),
    next_cursor: rows.length > limit && last !== undefined ? encodeCursor(keyOf(last)) : null,
  };
}

export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({ data: z.array(item), next_cursor: z.string().nullable() });
}
