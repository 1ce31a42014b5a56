/**
 * The bodies the boundary probes start from, and views of a request schema they need:
 * which field to break, which field takes free text, every string field with its limits.
 * Everything is read from the request schema in the bundle; nothing about a body is
 * written here.
 */
import { randomInt, randomUUID } from "node:crypto";
import fc from "fast-check";
import type { OperationFacts } from "../../shared/spec-types.js";
import { requestExample, requestSchema } from "../bundle.js";
import { roleFields, withRoles } from "../generate/body-roles.js";
import { isValidBody } from "../generate/request-bodies.js";
import { flatten, schemaArbitrary, type Schema } from "../generate/schema-arbitrary.js";
import type { Body, Credentials } from "../signed-requests.js";

/** The top-level properties of an operation's request schema, flattened. */
export function bodyProperties(operation: OperationFacts): Record<string, Schema> {
  let flat = propertiesOf.get(operation.operationId);
  if (!flat) {
    const properties = (flatten(requestSchema(operation), operation.operationId).properties ?? {}) as Record<string, Schema>;
    flat = Object.fromEntries(
      Object.entries(properties).map(([name, schema]) => [name, flatten(schema, `${operation.operationId}/${name}`)]),
    );
    propertiesOf.set(operation.operationId, flat);
  }
  return flat;
}

/** The required top-level fields of an operation's request body. */
export function requiredFields(operation: OperationFacts): string[] {
  return (flatten(requestSchema(operation), operation.operationId).required ?? []) as string[];
}

/** A string field that takes free text: no pattern, enum or format. */
export const isFreeText = (schema: Schema) => schema.type === "string" && !schema.pattern && !schema.enum && !schema.format;

const drawOne = <Value>(arbitrary: fc.Arbitrary<Value>) => fc.sample(arbitrary, { seed: randomInt(0, 2 ** 31 - 1), numRuns: 1 })[0]!;

/** The arbitrary of each field schema, made once: building one from a pattern takes milliseconds. */
const arbitraries = new WeakMap<Schema, fc.Arbitrary<unknown>>();
function arbitraryOf(schema: Schema): fc.Arbitrary<unknown> {
  let arbitrary = arbitraries.get(schema);
  if (!arbitrary) {
    arbitrary = schemaArbitrary(schema);
    arbitraries.set(schema, arbitrary);
  }
  return arbitrary;
}

/** The flattened top-level properties of each operation, made once. */
const propertiesOf = new Map<string, Record<string, Schema>>();

/**
 * A new request of the operation: its documented example with the role fields set (a
 * fresh `uuid`, the current `timestamp`, Kyren credentials). For an operation the
 * operator implements (a callback), also what Lucky Monaco sends for a callback created
 * now: fresh draws for the fields with a `pattern` (`sessionId`, `callbackId`) and the
 * current time in the `date-time` fields (`createdAt`). A provider's body gets a fresh
 * `sessionId` where it has one.
 *
 * @throws Error when the result is not valid against the schema (the example is wrong)
 */
export function freshBody(operation: OperationFacts, credentials: Credentials): Body {
  const body = withRoles(operation, requestExample(operation) as Body, credentials);
  if (operation.implementedBy === "operator") {
    const roles = roleFields(operation);
    for (const [name, schema] of Object.entries(bodyProperties(operation))) {
      if (!(name in body) || roles.has(name)) continue;
      if (schema.type === "string" && schema.format === "date-time") body[name] = `${new Date().toISOString().slice(0, 19)}Z`;
      else if (schema.type === "string" && schema.pattern) body[name] = drawOne(arbitraryOf(schema));
    }
  } else if ("sessionId" in body) body.sessionId = randomUUID().replaceAll("-", "");
  if (!isValidBody(operation, body))
    throw new Error(`the ${operation.operationId} example with fresh ids is not valid against its schema: ${JSON.stringify(body)}`);
  return body;
}

/**
 * The field whose removal breaks the schema and nothing else: the first required
 * top-level field that is not a role field (signature, freshness, credentials) nor the
 * idempotency key `uuid`, nor one of `sparing` (pointers of fields a probe sets).
 *
 * @throws Error when the operation has none
 */
