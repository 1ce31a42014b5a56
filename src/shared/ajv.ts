/**
 * One way to make an Ajv instance for the spec's schemas, for every validator in this
 * package: the formats of JSON Schema (uri, uuid, ipv4, ...) from ajv-formats, and the
 * OpenAPI annotations that Ajv's strict mode would otherwise refuse (`example` and every
 * `x-` extension the schemas use, such as `x-error-catalog` and `x-error-envelope`).
 */
import { Ajv, type Options } from "ajv";
import formats from "ajv-formats";

// ajv-formats is CommonJS: under NodeNext its default import is the module object.
const addFormats = formats as unknown as typeof formats.default;

/** Every `x-` key used anywhere in a schema tree, sorted. */
export function schemaExtensions(schemas: unknown): string[] {
  const found = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const child of node) walk(child);
      return;
    }
    if (node === null || typeof node !== "object") return;
    for (const [key, value] of Object.entries(node)) {
      if (key.startsWith("x-")) found.add(key);
      else walk(value);
    }
  };
  walk(schemas);
  return [...found].sort();
}

/**
 * A new Ajv instance with `options` and all ajv-formats formats.
 *
 * @param annotationsOf schemas whose `x-` extensions (and `example`) are declared as annotations
 */
export function createAjv(options: Options, annotationsOf?: unknown): Ajv {
  const keywords = annotationsOf === undefined ? [] : ["example", ...schemaExtensions(annotationsOf)];
  return addFormats(new Ajv({ ...options, keywords: [...(options.keywords ?? []), ...keywords] }));
}
