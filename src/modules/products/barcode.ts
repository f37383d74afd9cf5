/*
 * Barcodes. A code of exactly 8, 12 or 13 digits is read as EAN-8, UPC-A or EAN-13
 * and must carry a valid GS1 check digit; any other code (Code 128, Code 39, ITF-14,
 * internal labels, …) is accepted as a plain code of printable ASCII.
 * Uniqueness and scanning compare the barcode's key: GS1 codes as the 14-digit GTIN
 * (so UPC-A 036000291452 and EAN-13 0036000291452 are the same product, as they are
 * the same GTIN; a 14-digit code is already a GTIN-14 and compares as is); every
 * other code exactly as entered, so internal codes keep their leading zeros.
 */
export const BARCODE_MAX_LENGTH = 64;
const PLAIN_CODE = /^[\x21-\x7E]+$/;
const GS1_LENGTHS = new Set([8, 12, 13]);

/** The GS1 check digit for the digits before it (weights 3,1,3,… from the right). */
export function gs1CheckDigit(body: string): number {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    const digit = body.charCodeAt(body.length - 1 - i) - 48;
    sum += digit * (i % 2 === 0 ? 3 : 1);
  }
  return (10 - (sum % 10)) % 10;
}

export function isGs1Code(code: string): boolean {
  return /^\d+$/.test(code) && GS1_LENGTHS.has(code.length);
}

export type BarcodeCheck = { ok: true; key: string } | { ok: false; message: string };

export function checkBarcode(code: string): BarcodeCheck {
  if (code.length === 0 || code.length > BARCODE_MAX_LENGTH || !PLAIN_CODE.test(code)) {
    return { ok: false, message: `Use 1 to ${BARCODE_MAX_LENGTH} printable ASCII characters without spaces` };
  }
  if (isGs1Code(code)) {
    const expected = gs1CheckDigit(code.slice(0, -1));
    if (Number(code.at(-1)) !== expected) {
      const kind = code.length === 8 ? "EAN-8" : code.length === 12 ? "UPC-A" : "EAN-13";
      return { ok: false, message: `Invalid ${kind} check digit (expected ${expected})` };
    }
  }
  return { ok: true, key: barcodeKey(code) };
}

/** The comparison key of a code that passed `checkBarcode` (or a scanned one). */
export function barcodeKey(code: string): string {
  return isGs1Code(code) ? code.padStart(14, "0") : code;
}
