import { describe, expect, it } from "vitest";
import { barcodeKey, checkBarcode, gs1CheckDigit, isGs1Code } from "../../../src/modules/products/barcode";

describe("barcodes", () => {
  it("computes GS1 check digits", () => {
    expect(gs1CheckDigit("400638133393")).toBe(1); // EAN-13 4006381333931
    expect(gs1CheckDigit("03600029145")).toBe(2); // UPC-A 036000291452
    expect(gs1CheckDigit("9638507")).toBe(4); // EAN-8 96385074
    expect(gs1CheckDigit("00000000000")).toBe(0);
  });

  it("validates the check digit of 8, 12 and 13 digit codes only", () => {
    for (const valid of ["4006381333931", "036000291452", "96385074", "5901234123457"]) {
      expect(checkBarcode(valid), valid).toMatchObject({ ok: true });
    }
    expect(checkBarcode("4006381333932")).toEqual({ ok: false, message: "Invalid EAN-13 check digit (expected 1)" });
    expect(checkBarcode("036000291453")).toEqual({ ok: false, message: "Invalid UPC-A check digit (expected 2)" });
    expect(checkBarcode("96385075")).toEqual({ ok: false, message: "Invalid EAN-8 check digit (expected 4)" });
    // Other lengths are plain codes, check digit or not.
    for (const plain of ["1234567", "12345678901", "12345678901234", "ABC-123/x", "code128!"]) {
      expect(checkBarcode(plain), plain).toMatchObject({ ok: true });
    }
  });

  it("refuses empty, spaced, non-ASCII and overlong codes", () => {
    for (const bad of ["", "AB 12", "ÄÖÜ", "x".repeat(65), "tab\there"]) {
      expect(checkBarcode(bad), bad).toMatchObject({ ok: false });
    }
  });

  it("keys GS1 codes as GTIN-14 so every form of one GTIN compares equal", () => {
    expect(isGs1Code("036000291452")).toBe(true);
    expect(isGs1Code("00036000291452")).toBe(false);
    expect(barcodeKey("036000291452")).toBe("00036000291452");
    expect(barcodeKey("0036000291452")).toBe("00036000291452");
    expect(barcodeKey("00036000291452")).toBe("00036000291452");
    expect(barcodeKey("96385074")).toBe("00000096385074");
    // Internal codes keep their leading zeros.
    expect(barcodeKey("000123")).toBe("000123");
    expect(barcodeKey("123")).toBe("123");
  });
});
