import { env, exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import type { ProductResponse } from "../../../src/modules/products/schemas";
import { type SignedIn, signInAs } from "../../support/auth";
import { auditOf, createProduct, eventsOf, publishedProduct } from "../../support/catalog";
import { call } from "../../support/http";
import { bytesOf, GIF_7X3, JPEG_3X2, PNG_4X3, pngHeader, WEBP_LOSSY_5X4 } from "./fixtures";

type Image = ProductResponse["images"][number];

let admin: SignedIn;

beforeAll(async () => {
  admin = await signInAs("admin");
});

/** A real, unique PNG: the fixture with a private text chunk, so its hash is new. */
function uniquePng(): Uint8Array {
  const png = bytesOf(PNG_4X3);
  const text = new TextEncoder().encode(`tEXtk\0${crypto.randomUUID()}`);
  const chunk = new Uint8Array(12 + text.length - 4);
  new DataView(chunk.buffer).setUint32(0, text.length - 4);
  chunk.set(text, 4);
  // Insert before IEND (the last 12 bytes); readers skip chunks they do not know.
  return new Uint8Array([...png.subarray(0, png.length - 12), ...chunk, ...png.subarray(png.length - 12)]);
}

async function raw(
  method: string,
  path: string,
  init: { token?: string; body?: BodyInit; headers?: Record<string, string> },
) {
  const headers = new Headers(init.headers);
  if (init.token) headers.set("authorization", `Bearer ${init.token}`);
  return exports.default.fetch(new Request(`https://stockroom.test${path}`, { method, headers, body: init.body }));
}

async function uploadMultipart(
  productId: string,
  bytes: Uint8Array,
  options: { filename?: string; type?: string; alt?: string } = {},
) {
  const form = new FormData();
  form.set(
    "file",
    new File([bytes], options.filename ?? "upload.bin", { type: options.type ?? "application/octet-stream" }),
  );
  if (options.alt !== undefined) form.set("alt", options.alt);
  const res = await raw("POST", `/v1/products/${productId}/images`, { token: admin.token, body: form });
  return { status: res.status, body: (await res.json()) as Image & { code?: string; image_id?: string } };
}

async function uploadRaw(productId: string, bytes: Uint8Array, contentType: string, query = "") {
  const res = await raw("POST", `/v1/products/${productId}/images${query}`, {
    token: admin.token,
    body: bytes,
    headers: { "content-type": contentType },
  });
  return { status: res.status, body: (await res.json()) as Image & { code?: string } };
}

const keyOf = (image: Image) => image.url.split("/v1/images/")[1] as string;

describe("image upload", () => {
  it("stores a multipart PNG in R2 at its content address and lists it on the product", async () => {
    const product = await createProduct(admin.token);
    const png = uniquePng();
    const res = await uploadMultipart(product.id, png, { filename: "photo.png", type: "image/png", alt: "Front view" });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ alt: "Front view", width: 4, height: 3, position: 0 });
    const digest = [...new Uint8Array(await crypto.subtle.digest("SHA-256", png))]
      .map((b) => b.toString(16).padStart(2, "0"))
      .join("");
    expect(res.body.url).toBe(`https://stockroom.test/v1/images/${digest}.png`);

    const object = await env.FILES.get(`images/${digest}.png`);
    expect(object?.httpMetadata?.contentType).toBe("image/png");
    expect(new Uint8Array(await (object as R2ObjectBody).arrayBuffer())).toEqual(png);

    const read = await call<ProductResponse>("GET", `/v1/products/${product.id}`, { token: admin.token });
    expect(read.body.images).toEqual([res.body]);
    expect(read.body.version).toBe(2); // an image is part of the product
    expect((await auditOf(product.id)).at(-1)?.action).toBe("product.image_added");
  });

  it("stores a raw JPEG body with alt from the query, judged by content not by its label", async () => {
    const product = await createProduct(admin.token);
    const res = await uploadRaw(product.id, bytesOf(JPEG_3X2), "application/octet-stream", "?alt=Side");
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ alt: "Side", width: 3, height: 2 });
    expect(res.body.url).toMatch(/\.jpg$/);
    const object = await env.FILES.head(`images/${keyOf(res.body)}`);
    expect(object?.httpMetadata?.contentType).toBe("image/jpeg");
    // A GIF labelled as PNG is stored as the GIF it is.
    const gif = await uploadRaw(product.id, bytesOf(GIF_7X3), "image/png");
    expect(gif.status).toBe(201);
    expect(gif.body.url).toMatch(/\.gif$/);
    expect(gif.body.position).toBe(1);
  });

  it("refuses a text file renamed to .png with 415, in either form", async () => {
    const product = await createProduct(admin.token);
    const text = new TextEncoder().encode("This is not a picture, whatever the file name says.");
    const multipart = await uploadMultipart(product.id, text, { filename: "holiday.png", type: "image/png" });
    expect(multipart.status).toBe(415);
    expect(multipart.body.code).toBe("UNSUPPORTED_MEDIA_TYPE");
    const rawBody = await uploadRaw(product.id, text, "image/png");
    expect(rawBody.status).toBe(415);
    const read = await call<ProductResponse>("GET", `/v1/products/${product.id}`, { token: admin.token });
    expect(read.body).toMatchObject({ images: [], version: 1 });
  });

  it("refuses bodies of other media types with 415", async () => {
    const product = await createProduct(admin.token);
    for (const type of ["text/plain", "application/json", "application/pdf"]) {
      const res = await uploadRaw(product.id, bytesOf(PNG_4X3), type);
      expect(res.status, type).toBe(415);
    }
  });

  it("refuses an image over 10 MiB with 413", async () => {
    const product = await createProduct(admin.token);
    const justOver = new Uint8Array(10 * 1024 * 1024 + 1);
    justOver.set(pngHeader(100, 100));
    const res = await uploadRaw(product.id, justOver, "image/png");
    expect(res.status).toBe(413);
    expect(res.body.code).toBe("PAYLOAD_TOO_LARGE");
    const farOver = new Uint8Array(11 * 1024 * 1024);
    farOver.set(pngHeader(100, 100));
    const refused = await uploadRaw(product.id, farOver, "image/png");
    expect(refused.status).toBe(413);
  });

  it("keeps the 1 MiB JSON limit everywhere else", async () => {
    const res = await call("POST", "/v1/products", {
      token: admin.token,
      body: { sku: "BIG", name: "x", description: "x".repeat(1024 * 1024) },
    });
    expect(res.status).toBe(413);
  });

  it("refuses an empty upload, a missing file field, a corrupt header and a cut-short file with 400", async () => {
    const product = await createProduct(admin.token);
    expect((await uploadRaw(product.id, new Uint8Array(0), "image/png")).status).toBe(400);
    const form = new FormData();
    form.set("alt", "no file");
    const noFile = await raw("POST", `/v1/products/${product.id}/images`, { token: admin.token, body: form });
    expect(noFile.status).toBe(400);
    expect((await uploadRaw(product.id, bytesOf(PNG_4X3).subarray(0, 14), "image/png")).status).toBe(400);
    // Cut short after a whole header: the size reads, but the file never reaches its IEND.
    const cut = await uploadRaw(product.id, bytesOf(PNG_4X3).subarray(0, 40), "image/png");
    expect(cut.status).toBe(400);
    expect(cut.body).toMatchObject({ detail: "The PNG file is cut short (no IEND chunk)." });
    const listed = await call<ProductResponse>("GET", `/v1/products/${product.id}`, { token: admin.token });
    expect(listed.body.images).toEqual([]);
  });

  it("refuses the same picture twice on one product, but shares it between products", async () => {
    const one = await createProduct(admin.token);
    const two = await createProduct(admin.token);
    const png = uniquePng();
    const first = await uploadRaw(one.id, png, "image/png");
    const again = await uploadRaw(one.id, png, "image/png");
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: "CONFLICT", image_id: first.body.id });
    const shared = await uploadRaw(two.id, png, "image/png");
    expect(shared.status).toBe(201);
    expect(shared.body.url).toBe(first.body.url);
  });

  it("takes a gallery uploaded in parallel: 20 images at once, each at its own position", async () => {
    const product = await createProduct(admin.token);
    const results = await Promise.all(
      Array.from({ length: 20 }, () => uploadRaw(product.id, uniquePng(), "image/png")),
    );
    expect(results.map((r) => r.status)).toEqual(Array.from({ length: 20 }, () => 201));
    const listed = await call<ProductResponse>("GET", `/v1/products/${product.id}`, { token: admin.token });
    expect(listed.body.images).toHaveLength(20);
    expect(new Set(listed.body.images.map((i) => i.position)).size).toBe(20);
  });

  it("404s an upload to an unknown product and stores nothing", async () => {
    const png = uniquePng();
    expect((await uploadRaw("prd_nope", png, "image/png")).status).toBe(404);
    const digest = [...new Uint8Array(await crypto.subtle.digest("SHA-256", png))]
      .map((b) => b.toString(16).padStart(2, "0"))
      .join("");
    expect(await env.FILES.head(`images/${digest}.png`)).toBeNull();
  });

  it("emits product.updated when a published product gets an image", async () => {
    const product = await publishedProduct(admin.token);
    const res = await uploadRaw(product.id, uniquePng(), "image/png");
    expect(res.status).toBe(201);
    const events = await eventsOf(product.id);
    expect(events.map((e) => e.type)).toEqual(["product.published", "product.updated"]);
    expect(events[1]?.data).toMatchObject({ version: product.version + 1, images: [{ id: res.body.id }] });
  });
});

