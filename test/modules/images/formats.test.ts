import { describe, expect, it } from "vitest";
import { avifDimensions } from "../../../src/modules/images/avif";
import { detectFormat, readDimensions } from "../../../src/modules/images/formats";
import { inspectImage, MAX_IMAGE_BYTES } from "../../../src/modules/images/service";
import {
  AVIF_4X6,
  bytesOf,
  GIF_7X3,
  JPEG_3X2,
  JPEG_3X2_ROTATED,
  PNG_4X3,
  pngHeader,
  WEBP_EXTENDED_9X8,
  WEBP_LOSSLESS_6X7,
  WEBP_LOSSY_5X4,
} from "./fixtures";

const fixtures = {
  PNG_4X3,
  JPEG_3X2,
  JPEG_3X2_ROTATED,
  WEBP_LOSSY_5X4,
  WEBP_LOSSLESS_6X7,
  WEBP_EXTENDED_9X8,
  GIF_7X3,
  AVIF_4X6,
};

describe("image sniffing", () => {
  const cases: [string, string, number, number][] = [
    ["PNG_4X3", "png", 4, 3],
    ["JPEG_3X2", "jpeg", 3, 2],
    ["JPEG_3X2_ROTATED", "jpeg", 2, 3],
    ["WEBP_LOSSY_5X4", "webp", 5, 4],
    ["WEBP_LOSSLESS_6X7", "webp", 6, 7],
    ["WEBP_EXTENDED_9X8", "webp", 9, 8],
    ["GIF_7X3", "gif", 7, 3],
    ["AVIF_4X6", "avif", 4, 6],
  ];
  for (const [name, format, width, height] of cases) {
    it(`reads ${name} as ${format} ${width}x${height}`, () => {
      const bytes = bytesOf(fixtures[name as keyof typeof fixtures]);
      expect(detectFormat(bytes)).toBe(format);
      expect(readDimensions(detectFormat(bytes) as "png", bytes)).toEqual({ width, height });
    });
  }

  it("recognises nothing else: text, PDF, SVG, BMP, TIFF, HEIC, empty", () => {
    const others = [
      new TextEncoder().encode("just some text that claims to be a photo"),
      new TextEncoder().encode("%PDF-1.7\n"),
      new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"/>'),
      Uint8Array.from([0x42, 0x4d, 0, 0, 0, 0, 0, 0]), // BMP
      Uint8Array.from([0x49, 0x49, 0x2a, 0x00, 8, 0, 0, 0]), // TIFF
      Uint8Array.from([
        0,
        0,
        0,
        24,
        ...new TextEncoder().encode("ftypheic"),
        0,
        0,
        0,
        0,
        ...new TextEncoder().encode("mif1heic"),
      ]),
      new Uint8Array(0),
    ];
    for (const bytes of others) expect(detectFormat(bytes)).toBeNull();
  });

  it("says a truncated header is unreadable instead of throwing", () => {
    for (const name of ["PNG_4X3", "JPEG_3X2", "WEBP_LOSSY_5X4", "GIF_7X3", "AVIF_4X6"] as const) {
      const bytes = bytesOf(fixtures[name]);
      const format = detectFormat(bytes);
      expect(format, name).not.toBeNull();
      const cut = { PNG_4X3: 12, JPEG_3X2: 40, WEBP_LOSSY_5X4: 12, GIF_7X3: 8, AVIF_4X6: 40 }[name];
      expect(readDimensions(format as "png", bytes.subarray(0, cut)), name).toBeNull();
    }
  });

  it("reads any size from a hand-built PNG header", () => {
    expect(readDimensions("png", pngHeader(1920, 1080))).toEqual({ width: 1920, height: 1080 });
  });

  it("refuses to read AVIF without a meta box", () => {
    const bytes = bytesOf(fixtures.AVIF_4X6).slice(0, 32);
    expect(() => avifDimensions(bytes)).toThrow(RangeError);
  });
});

describe("upload inspection", () => {
  it("describes an accepted image", () => {
    expect(inspectImage(bytesOf(fixtures.JPEG_3X2))).toMatchObject({
      format: "jpeg",
      contentType: "image/jpeg",
      extension: "jpg",
      width: 3,
      height: 2,
    });
  });

  it("answers 400, 413 and 415 as the bytes deserve", () => {
    const statusOf = (bytes: Uint8Array) => {
      try {
        inspectImage(bytes);
        return 200;
      } catch (err) {
        return (err as { status: number }).status;
      }
    };
    expect(statusOf(new Uint8Array(0))).toBe(400);
    expect(statusOf(new TextEncoder().encode("hello"))).toBe(415);
    expect(statusOf(pngHeader(0, 10))).toBe(400);
    expect(statusOf(pngHeader(20_001, 10))).toBe(400);
    expect(statusOf(pngHeader(20_000, 20_000))).toBe(400);
    expect(statusOf(pngHeader(20_000, 2_500))).toBe(200);
    expect(statusOf(pngHeader(7_072, 7_072))).toBe(400);
    const big = new Uint8Array(MAX_IMAGE_BYTES + 1);
    big.set(pngHeader(10, 10));
    expect(statusOf(big)).toBe(413);
  });
});
