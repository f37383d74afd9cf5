/*
 * Image sniffing by content: the magic bytes decide the format (never the file name
 * or the declared Content-Type), and the header gives width and height. Only PNG,
 * JPEG, WebP, GIF and AVIF are recognised. Each reader touches only the few header
 * bytes it needs; any read past the end throws a RangeError, which the caller turns
 * into "corrupt image". Why not a library: the one well-known option (image-size)
 * handles twenty formats we refuse, including text-based ones, and reads AVIF's first
 * `ispe` box rather than the primary item's; these readers are small and tested.
 */
import { avifDimensions, type Dimensions, isAvif } from "./avif";

export const IMAGE_FORMATS = {
  png: { contentType: "image/png", extension: "png" },
  jpeg: { contentType: "image/jpeg", extension: "jpg" },
  webp: { contentType: "image/webp", extension: "webp" },
  gif: { contentType: "image/gif", extension: "gif" },
  avif: { contentType: "image/avif", extension: "avif" },
} as const;

export type ImageFormat = keyof typeof IMAGE_FORMATS;

const ascii = (bytes: Uint8Array, offset: number, length: number) =>
  String.fromCharCode(...bytes.subarray(offset, offset + length));

const startsWith = (bytes: Uint8Array, signature: number[]) => signature.every((b, i) => bytes[i] === b);

export function detectFormat(bytes: Uint8Array): ImageFormat | null {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "png";
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return "jpeg";
  if (ascii(bytes, 0, 4) === "RIFF" && ascii(bytes, 8, 4) === "WEBP") return "webp";
  if (ascii(bytes, 0, 6) === "GIF87a" || ascii(bytes, 0, 6) === "GIF89a") return "gif";
  if (isAvif(bytes)) return "avif";
  return null;
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function pngDimensions(bytes: Uint8Array): Dimensions {
  if (ascii(bytes, 12, 4) !== "IHDR") throw new RangeError("PNG without IHDR");
  const v = view(bytes);
  return { width: v.getUint32(16), height: v.getUint32(20) };
}

function gifDimensions(bytes: Uint8Array): Dimensions {
  const v = view(bytes);
  return { width: v.getUint16(6, true), height: v.getUint16(8, true) };
}

function webpDimensions(bytes: Uint8Array): Dimensions {
  const v = view(bytes);
  const chunk = ascii(bytes, 12, 4);
  if (chunk === "VP8 ") {
    // Lossy: a key frame starts with the code 9d 01 2a, then 14-bit width and height.
    if (bytes[23] !== 0x9d || bytes[24] !== 0x01 || bytes[25] !== 0x2a) throw new RangeError("VP8 without key frame");
    return { width: v.getUint16(26, true) & 0x3fff, height: v.getUint16(28, true) & 0x3fff };
  }
  if (chunk === "VP8L") {
    // Lossless: signature 0x2f, then width-1 and height-1 in 14 bits each.
    if (bytes[20] !== 0x2f) throw new RangeError("VP8L without signature");
    const bits = v.getUint32(21, true);
    return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (chunk === "VP8X") {
    // Extended: 24-bit canvas width-1 and height-1.
    const u24 = (at: number) => v.getUint16(at, true) | (v.getUint8(at + 2) << 16);
    return { width: u24(24) + 1, height: u24(27) + 1 };
  }
  throw new RangeError("Unknown WebP chunk");
}

// Start-of-frame markers carry the frame size; C4 (DHT), C8 (JPG) and CC (DAC) do not.
const SOF_MARKERS = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

function jpegDimensions(bytes: Uint8Array): Dimensions {
  const v = view(bytes);
  let offset = 2;
  let orientation = 1;
  for (;;) {
    if (v.getUint8(offset) !== 0xff) throw new RangeError("JPEG marker expected");
    const marker = v.getUint8(offset + 1);
    if (marker === 0xff) {
      offset += 1; // fill byte
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) throw new RangeError("JPEG without frame header");
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      offset += 2; // markers without a length
      continue;
    }
    const length = v.getUint16(offset + 2);
    if (marker === 0xe1 && ascii(bytes, offset + 4, 6) === "Exif\0\0") {
      orientation = exifOrientation(bytes, offset + 10) ?? orientation;
    }
    if (SOF_MARKERS.has(marker)) {
      const height = v.getUint16(offset + 5);
      const width = v.getUint16(offset + 7);
      // Orientations 5 to 8 turn the picture a quarter: it displays with sides swapped.
      return orientation >= 5 ? { width: height, height: width } : { width, height };
    }
    offset += 2 + length;
  }
}

/** The EXIF orientation tag (0x0112) of IFD0 in the TIFF block at `tiff`, if any. */
function exifOrientation(bytes: Uint8Array, tiff: number): number | null {
  const v = view(bytes);
  const order = ascii(bytes, tiff, 2);
  if (order !== "II" && order !== "MM") return null;
  const little = order === "II";
  const ifd = tiff + v.getUint32(tiff + 4, little);
  const entries = v.getUint16(ifd, little);
  for (let i = 0; i < entries; i++) {
    const entry = ifd + 2 + i * 12;
    if (v.getUint16(entry, little) === 0x0112) return v.getUint16(entry + 8, little);
  }
  return null;
}

const READERS: Record<ImageFormat, (bytes: Uint8Array) => Dimensions> = {
  png: pngDimensions,
  jpeg: jpegDimensions,
  webp: webpDimensions,
  gif: gifDimensions,
  avif: avifDimensions,
};

/** Width and height from the header, or null when the header is truncated or corrupt. */
export function readDimensions(format: ImageFormat, bytes: Uint8Array): Dimensions | null {
  try {
    const size = READERS[format](bytes);
    return size.width > 0 && size.height > 0 ? size : null;
  } catch (err) {
    if (err instanceof RangeError) return null;
    throw err;
  }
}

/**
 * Whether a PNG reaches its end: the IEND chunk, within the last KiB (some tools append
 * a few bytes after it). A file cut short keeps a valid header but loses it; the other
 * formats are judged by their header alone.
 */
export function reachesEnd(format: ImageFormat, bytes: Uint8Array): boolean {
  if (format !== "png") return true;
  const tail = bytes.subarray(Math.max(0, bytes.length - 1024));
  return ascii(tail, 0, tail.length).includes("IEND");
}
