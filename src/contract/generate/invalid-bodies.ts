/**
 * Invalid request bodies: a valid body with exactly one thing broken, each of which a
 * correct implementation refuses with 400 `V.02` (the schema, step 4 of the spec's
 * "Order of checks"), or with 400 `V.01` when the body is not a JSON object at all
 * (step 3.2). Kinds: a wrong type, a value outside an enum, a string too long or too
 * short, a string outside its pattern or format, a required field missing, a field
 * nobody documented where `additionalProperties` is false.
 *
 * The role fields (`body-roles.ts`) are left alone, as authentication checks them
 * before the schema (a missing body `hash` or Kyren token is 401 `G.00`, a `timestamp`
 * out of range is 401 `G.04`), except that `timestamp` may get a wrong, non-number type
 * (the freshness check leaves that to the schema).
 */
import type { ErrorCode } from "../../../generated/error-catalog.js";
import type { OperationFacts } from "../../shared/spec-types.js";
import { requestSchema } from "../bundle.js";
import type { Body } from "../signed-requests.js";
import { roleFields } from "./body-roles.js";
import { isValidBody } from "./request-bodies.js";
import { flatten, type Schema } from "./schema-arbitrary.js";

/** One broken body. */
export interface InvalidBody {
  /** What was broken, e.g. `/player/currency: outside pattern ^[A-Z]{3}$`. */
  what: string;
  /** The body (a JSON object) ... */
  body?: Body;
  /** ... or, for a body that is not a JSON object, its exact bytes. */
  raw?: string;
  /** The catalog code a correct implementation answers. */
  code: ErrorCode;
}

/** Values of another JSON type than `type` (and null unless nullable). */
function wrongTypes(schema: Schema): unknown[] {
  const byType: Record<string, unknown[]> = {
    string: [12345, true, [], {}],
    integer: ["12", false, [], {}],
    number: ["1.5", true, [], {}],
    boolean: ["true", 1, [], {}],
    object: ["text", 7, [], true],
  };
  const types = schema.anyOf ? (schema.anyOf as Schema[]).map((branch) => flatten(branch, "anyOf").type) : [schema.type];
  const candidates = byType[types[0] ?? "string"] ?? ["text"];
  const values = schema.nullable ? candidates : [...candidates, null];
  return values.filter(
    (value) =>
      !types.includes(
        typeof value === "number"
          ? Number.isInteger(value)
            ? "integer"
            : "number"
          : Array.isArray(value)
            ? "array"
            : value === null
              ? "null"
              : typeof value,
      ),
  );
}

/** Strings that break a string schema's enum, lengths, pattern or format. */
function badStrings(schema: Schema): Array<{ what: string; value: string }> {
  const found: Array<{ what: string; value: string }> = [];
  const min = schema.minLength ?? 0;
  const max = schema.maxLength;
  if (schema.enum) found.push({ what: `outside the enum ${JSON.stringify(schema.enum)}`, value: `${schema.enum[0]}-not-in-enum` });
  if (max !== undefined) found.push({ what: `${max + 1} characters, over maxLength ${max}`, value: "a".repeat(max + 1) });
  if (min > 0) found.push({ what: `${min - 1} characters, under minLength ${min}`, value: "a".repeat(min - 1) });
  const length = Math.max(min, Math.min(max ?? 8, 8));
  if (schema.pattern) {
    const pattern = new RegExp(schema.pattern, "u");
    const value = ["!", " ", "Z", "0", "é"].map((character) => character.repeat(length)).find((candidate) => !pattern.test(candidate));
    if (value !== undefined) found.push({ what: `outside the pattern ${schema.pattern}`, value });
  }
  if (schema.format || schema.anyOf)
    found.push({
      what: `not a ${schema.format ?? "value of any anyOf branch"}`,
      value: "999.999.999.999:x".slice(0, Math.max(min, Math.min(max ?? 17, 17))),
    });
  return found;
}

/** Sets the value at a path of a copy of `body`. */
function withValue(body: Body, path: string[], value: unknown): Body {
  const copy = structuredClone(body);
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key];
  node[path.at(-1)!] = value;
  return copy;
}

