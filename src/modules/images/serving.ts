/*
 * Public image delivery from R2. A key names one exact byte sequence (its SHA-256),
 * so the ETag is the hash itself, the answer may be cached for a year as immutable,
 * and a matching If-None-Match gets 304 without reading the bytes. One byte range is
 * served as 206 (video-style seeking, resumed downloads); an unsatisfiable one is 416;
 * several ranges or a malformed header are ignored and the whole image is sent, as
 * RFC 9110 allows.
 */
import { notFound, rangeNotSatisfiable } from "../../lib/errors";
import { IMAGE_FORMATS } from "./formats";
import { IMMUTABLE_CACHE, objectKey } from "./storage";

const KEY_PATTERN = /^([0-9a-f]{64})\.(png|jpg|webp|gif|avif)$/;
const TYPE_BY_EXTENSION = Object.fromEntries(Object.values(IMAGE_FORMATS).map((f) => [f.extension, f.contentType]));

export interface ImageRequest {
  ifNoneMatch?: string | undefined;
  range?: string | undefined;
  ifRange?: string | undefined;
}

export type ByteRange = { offset: number; length: number };

/** One satisfiable range, "unsatisfiable", or null when the header is to be ignored. */
export function parseRange(header: string, size: number): ByteRange | "unsatisfiable" | null {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return null;
  const [, first = "", last = ""] = match;
  if (first === "" && last === "") return null;
  if (first === "") {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return "unsatisfiable";
    const length = Math.min(suffix, size);
    return { offset: size - length, length };
  }
  const offset = Number(first);
  if (last !== "" && Number(last) < offset) return null; // not a valid range at all
  if (offset >= size) return "unsatisfiable";
  const end = last === "" ? size - 1 : Math.min(Number(last), size - 1);
  return { offset, length: end - offset + 1 };
}

/** Whether an If-None-Match list names this ETag (weak comparison, as for GET). */
export function etagMatches(header: string, etag: string): boolean {
  const strip = (tag: string) => tag.trim().replace(/^W\//, "");
  return header.split(",").some((tag) => tag.trim() === "*" || strip(tag) === strip(etag));
}

export async function serveImage(files: R2Bucket, key: string, request: ImageRequest): Promise<Response> {
  const match = KEY_PATTERN.exec(key);
  if (!match) throw notFound("Image");
  const etag = `"${match[1]}"`;
  const headers = new Headers({
    ETag: etag,
    "Cache-Control": IMMUTABLE_CACHE,
    "Accept-Ranges": "bytes",
    "Content-Type": TYPE_BY_EXTENSION[match[2] ?? ""] ?? "application/octet-stream",
  });
  const name = objectKey(key);

  if (request.ifNoneMatch && etagMatches(request.ifNoneMatch, etag)) {
    if (!(await files.head(name))) throw notFound("Image");
    return new Response(null, { status: 304, headers });
  }

  const rangeApplies = request.range !== undefined && (request.ifRange === undefined || request.ifRange === etag);
  if (rangeApplies && request.range) {
    const head = await files.head(name);
    if (!head) throw notFound("Image");
    const range = parseRange(request.range, head.size);
    if (range === "unsatisfiable") {
      throw rangeNotSatisfiable(`The range is outside the image's ${head.size} bytes.`, head.size);
    }
    if (range) {
      const part = await files.get(name, { range });
      if (!part) throw notFound("Image");
      headers.set("Content-Range", `bytes ${range.offset}-${range.offset + range.length - 1}/${head.size}`);
      headers.set("Content-Length", String(range.length));
      return new Response(part.body, { status: 206, headers });
    }
  }

  const object = await files.get(name);
  if (!object) throw notFound("Image");
  headers.set("Content-Length", String(object.size));
  return new Response(object.body, { status: 200, headers });
}
