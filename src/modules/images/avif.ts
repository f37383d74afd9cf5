/*
 * AVIF is an ISO base media file: a tree of boxes (size, type, payload). The brand in
 * `ftyp` says AVIF; the size is the `ispe` property associated (in `ipma`) with the
 * primary item (`pitm`), turned a quarter when its `irot` says so. Files whose
 * associations cannot be read fall back to the first `ispe`, as most readers do.
 */

interface Box {
  type: string;
  start: number; // first payload byte
  end: number; // one past the last byte
}

const AVIF_BRANDS = new Set(["avif", "avis"]);

function fourcc(bytes: Uint8Array, at: number): string {
  if (at + 4 > bytes.length) throw new RangeError("box type past the end");
  return String.fromCharCode(bytes[at] ?? 0, bytes[at + 1] ?? 0, bytes[at + 2] ?? 0, bytes[at + 3] ?? 0);
}

function boxesIn(bytes: Uint8Array, from: number, to: number): Box[] {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const boxes: Box[] = [];
  let at = from;
  while (at + 8 <= to) {
    let size = v.getUint32(at);
    let header = 8;
    if (size === 1) {
      size = Number(v.getBigUint64(at + 8));
      header = 16;
    } else if (size === 0) {
      size = to - at;
    }
    if (size < header || at + size > to) throw new RangeError("box overruns its parent");
    boxes.push({ type: fourcc(bytes, at + 4), start: at + header, end: at + size });
    at += size;
  }
  return boxes;
}

const child = (boxes: Box[], type: string) => boxes.find((b) => b.type === type);

export interface Dimensions {
  width: number;
  height: number;
}

export function isAvif(bytes: Uint8Array): boolean {
  if (bytes.length < 16 || fourcc(bytes, 4) !== "ftyp") return false;
  const end = Math.min(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0), bytes.length);
  // The major brand is at 8, the minor version at 12, compatible brands from 16 on.
  if (AVIF_BRANDS.has(fourcc(bytes, 8))) return true;
  for (let at = 16; at + 4 <= end; at += 4) {
    if (AVIF_BRANDS.has(fourcc(bytes, at))) return true;
  }
  return false;
}

export function avifDimensions(bytes: Uint8Array): Dimensions {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const meta = child(boxesIn(bytes, 0, bytes.length), "meta");
  if (!meta) throw new RangeError("AVIF without meta");
  const metaBoxes = boxesIn(bytes, meta.start + 4, meta.end); // meta is a full box
  const iprp = child(metaBoxes, "iprp");
  const ipco = iprp && child(boxesIn(bytes, iprp.start, iprp.end), "ipco");
  if (!iprp || !ipco) throw new RangeError("AVIF without item properties");
  const properties = boxesIn(bytes, ipco.start, ipco.end);

  const associated = primaryProperties(v, metaBoxes, boxesIn(bytes, iprp.start, iprp.end));
  const chosen = associated ? associated.map((index) => properties[index - 1]) : properties;
  const ispe = chosen.find((b) => b?.type === "ispe");
  if (!ispe) throw new RangeError("AVIF without ispe");
  const width = v.getUint32(ispe.start + 4);
  const height = v.getUint32(ispe.start + 8);
  const irot = chosen.find((b) => b?.type === "irot");
  const quarterTurn = irot !== undefined && (v.getUint8(irot.start) & 1) === 1;
  return quarterTurn ? { width: height, height: width } : { width, height };
}

/** 1-based `ipco` indexes of the primary item's properties, or null if unknown. */
function primaryProperties(v: DataView, metaBoxes: Box[], iprpBoxes: Box[]): number[] | null {
  const pitm = child(metaBoxes, "pitm");
  const ipma = child(iprpBoxes, "ipma");
  if (!pitm || !ipma) return null;
  const primary = v.getUint8(pitm.start) === 0 ? v.getUint16(pitm.start + 4) : v.getUint32(pitm.start + 4);
  const version = v.getUint8(ipma.start);
  const wideIndex = (v.getUint32(ipma.start) & 1) === 1;
  const count = v.getUint32(ipma.start + 4);
  let at = ipma.start + 8;
  for (let i = 0; i < count && at < ipma.end; i++) {
    const item = version < 1 ? v.getUint16(at) : v.getUint32(at);
    at += version < 1 ? 2 : 4;
    const associations = v.getUint8(at);
    at += 1;
    const indexes: number[] = [];
    for (let j = 0; j < associations; j++) {
      indexes.push(wideIndex ? v.getUint16(at) & 0x7fff : v.getUint8(at) & 0x7f);
      at += wideIndex ? 2 : 1;
    }
    if (item === primary) return indexes;
  }
  return null;
}
