/*
 * operationIds for every operation of the OpenAPI document, derived from method and path
 * when the document is built, so a route needs no name of its own (one it declares wins)
 * and generated clients get the same readable name from one build to the next:
 *   GET /v1/products → listProducts          POST /v1/products → createProduct
 *   GET /v1/products/{id} → getProduct       PATCH, PUT, DELETE → updateProduct, replaceProduct, deleteProduct
 *   GET /v1/products/{id}/reviews → listProductReviews
 *   POST /v1/products/{id}/publish → publishProduct (a last word that is no plural is an action)
 *   GET /v1/settings → getSettings           POST /v1/inventory/adjustments:batch → batchInventoryAdjustments
 */
const HTTP_METHODS = ["get", "put", "post", "delete", "patch", "head", "options", "trace"] as const;
const ITEM_VERBS: Record<string, string> = { get: "get", put: "replace", patch: "update", delete: "delete" };
/** Words that end in "s" but name one thing, and collections with no plural. */
const NOT_PLURAL = new Set(["settings", "status", "analytics", "news"]);
const UNCOUNTABLE = new Set(["inventory"]);

interface Word {
  text: string;
  /** Followed by a path parameter: the word names one item of a collection. */
  item: boolean;
}

const pascal = (text: string) =>
  text
    .split(/[-_.]/)
    .filter(Boolean)
    .map((part) => part[0]?.toUpperCase() + part.slice(1))
    .join("");
const isPlural = (word: string) => UNCOUNTABLE.has(word) || (word.endsWith("s") && !NOT_PLURAL.has(word));
const singular = (word: string) =>
  !isPlural(word) || UNCOUNTABLE.has(word) ? word : word.endsWith("ies") ? `${word.slice(0, -3)}y` : word.slice(0, -1);

function wordsOf(path: string): { words: Word[]; endsWithParameter: boolean } {
  const words: Word[] = [];
  let endsWithParameter = false;
  for (const segment of path.split("/").filter((s) => s && s !== "v1")) {
    const parameter = /^\{[^}]+\}(.*)$/.exec(segment);
    if (parameter) {
      const last = words.at(-1);
      if (last) last.item = true;
      // `{id}.html`: a representation of the item, named by its suffix.
      const suffix = parameter[1]?.replace(/^\./, "");
      if (suffix) words.push({ text: suffix, item: false });
      endsWithParameter = !suffix;
    } else {
      for (const text of segment.split(":")) words.push({ text, item: false });
      endsWithParameter = false;
    }
  }
  return { words, endsWithParameter };
}

export function operationIdFor(method: string, path: string): string {
  const { words, endsWithParameter } = wordsOf(path);
  const name = (list: Word[]) => list.map((w) => pascal(w.item ? singular(w.text) : w.text)).join("");
  if (endsWithParameter || words.length === 0) return `${ITEM_VERBS[method] ?? method}${name(words)}`;
  const last = words[words.length - 1] as Word;
  const before = words.slice(0, -1);
  if (method === "get") return `${isPlural(last.text) ? "list" : "get"}${name(words)}`;
  if (method === "post") {
    if (isPlural(last.text)) return `create${name(before)}${pascal(singular(last.text))}`;
    // An action on what the path names before it: publishProduct, checkInventory, loginAuth.
    const action = last.text.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    return `${action}${name(before)}`;
  }
  return `${ITEM_VERBS[method] ?? method}${name(words)}`;
}

/**
 * Gives every operation without an operationId the derived one. Should two derive the
 * same name, the later one is named by method and full path instead, so ids stay unique
 * (the OpenAPI test fails on such a pair, to have it named better).
 */
export function withOperationIds<D extends { paths?: object }>(document: D): D {
  const taken = new Set<string>();
  const paths = (document.paths ?? {}) as Record<string, Record<string, { operationId?: string } | undefined>>;
  for (const [path, item] of Object.entries(paths)) {
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      if (!operation) continue;
      let id = operation.operationId ?? operationIdFor(method, path);
      if (taken.has(id)) id = `${method}${pascal(path.replace(/[{}:/]+/g, "-"))}`;
      operation.operationId = id;
      taken.add(id);
    }
  }
  return document;
}