export function breakableField(operation: OperationFacts, sparing: readonly string[] = []): string {
  const roles = roleFields(operation);
  const field = requiredFields(operation).find(
    (name) => !roles.has(name) && name !== "uuid" && !sparing.some((pointer) => pointer.split("/")[1] === name),
  );
  if (!field) throw new Error(`${operation.operationId}: no required data field to leave out`);
  return field;
}

/** `body` without its `breakableField`: valid except for the schema (400 `V.02`), and still signable. */
export function withoutBreakableField(operation: OperationFacts, body: Body, sparing: readonly string[] = []): Body {
  const { [breakableField(operation, sparing)]: _missing, ...rest } = body;
  return rest;
}

/** One string field of a request schema, at any depth. */
export interface StringField {
  /** JSON pointer, e.g. `/player/nickname`. */
  pointer: string;
  schema: Schema;
  required: boolean;
}

/** Every string field of the request schema (depth first, in schema order), role fields and `uuid` included. */
export function stringFields(operation: OperationFacts): StringField[] {
  const found: StringField[] = [];
  const walk = (schema: Schema, pointer: string, path: string) => {
    const node = flatten(schema, path);
    const required = new Set<string>((node.required ?? []) as string[]);
    for (const [name, child] of Object.entries((node.properties ?? {}) as Record<string, Schema>)) {
      const flat = flatten(child, `${path}/${name}`);
      if (flat.type === "object") walk(flat, `${pointer}/${name}`, `${path}/${name}`);
      else if (flat.type === "string") found.push({ pointer: `${pointer}/${name}`, schema: flat, required: required.has(name) });
    }
  };
  walk(requestSchema(operation), "", operation.operationId);
  return found;
}

/** The string fields a data probe may change: not a role field (signature, credentials) and not the idempotency key. */
export function dataStringFields(operation: OperationFacts): StringField[] {
  const roles = roleFields(operation);
  return stringFields(operation).filter((field) => !roles.has(field.pointer.slice(1)) && field.pointer !== "/uuid");
}

/** The first free-text data field, preferring a required one (it is always in the body), or undefined. */
export function freeTextField(operation: OperationFacts): StringField | undefined {
  const candidates = dataStringFields(operation).filter((field) => isFreeText(field.schema));
  return candidates.find((field) => field.required) ?? candidates[0];
}

/**
 * Another valid body with the same idempotency key, for a conflict: its free-text field changed.
 *
 * @throws Error when the operation has no free-text field
 */
export function otherBody(operation: OperationFacts, body: Body): Body {
  const field = freeTextField(operation);
  if (!field) throw new Error(`${operation.operationId}: no free-text field to change for a conflict`);
  return withValueAt(body, field.pointer, `${String(valueAt(body, field.pointer) ?? "x").slice(0, 40)}-other`);
}

/** Reads the value at a JSON pointer. */
export function valueAt(body: Body, pointer: string): unknown {
  return pointer
    .slice(1)
    .split("/")
    .reduce<unknown>((node, name) => (node && typeof node === "object" ? (node as Body)[name] : undefined), body);
}

/** A copy of `body` with `value` at a JSON pointer (parents created). */
export function withValueAt(body: Body, pointer: string, value: unknown): Body {
  const copy = structuredClone(body);
  const names = pointer.slice(1).split("/");
  let node = copy;
  for (const name of names.slice(0, -1)) node = node[name] ??= {};
  node[names.at(-1)!] = value;
  return copy;
}

/** The object schema at a JSON pointer of the request schema ("" for the top), flattened. */
export function objectSchemaAt(operation: OperationFacts, pointer: string): Schema {
  let node = flatten(requestSchema(operation), operation.operationId);
  for (const name of pointer.split("/").filter(Boolean)) node = flatten(node.properties?.[name], `${operation.operationId}${pointer}`);
  return node;
}

/** A fresh copy of `body` in which every object is new, so that probes never share state. */
export const copy = (body: Body): Body => structuredClone(body);

/** A fresh idempotency key in upper case (the `Uuid4` pattern allows both cases). */
export const upperUuid = () => randomUUID().toUpperCase();
