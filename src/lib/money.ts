const digitsCache = new Map<string, number>();

/** Minor-unit digits of an ISO 4217 currency (2 for EUR, 0 for JPY, 3 for KWD). */
export function minorDigits(currency: string): number {
  let digits = digitsCache.get(currency);
  if (digits === undefined) {
    digits = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
    digitsCache.set(currency, digits);
  }
  return digits;
}

/**
 * An amount in minor units for people to read, e.g. `EUR 1,234.50`. Integer
 * arithmetic only: the amount is never turned into a fractional float.
 */
export function formatMoney(minor: number, currency: string): string {
  const digits = minorDigits(currency);
  const scale = 10 ** digits;
  const abs = Math.abs(minor);
  const units = Math.floor(abs / scale).toLocaleString("en");
  const fraction = digits > 0 ? `.${String(abs % scale).padStart(digits, "0")}` : "";
  return `${minor < 0 ? "-" : ""}${currency} ${units}${fraction}`;
}
