// The catalog data set: a two-level category tree and products with realistic names,
// descriptions (for the FTS index), prices, barcodes and a status mix. Generated from
// a fixed seed, so every run searches and lists the same shapes of data.
import { newId } from "../../../scripts/lib/users.mjs";
import { insertRows } from "../sql.mjs";

const COLORS = [
  "crimson",
  "navy",
  "olive",
  "ivory",
  "charcoal",
  "amber",
  "teal",
  "plum",
  "sand",
  "slate",
  "coral",
  "forest",
];
const MATERIALS = [
  "linen",
  "cotton",
  "merino",
  "leather",
  "canvas",
  "bamboo",
  "steel",
  "ceramic",
  "oak",
  "walnut",
  "denim",
  "silk",
];
const THINGS = [
  "apron",
  "scarf",
  "tote",
  "mug",
  "lamp",
  "stool",
  "jacket",
  "wallet",
  "blanket",
  "notebook",
  "bottle",
  "planter",
  "cap",
  "backpack",
  "sneaker",
  "vase",
  "bowl",
  "watch",
  "belt",
  "cushion",
];
const USES = [
  "everyday carry",
  "the kitchen",
  "long walks",
  "the studio",
  "gifting",
  "travel",
  "the garden",
  "the office",
];
export const SEARCH_TERMS = [...COLORS, ...MATERIALS, ...THINGS, "navy linen", "oak stool", "ceramic mug", "travel"];

/** mulberry32: a tiny seeded PRNG, so the data set is the same on every run. */
export function seededRandom(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = (rand, list) => list[Math.floor(rand() * list.length)];

function gs1CheckDigit(body) {
  let sum = 0;
  for (let i = 0; i < body.length; i++) sum += (body.charCodeAt(body.length - 1 - i) - 48) * (i % 2 === 0 ? 3 : 1);
  return (10 - (sum % 10)) % 10;
}

/** A valid EAN-13 in the GS1 "restricted circulation" 2xx range, unique per n. */
export function ean13(n) {
  const body = `29${String(n).padStart(10, "0")}`;
  return `${body}${gs1CheckDigit(body)}`;
}

function isoDaysAgo(now, days) {
  return new Date(now - days * 86_400_000).toISOString();
}

/** `total` categories: a tenth of them top level, the rest spread under those. */
export function buildCategories(total, now = Date.now()) {
  const topCount = Math.max(1, Math.round(total / 10));
  const rows = [];
  const stamp = new Date(now).toISOString();
  for (let i = 0; i < total; i++) {
    const top = i < topCount;
    rows.push({
      id: newId("cat"),
      name: `Bench category ${i + 1}`,
      slug: `bench-category-${i + 1}`,
      parent_id: top ? null : rows[(i - topCount) % topCount].id,
      position: i,
      version: 1,
      created_at: stamp,
      updated_at: stamp,
    });
  }
  return rows;
}

/**
 * Products across the leaf categories (or all when there are no leaves): 90 %
 * published, 7 % draft, 3 % archived; prices 1.00 to 500.00; a fifth on sale.
 */
export function buildProducts(total, categories, { seed = 7, now = Date.now(), prefix = "BENCH" } = {}) {
  const rand = seededRandom(seed);
  const leaves = categories.filter((c) => c.parent_id !== null);
  const homes = leaves.length > 0 ? leaves : categories;
  const rows = [];
  for (let n = 1; n <= total; n++) {
    const [color, material, thing] = [pick(rand, COLORS), pick(rand, MATERIALS), pick(rand, THINGS)];
    const name = `${color[0].toUpperCase()}${color.slice(1)} ${material} ${thing} ${n}`;
    const roll = rand();
    const status = roll < 0.9 ? "published" : roll < 0.97 ? "draft" : "archived";
    const price = 100 + Math.floor(rand() * 49_900);
    const created = isoDaysAgo(now, 1 + rand() * 365);
    const updated = isoDaysAgo(now, rand() * 1);
    const barcode = ean13(n + seed * 1_000_000);
    rows.push({
      id: newId("prd"),
      sku: `${prefix}-${String(n).padStart(6, "0")}`,
      barcode,
      barcode_key: barcode.padStart(14, "0"),
      name,
      slug: `${color}-${material}-${thing}-${prefix.toLowerCase()}-${n}`,
      description: `A ${material} ${thing} in ${color}, made for ${pick(rand, USES)}. Lot ${n % 97}.`,
      price,
      compare_at_price: rand() < 0.2 ? price + 500 + Math.floor(rand() * 5_000) : null,
      category_id: pick(rand, homes).id,
      attributes: { color, material, size: pick(rand, ["S", "M", "L", "XL"]) },
      low_stock_threshold: rand() < 0.5 ? 5 : null,
      status,
      version: 1,
      published_at: status === "published" ? updated : null,
      first_published_at: status === "draft" ? null : created,
      rating_count: 0,
      created_at: created,
      updated_at: updated,
    });
  }
  return rows;
}

export async function seedCatalog(db, { categories: categoryCount, products: productCount }) {
  const categories = buildCategories(categoryCount);
  await insertRows(db, "categories", categories);
  const products = buildProducts(productCount, categories);
  await insertRows(db, "products", products);
  return { categories, products };
}

let scenarioSeed = 100;

/** Extra published products for scenarios that need their own (a hot SKU, an oversell target). */
export async function insertScenarioProducts(db, count, label, categories) {
  // Seeds 100+ keep their barcodes (seed * 10^6 + n) clear of the main set's (seed 7).
  const products = buildProducts(count, categories, { seed: scenarioSeed++, prefix: label.toUpperCase() }).map((p) => ({
    ...p,
    status: "published",
    published_at: p.updated_at,
    first_published_at: p.created_at,
  }));
  await insertRows(db, "products", products);
  return products;
}