describe("image edit and delete", () => {
  it("changes alt text and moves an image, shifting the others", async () => {
    const product = await createProduct(admin.token);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await uploadRaw(product.id, uniquePng(), "image/png")).body.id);
    const moved = await call<Image>("PATCH", `/v1/products/${product.id}/images/${ids[2]}`, {
      token: admin.token,
      body: { position: 0, alt: "Now first" },
    });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ position: 0, alt: "Now first" });
    const read = await call<ProductResponse>("GET", `/v1/products/${product.id}`, { token: admin.token });
    expect(read.body.images.map((i) => [i.id, i.position])).toEqual([
      [ids[2], 0],
      [ids[0], 1],
      [ids[1], 2],
    ]);
    const pastTheEnd = await call<Image>("PATCH", `/v1/products/${product.id}/images/${ids[2]}`, {
      token: admin.token,
      body: { position: 99 },
    });
    expect(pastTheEnd.body.position).toBe(2);
  });

  it("refuses bad edits", async () => {
    const product = await createProduct(admin.token);
    const image = (await uploadRaw(product.id, uniquePng(), "image/png")).body;
    const path = `/v1/products/${product.id}/images/${image.id}`;
    expect((await call("PATCH", path, { token: admin.token, body: { position: -1 } })).status).toBe(400);
    expect((await call("PATCH", path, { token: admin.token, body: { width: 10 } })).status).toBe(400);
    expect((await call("PATCH", path, { token: admin.token, body: { alt: "x".repeat(501) } })).status).toBe(400);
    expect(
      (await call("PATCH", `/v1/products/${product.id}/images/img_nope`, { token: admin.token, body: { alt: "x" } }))
        .status,
    ).toBe(404);
  });

  it("removes the row and closes the gap, and the R2 object once nothing uses it", async () => {
    const one = await createProduct(admin.token);
    const two = await createProduct(admin.token);
    const png = uniquePng();
    const a = (await uploadRaw(one.id, png, "image/png")).body;
    const b = (await uploadRaw(one.id, bytesOf(WEBP_LOSSY_5X4), "image/webp")).body;
    const shared = (await uploadRaw(two.id, png, "image/png")).body;
    const objectKey = `images/${keyOf(a)}`;

    expect((await call("DELETE", `/v1/products/${one.id}/images/${a.id}`, { token: admin.token })).status).toBe(204);
    const read = await call<ProductResponse>("GET", `/v1/products/${one.id}`, { token: admin.token });
    expect(read.body.images.map((i) => [i.id, i.position])).toEqual([[b.id, 0]]);
    expect(await env.FILES.head(objectKey)).not.toBeNull(); // product two still shows it

    expect((await call("DELETE", `/v1/products/${two.id}/images/${shared.id}`, { token: admin.token })).status).toBe(
      204,
    );
    expect(await env.FILES.head(objectKey)).toBeNull();
    expect((await call("DELETE", `/v1/products/${two.id}/images/${shared.id}`, { token: admin.token })).status).toBe(
      404,
    );
  });

  it("removes images and their bytes when a draft is deleted", async () => {
    const product = await createProduct(admin.token);
    const image = (await uploadRaw(product.id, uniquePng(), "image/png")).body;
    expect((await call("DELETE", `/v1/products/${product.id}`, { token: admin.token })).status).toBe(204);
    expect(await env.FILES.head(`images/${keyOf(image)}`)).toBeNull();
  });
});