/** Deletes the value at a path of a copy of `body`. */
function without(body: Body, path: string[]): Body {
  const copy = structuredClone(body);
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key];
  delete node[path.at(-1)!];
  return copy;
}

/** A variant not built yet: building every variant of every body would cost more than sending them. */
type Variant = { what: string; code: ErrorCode; make(): Body };

/** The single-defect variants of a valid body, not built yet (some may turn out valid: callers check). */
function variants(operation: OperationFacts, body: Body): Variant[] {
  const roles = roleFields(operation);
  const found: Variant[] = [];
  const walk = (schema: Schema, value: unknown, path: string[]) => {
    const node = flatten(schema, `${operation.operationId} request/${path.join("/")}`);
    const where = `/${path.join("/")}`;
    const top = path.length === 1 ? path[0]! : undefined;
    if (path.length > 0 && !(top !== undefined && roles.has(top) && top !== "timestamp")) {
      for (const wrong of wrongTypes(node)) {
        if (top === "timestamp" && typeof wrong === "number") continue;
        found.push({
          what: `${where}: ${JSON.stringify(wrong)}, not of type ${node.type ?? "anyOf"}`,
          make: () => withValue(body, path, wrong),
          code: "V.02",
        });
      }
      if (top !== "timestamp" && (node.type === "string" || node.anyOf)) {
        for (const bad of badStrings(node))
          found.push({ what: `${where}: ${bad.what}`, make: () => withValue(body, path, bad.value), code: "V.02" });
      }
    }
    if (node.type !== "object" || typeof value !== "object" || value === null) return;
    const properties = (node.properties ?? {}) as Record<string, Schema>;
    for (const name of (node.required ?? []) as string[]) {
      if (path.length === 0 && roles.has(name)) continue;
      found.push({
        what: `${where === "/" ? "" : where}/${name}: required, missing`,
        make: () => without(body, [...path, name]),
        code: "V.02",
      });
    }
    if (node.additionalProperties === false) {
      found.push({
        what: `${where === "/" ? "" : where}/unexpectedField: not documented (additionalProperties: false)`,
        make: () => withValue(body, [...path, "unexpectedField"], "x"),
        code: "V.02",
      });
    }
    for (const [name, property] of Object.entries(properties)) {
      if (name in (value as Body)) walk(property, (value as Body)[name], [...path, name]);
    }
  };
  walk(requestSchema(operation), body, []);
  return found;
}

/** The bodies that are not a JSON object at all (400 `V.01`). */
const notObjects: InvalidBody[] = ["[]", '"text"', "42", "null", "true"].map((raw) => ({
  what: `the body is ${raw}, not a JSON object`,
  raw,
  code: "V.01",
}));

/**
 * Every single-defect variant of a valid body (role fields set), each checked with Ajv
 * to be invalid; plus the bodies that are not a JSON object.
 */
export function invalidBodies(operation: OperationFacts, body: Body): InvalidBody[] {
  const built = variants(operation, body).map((variant) => ({ what: variant.what, code: variant.code, body: variant.make() }));
  return [...built.filter((entry) => !isValidBody(operation, entry.body)), ...notObjects];
}

/**
 * One invalid variant of a valid body, the `pick`-th (modulo their number), or the next
 * one that Ajv confirms invalid: what `invalidBodies` would give at that place, built alone.
 */
export function invalidBody(operation: OperationFacts, body: Body, pick: number): InvalidBody {
  const all: Array<Variant & { raw?: string }> = [
    ...variants(operation, body),
    ...notObjects.map((entry) => ({ what: entry.what, code: entry.code, raw: entry.raw, make: () => ({}) })),
  ];
  for (let offset = 0; offset < all.length; offset++) {
    const variant = all[(pick + offset) % all.length]!;
    if (variant.raw !== undefined) return { what: variant.what, code: variant.code, raw: variant.raw };
    const built = variant.make();
    if (!isValidBody(operation, built)) return { what: variant.what, code: variant.code, body: built };
  }
  throw new Error(`no invalid variant of a ${operation.operationId} body`);
}
