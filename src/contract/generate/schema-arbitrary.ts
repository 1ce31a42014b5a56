/**
 * fast-check arbitraries of the values a request schema of the bundle allows (OpenAPI
 * 3.0 Schema Objects): `type` object / string / integer / number / boolean, `properties`,
 * `required` (optional properties come and go), `additionalProperties` (extra scalar
 * fields where it is not `false`), `enum`, `minLength` / `maxLength` (Unicode code
 * points, as Ajv counts them), `pattern`, `format` (uuid, ipv4, ipv6, date-time, int64), `minimum`
 * / `maximum`, `nullable`, `allOf`, `anyOf`, `$ref`. Lengths are drawn at both limits as
 * well as in between, strings mix ASCII with any Unicode code point.
 *
 * A keyword it does not know throws, naming the schema path: a spec change that the
 * generator cannot honour fails loudly instead of weakening the check. Callers still
 * validate every generated body with Ajv (`request-bodies.ts`).
 */
import fc from "fast-check";
import { deref } from "../bundle.js";

/** A schema node of the bundle (refs not resolved). */
export type Schema = Record<string, any>;

/** Keywords that only annotate (no effect on which values are valid). */
const annotations = new Set([
  "description",
  "title",
  "example",
  "examples",
  "default",
  "deprecated",
  "readOnly",
  "writeOnly",
  "externalDocs",
]);
/** Keywords the generator honours. */
const understood = new Set([
  "$ref",
  "type",
  "properties",
  "required",
  "additionalProperties",
  "enum",
  "minLength",
  "maxLength",
  "pattern",
  "format",
  "minimum",
  "maximum",
  "nullable",
  "allOf",
  "anyOf",
]);

/** Checks that `schema` uses only keywords the generator honours. @throws Error naming the path and the keyword */
export function assertUnderstood(schema: Schema, path: string): void {
  for (const key of Object.keys(schema)) {
    if (!understood.has(key) && !annotations.has(key) && !key.startsWith("x-"))
      throw new Error(`the generator does not handle the keyword "${key}" at ${path}`);
  }
}

/** Merges an `allOf` (and sibling keywords) into one schema; refs resolved. */
export function flatten(schema: Schema, path: string): Schema {
  let node = deref(schema) as Schema;
  assertUnderstood(node, path);
  if (node.allOf) {
    const { allOf, ...rest } = node;
    let merged: Schema = {};
    for (const [index, part] of (allOf as Schema[]).entries()) {
      const flat = flatten(part, `${path}/allOf/${index}`);
      merged = {
        ...merged,
        ...flat,
        ...(merged.properties || flat.properties ? { properties: { ...merged.properties, ...flat.properties } } : {}),
        ...(merged.required || flat.required ? { required: [...new Set([...(merged.required ?? []), ...(flat.required ?? [])])] } : {}),
      };
    }
    node = { ...merged, ...rest, ...(rest.properties ? { properties: { ...merged.properties, ...rest.properties } } : {}) };
  }
  return node;
}

/**
 * One code point: mostly printable ASCII, sometimes any Unicode code point but a lone
 * surrogate. (Built from integers: fast-check's `unit: "binary"` maps the whole Unicode
 * range when it is created, about a second.)
 */
const codePoint = fc
  .oneof(
    { weight: 3, arbitrary: fc.integer({ min: 0x20, max: 0x7e }) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: 0x10ffff }).filter((point) => point < 0xd800 || point > 0xdfff) },
  )
  .map((point) => String.fromCodePoint(point));

/** Strings of `min` to `max` code points, often exactly at a limit. */
export function lengthArbitrary(min: number, max: number, unit: fc.Arbitrary<string> = codePoint): fc.Arbitrary<string> {
  const anywhere = fc.string({ unit, minLength: min, maxLength: max, size: "max" });
  return fc.oneof(
    fc.string({ unit, minLength: min, maxLength: min }),
    fc.string({ unit, minLength: max, maxLength: max }),
    anywhere,
    anywhere,
  );
}

