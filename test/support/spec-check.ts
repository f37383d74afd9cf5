import Ajv2020, { type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

/*
 * Checks a live answer against what /openapi.json promises for its operation and status,
 * with a real JSON-Schema validator (ajv, draft 2020-12, which OpenAPI 3.1 uses). The shared
 * `call` helper runs it on every answer, so the whole suite keeps the document honest: an
 * undeclared status, content type or (where a schema is closed) field fails the test that
 * saw it.
 */

interface MediaType {
  schema?: unknown;
}
interface Response {
  content?: Record<string, MediaType>;
}
interface Operation {
  responses?: Record<string, Response>;
}
export interface SpecDocument {
  paths: Record<string, Record<string, Operation>>;
}

export interface LiveAnswer {
  method: string;
  path: string;
  status: number;
  contentType: string | null;
  body: unknown;
}

const DOCUMENT_ID = "stockroom-openapi.json";
/** A JSON pointer as a URI fragment: `~` and `/` escaped per RFC 6901, then percent-encoded (`{id}`). */
const pointer = (...parts: string[]) =>
  parts.map((p) => encodeURIComponent(p.replaceAll("~", "~0").replaceAll("/", "~1"))).join("/");

interface Template {
  path: string;
  pattern: RegExp;
  parameters: number;
}

export class SpecChecker {
  readonly #ajv = new Ajv2020({ strict: false, allErrors: true });
  readonly #templates: Template[];
  readonly #compiled = new Map<string, ValidateFunction>();

  constructor(private readonly document: SpecDocument) {
    addFormats(this.#ajv);
    this.#ajv.addSchema(document as object, DOCUMENT_ID);
    this.#templates = Object.keys(document.paths).map((path) => ({
      path,
      pattern: new RegExp(
        `^${path
          .split(/(\{[^}]+\})/)
          .map((part) => (part.startsWith("{") ? "[^/]+" : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
          .join("")}$`,
      ),
      parameters: (path.match(/\{/g) ?? []).length,
    }));
  }

  /** The documented path an actual one belongs to; a literal segment beats a parameter, as in the router. */
  templateOf(path: string): string | undefined {
    return this.#templates
      .filter((t) => t.pattern.test(path))
      .sort((a, b) => a.parameters - b.parameters || b.path.length - a.path.length)[0]?.path;
  }

  /** What is wrong with an answer, as readable lines; empty when it keeps the document's promise. */
  problemsWith(answer: LiveAnswer): string[] {
    const path = answer.path.split("?")[0] ?? "";
    const template = this.templateOf(path);
    const method = answer.method.toLowerCase();
    const operation = template ? this.document.paths[template]?.[method] : undefined;
    // Paths and methods the document does not have are answered 404/405 by the app itself.
    if (!template || !operation) return [];
    const where = `${answer.method} ${template} → ${answer.status}`;
    const statusKey = String(answer.status) in (operation.responses ?? {}) ? String(answer.status) : "default";
    const response = operation.responses?.[statusKey];
    if (!response) return [`${where}: status not documented`];
    if (!response.content || answer.status === 204 || answer.status === 304) return [];
    const mediaType = answer.contentType?.split(";")[0]?.trim() ?? "";
    if (!(mediaType in response.content)) {
      return [`${where}: content type ${mediaType || "(none)"} not documented`];
    }
    if (!mediaType.endsWith("json") || response.content[mediaType]?.schema === undefined) return [];
    const validate = this.#validator(template, method, statusKey, mediaType);
    if (validate(answer.body)) return [];
    return (validate.errors ?? []).map(
      (e) => `${where}: ${e.instancePath || "(body)"} ${e.message ?? ""} ${JSON.stringify(e.params)}`,
    );
  }

  #validator(template: string, method: string, status: string, mediaType: string): ValidateFunction {
    const ref = `${DOCUMENT_ID}#/${pointer("paths", template, method, "responses", status, "content", mediaType, "schema")}`;
    let validate = this.#compiled.get(ref);
    if (!validate) {
      validate = this.#ajv.compile({ $ref: ref });
      this.#compiled.set(ref, validate);
    }
    return validate;
  }
}