describe("image delivery", () => {
  let image: Image;
  let bytes: Uint8Array;
  let path: string;

  beforeAll(async () => {
    const product = await createProduct(admin.token);
    bytes = bytesOf(JPEG_3X2);
    image = (await uploadRaw(product.id, bytes, "image/jpeg")).body;
    path = `/v1/images/${keyOf(image)}`;
  });

  it("serves the bytes publicly with an ETag and a year of immutable caching", async () => {
    const res = await raw("GET", path, {});
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/jpeg");
    expect(res.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(res.headers.get("etag")).toBe(`"${keyOf(image).split(".")[0]}"`);
    expect(res.headers.get("accept-ranges")).toBe("bytes");
    // Shops on other origins embed these; everything else stays same-origin.
    expect(res.headers.get("cross-origin-resource-policy")).toBe("cross-origin");
    expect((await raw("GET", "/v1/store/categories", {})).headers.get("cross-origin-resource-policy")).toBe(
      "same-origin",
    );
    expect(res.headers.get("content-length")).toBe(String(bytes.length));
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(bytes);
  });

  it("answers 304 to a matching If-None-Match", async () => {
    const etag = (await raw("GET", path, {})).headers.get("etag") as string;
    for (const header of [etag, `W/${etag}`, `"other", ${etag}`, "*"]) {
      const res = await raw("GET", path, { headers: { "if-none-match": header } });
      expect(res.status, header).toBe(304);
      expect(res.headers.get("etag")).toBe(etag);
      expect(await res.text()).toBe("");
    }
    expect((await raw("GET", path, { headers: { "if-none-match": '"other"' } })).status).toBe(200);
  });

  it("serves byte ranges with 206 and Content-Range", async () => {
    const cases: [string, number, number][] = [
      ["bytes=0-9", 0, 9],
      ["bytes=10-", 10, bytes.length - 1],
      ["bytes=-5", bytes.length - 5, bytes.length - 1],
      [`bytes=100-${bytes.length + 50}`, 100, bytes.length - 1],
    ];
    for (const [range, first, last] of cases) {
      const res = await raw("GET", path, { headers: { range } });
      expect(res.status, range).toBe(206);
      expect(res.headers.get("content-range")).toBe(`bytes ${first}-${last}/${bytes.length}`);
      expect(new Uint8Array(await res.arrayBuffer())).toEqual(bytes.subarray(first, last + 1));
    }
  });

  it("answers 416 to an unsatisfiable range and ignores ranges it does not serve", async () => {
    const res = await raw("GET", path, { headers: { range: `bytes=${bytes.length}-` } });
    expect(res.status).toBe(416);
    expect(((await res.json()) as { code: string }).code).toBe("RANGE_NOT_SATISFIABLE");
    expect(res.headers.get("content-range")).toBe(`bytes */${bytes.length}`);
    for (const range of ["bytes=0-1,5-6", "items=0-1", "bytes=9-2"]) {
      expect((await raw("GET", path, { headers: { range } })).status, range).toBe(200);
    }
    const staleIfRange = await raw("GET", path, { headers: { range: "bytes=0-1", "if-range": '"old"' } });
    expect(staleIfRange.status).toBe(200);
  });

  it("404s unknown and malformed keys", async () => {
    for (const key of [`${"0".repeat(64)}.png`, "../secrets", "abc.png", `${"a".repeat(64)}.svg`]) {
      const res = await raw("GET", `/v1/images/${key}`, {});
      expect(res.status, key).toBe(404);
    }
  });
});