const codePoints = (text: string) => [...text].length;

function stringArbitrary(schema: Schema): fc.Arbitrary<string> {
  const min = schema.minLength ?? 0;
  const max = schema.maxLength ?? Math.max(min, 64);
  if (schema.format === "date-time") {
    // Real instants only (a pattern alone draws 31 June), in the pattern's form when it has one.
    const pattern = schema.pattern === undefined ? undefined : new RegExp(schema.pattern, "u");
    return fc
      .date({ min: new Date("2000-01-01T00:00:00Z"), max: new Date("2099-12-31T23:59:59Z"), noInvalidDate: true })
      .map((date) => `${date.toISOString().slice(0, 19)}Z`)
      .filter((text) => (pattern?.test(text) ?? true) && codePoints(text) >= min && codePoints(text) <= max);
  }
  if (schema.pattern) {
    const pattern = new RegExp(schema.pattern, "u");
    return fc.stringMatching(pattern).filter((text) => codePoints(text) >= min && codePoints(text) <= max);
  }
  switch (schema.format) {
    case "uuid":
      return fc.uuid({ version: 4 });
    case "ipv4":
      return fc.ipV4();
    case "ipv6":
      return fc.ipV6().filter((text) => text.length <= max);
    case undefined:
      return lengthArbitrary(min, max);
    default:
      throw new Error(`the generator does not handle format "${schema.format}"`);
  }
}

/** A scalar JSON value for a field nobody documented (signable: no objects or arrays). */
export const extraValue: fc.Arbitrary<string | number | boolean | null> = fc.oneof(
  lengthArbitrary(0, 20),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
);

/**
 * An arbitrary of the values `schema` allows.
 *
 * @param path the schema's path, for error messages
 * @throws Error for a keyword, type or format the generator does not handle
 */
export function schemaArbitrary(schema: Schema, path = "#"): fc.Arbitrary<unknown> {
  const node = flatten(schema, path);
  const value = nonNullArbitrary(node, path);
  return node.nullable ? fc.oneof({ weight: 4, arbitrary: value }, { weight: 1, arbitrary: fc.constant(null) }) : value;
}

function nonNullArbitrary(node: Schema, path: string): fc.Arbitrary<unknown> {
  if (node.enum) return fc.constantFrom(...(node.enum as unknown[]).filter((value) => value !== null));
  if (node.anyOf) return fc.oneof(...(node.anyOf as Schema[]).map((branch, index) => schemaArbitrary(branch, `${path}/anyOf/${index}`)));
  switch (node.type) {
    case "string":
      return stringArbitrary(node);
    case "integer":
      return fc.integer({ min: node.minimum ?? -(2 ** 31), max: node.maximum ?? 2 ** 31 - 1 });
    case "number":
      return fc.double({ min: node.minimum ?? -1e9, max: node.maximum ?? 1e9, noNaN: true, noDefaultInfinity: true });
    case "boolean":
      return fc.boolean();
    case "object":
      return objectArbitrary(node, path);
    default:
      throw new Error(`the generator does not handle type ${JSON.stringify(node.type)} at ${path}`);
  }
}

function objectArbitrary(node: Schema, path: string): fc.Arbitrary<Record<string, unknown>> {
  const properties = (node.properties ?? {}) as Record<string, Schema>;
  const model = Object.fromEntries(
    Object.entries(properties).map(([name, property]) => [name, schemaArbitrary(property, `${path}/properties/${name}`)]),
  );
  const record = fc.record(model, { requiredKeys: (node.required ?? []) as string[] });
  if (node.additionalProperties === false) return record;
  const extraKey = lengthArbitrary(1, 24).filter((key) => !(key in properties) && key !== "__proto__");
  const extras = fc.dictionary(extraKey, extraValue, { maxKeys: 3 });
  return fc.tuple(record, extras).map(([known, extra]) => ({ ...extra, ...known }));
}
