/*
 * URL slugs for categories and products: lower-case ASCII letters and digits in
 * runs joined by single hyphens. Latin letters lose their accents (NFKD plus a few
 * letters that do not decompose); anything else separates words. A name with no
 * Latin letters or digits at all gives an empty slug, and the caller falls back.
 */
export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
/** Longest slug a caller may set; generated ones stop at 90 to leave room for a `-<n>` suffix. */
export const SLUG_MAX_LENGTH = 100;
const GENERATED_MAX_LENGTH = 90;

const LETTERS: Record<string, string> = {
  ß: "ss",
  æ: "ae",
  œ: "oe",
  ø: "o",
  đ: "d",
  ð: "d",
  ł: "l",
  þ: "th",
  ı: "i",
  "&": " and ",
};

export function slugify(text: string, maxLength = GENERATED_MAX_LENGTH): string {
  const ascii = text
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/[ßæœøđðłþı&]/g, (ch) => LETTERS[ch] ?? " ");
  const slug = ascii.replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
  if (slug.length <= maxLength) return slug;
  // Cut at a word boundary when there is one, never leaving a trailing hyphen.
  const cut = slug.slice(0, maxLength);
  const lastHyphen = cut.lastIndexOf("-");
  return (lastHyphen > maxLength / 2 ? cut.slice(0, lastHyphen) : cut).replace(/-+$/, "");
}

/**
 * A free slug for `name`: its slug, or the first free numbered variant. `takenLike`
 * returns the slugs already used that equal `base` or start with `base-`. Names
 * without Latin letters or digits use `fallback` as the base.
 */
export async function generateSlug(
  name: string,
  fallback: string,
  takenLike: (base: string) => Promise<string[]>,
): Promise<string> {
  const base = slugify(name) || fallback;
  return firstFreeSlug(base, new Set(await takenLike(base)));
}

/**
 * The first of `base`, `base-2`, `base-3`, … that is not in `taken`. Callers pass
 * the slugs already using `base` or `base-<n>`, read in one query.
 */
export function firstFreeSlug(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) {
    const candidate = `${base}-${n}`;
    if (!taken.has(candidate)) return candidate;
  }
}

/**
 * Runs `insert` with the caller's slug, or with a generated one. A generated slug that
 * a concurrent writer took between the check and the insert is generated afresh with a
 * short random tail, so even a burst of same-named creations settles; a slug the
 * caller chose is theirs, and so is its conflict.
 */
export async function insertWithSlug<T>(
  given: string | undefined,
  generate: () => Promise<string>,
  isSlugConflict: (err: unknown) => boolean,
  insert: (slug: string) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const slug = given ?? (await generate()) + (attempt === 1 ? "" : `-${randomTail()}`);
    try {
      return await insert(slug);
    } catch (err) {
      if (given !== undefined || attempt >= 3 || !isSlugConflict(err)) throw err;
    }
  }
}

function randomTail(): string {
  return [...crypto.getRandomValues(new Uint8Array(3))].map((b) => (b % 36).toString(36)).join("");
}
