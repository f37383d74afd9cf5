import { describe, expect, it } from "vitest";
import { firstFreeSlug, generateSlug, insertWithSlug, SLUG_PATTERN, slugify } from "../../../src/lib/slug";

describe("slugify", () => {
  it("lower-cases, strips accents and joins words with single hyphens", () => {
    expect(slugify("Summer Shoes")).toBe("summer-shoes");
    expect(slugify("  Crème Brûlée -- Deluxe!  ")).toBe("creme-brulee-deluxe");
    expect(slugify("Straße & Søndag Æble")).toBe("strasse-and-sondag-aeble");
    expect(slugify("Ångström 2000™")).toBe("angstrom-2000tm");
    expect(slugify("ﬁne ＡＢＣ")).toBe("fine-abc"); // compatibility forms fold too
  });

  it("gives an empty slug when nothing Latin or numeric is left", () => {
    expect(slugify("日本語")).toBe("");
    expect(slugify("!!!")).toBe("");
  });

  it("cuts long names at a word boundary without a trailing hyphen", () => {
    const slug = slugify("word ".repeat(40));
    expect(slug.length).toBeLessThanOrEqual(90);
    expect(slug).toMatch(SLUG_PATTERN);
    expect(slug.endsWith("word")).toBe(true);
    expect(slugify("x".repeat(200))).toBe("x".repeat(90));
  });

  it("always produces slugs the API accepts", () => {
    for (const name of ["A", "a-b", "--a--", "Ünïcödé Ñame", "a_b.c", "1/2 price"]) {
      expect(slugify(name), name).toMatch(SLUG_PATTERN);
    }
  });
});

describe("free slugs", () => {
  it("numbers taken slugs from 2", () => {
    expect(firstFreeSlug("hats", new Set())).toBe("hats");
    expect(firstFreeSlug("hats", new Set(["hats"]))).toBe("hats-2");
    expect(firstFreeSlug("hats", new Set(["hats", "hats-2", "hats-3"]))).toBe("hats-4");
    expect(firstFreeSlug("hats", new Set(["hats-2"]))).toBe("hats");
  });

  it("falls back to the given base for names without a slug", async () => {
    expect(await generateSlug("日本", "category", async () => ["category"])).toBe("category-2");
    expect(await generateSlug("Red Hat", "category", async () => [])).toBe("red-hat");
  });
});

describe("insertWithSlug", () => {
  const conflict = new Error("UNIQUE constraint failed: t.slug");
  const isConflict = (err: unknown) => err === conflict;

  it("generates again, with a random tail, when a generated slug was taken meanwhile", async () => {
    const generated = ["a", "a-2"];
    const tried: string[] = [];
    const result = await insertWithSlug(
      undefined,
      async () => generated.shift() as string,
      isConflict,
      async (slug) => {
        tried.push(slug);
        if (slug === "a") throw conflict;
        return slug;
      },
    );
    expect(tried[0]).toBe("a");
    expect(result).toMatch(/^a-2-[a-z0-9]{3}$/);
    expect(result).toMatch(SLUG_PATTERN);
  });

  it("gives up after three tries, and never retries a slug the caller chose", async () => {
    let calls = 0;
    const failing = async () => {
      calls++;
      throw conflict;
    };
    await expect(insertWithSlug(undefined, async () => "a", isConflict, failing)).rejects.toBe(conflict);
    expect(calls).toBe(3);
    calls = 0;
    await expect(insertWithSlug("mine", async () => "a", isConflict, failing)).rejects.toBe(conflict);
    expect(calls).toBe(1);
  });
});
