/**
 * Changes made to copies of the bundle, for the breaking-change gate's tests.
 * Every helper works on a deep copy (`copyOfBundle`), never on the repository's
 * files, and throws when the part it changes is not in the bundle, so that a test cannot
 * pass by changing nothing.
 */
import type { OperationFacts } from "../../src/codegen/spec.js";
import type { OpenApiDocument } from "../../src/shared/spec-document.js";
import { bundledSpec } from "./spec-views.js";

/** A deep copy of the committed bundle (`generated/openapi.json`), with `info.version` set. */
export function copyOfBundle(version = "1.0.0"): OpenApiDocument & { info: { version: string } } {
  const copy = structuredClone(bundledSpec) as OpenApiDocument & { info: { version: string } };
  copy.info.version = version;
  return copy;
}

/** Follows local `$ref`s. @throws Error for a `$ref` that points at nothing */
export function deref(doc: OpenApiDocument, node: any): any {
  while (node && typeof node.$ref === "string") {
    const target = node.$ref
      .slice(2)
      .split("/")
      .reduce((value: any, token: string) => value?.[token.replace(/~1/g, "/").replace(/~0/g, "~")], doc);
    if (target === undefined) throw new Error(`$ref ${node.$ref} points at nothing`);
    node = target;
  }
  return node;
}

/** The operation object of `operation` in `doc`. @throws Error when `doc` does not have it */
export function operationIn(doc: OpenApiDocument, operation: OperationFacts): any {
  const node = (doc.paths[operation.path] as any)?.[operation.method];
  if (!node) throw new Error(`${operation.operationId} is not in the bundle`);
  return node;
}

/** The JSON schema of a request (`request`) or of a documented response status. */
export function messageSchema(doc: OpenApiDocument, operation: OperationFacts, part: "request" | number): any {
  const node = operationIn(doc, operation);
  const holder = part === "request" ? deref(doc, node.requestBody) : deref(doc, node.responses[String(part)]);
  const schema = holder?.content?.["application/json"]?.schema;
  if (!schema) throw new Error(`${operation.operationId} ${part} has no application/json schema`);
  return schema;
}

/** The schema objects that declare the properties of a value: it, its `$ref` targets and its `allOf` branches. */
export function definitionsOf(doc: OpenApiDocument, schema: any): any[] {
  const node = deref(doc, schema);
  return [...(node.properties ? [node] : []), ...(node.allOf ?? []).flatMap((branch: any) => definitionsOf(doc, branch))];
}

/** The property names a value's schema declares (over `allOf`). */
export function propertyNames(doc: OpenApiDocument, schema: any): string[] {
  return [...new Set(definitionsOf(doc, schema).flatMap((definition) => Object.keys(definition.properties)))];
}

/** Whether the value's schema requires `name` (over `allOf`). */
export function isRequired(doc: OpenApiDocument, schema: any, name: string): boolean {
  return definitionsOf(doc, schema).some((definition) => (definition.required ?? []).includes(name));
}

/** Removes property `name` from every schema that declares it for this value. @throws Error when none does */
export function removeProperty(doc: OpenApiDocument, schema: any, name: string): void {
  const owners = definitionsOf(doc, schema).filter((definition) => name in definition.properties);
  if (owners.length === 0) throw new Error(`no property ${name} to remove`);
  for (const owner of owners) {
    delete owner.properties[name];
    owner.required = (owner.required ?? []).filter((other: string) => other !== name);
    if (owner.required.length === 0) delete owner.required; // OpenAPI 3.0: `required` may not be empty
  }
}

/** Adds property `name` to the first schema that declares properties for this value. */
export function addProperty(doc: OpenApiDocument, schema: any, name: string, property: object, required: boolean): void {
  const owner = definitionsOf(doc, schema)[0];
  if (!owner) throw new Error("the schema declares no properties");
  if (name in owner.properties) throw new Error(`property ${name} is already there`);
  owner.properties[name] = { description: `Added by a test: ${name}.`, ...property };
  if (required) owner.required = [...(owner.required ?? []), name];
}

/** Makes property `name` required in the schema that declares it. @throws Error when no schema declares it */
export function requireProperty(doc: OpenApiDocument, schema: any, name: string): void {
  const owner = definitionsOf(doc, schema).find((definition) => name in definition.properties);
  if (!owner) throw new Error(`no property ${name} to require`);
  owner.required = [...(owner.required ?? []), name];
}

/** The schema component that holds the error catalog (`x-error-catalog`). */
export function catalogSchema(doc: OpenApiDocument): { name: string; schema: any } {
  const found = Object.entries(doc.components.schemas).find(([, schema]) => Array.isArray(schema["x-error-catalog"]));
  if (!found) throw new Error("the bundle has no schema with x-error-catalog");
  return { name: found[0], schema: found[1] };
}

/** Adds a code to the error catalog, with the status it binds to. */
export function addCatalogCode(doc: OpenApiDocument, code: string, status: number): void {
  const { schema } = catalogSchema(doc);
  schema.enum.push(code);
  schema["x-error-catalog"].push({ code, status, title: "Added by a test", meaning: "A code added by a test.", retry: "No." });
}

/** Documents `status` on an operation with the body of one of its documented error responses (its failure envelope). */
export function addErrorStatus(doc: OpenApiDocument, operation: OperationFacts, status: number): void {
  const node = operationIn(doc, operation);
  if (node.responses[String(status)]) throw new Error(`${operation.operationId} already documents ${status}`);
  node.responses[String(status)] = structuredClone(node.responses["400"]);
}

/**
 * A compatible minor release of the kind 1.1.0 was: an optional field in every
 * request and in the callback, another optional field in V4 close, new catalog codes, a new
 * error status on every operation and one more on V4 close, each listed in the operations'
 * `x-error-codes`. The names (`traceId`, `reason`, `G.98`, `V.98`, 429, 422) are new to the
 * bundle, so it applies to any later one.
 */
export function minorReleaseLike(doc: OpenApiDocument & { info: { version: string } }, operations: OperationFacts[]): void {
  doc.info.version = "1.1.0";
  addCatalogCode(doc, "G.98", 429);
  addCatalogCode(doc, "V.98", 422);
  for (const operation of operations) {
    addProperty(doc, messageSchema(doc, operation, "request"), "traceId", { type: "string", maxLength: 64 }, false);
    addErrorStatus(doc, operation, 429);
    operationIn(doc, operation)["x-error-codes"].push("G.98", "V.98");
  }
  const closeSession = operations.find((operation) => operation.operationId === "closeSession");
  if (!closeSession) throw new Error("closeSession is not in the bundle");
  addProperty(doc, messageSchema(doc, closeSession, "request"), "reason", { type: "string", maxLength: 200 }, false);
  addErrorStatus(doc, closeSession, 422);
}

/** A schema node somewhere under `components.schemas`, with its JSON pointer (`#/components/schemas/…`). */
export interface SchemaNode {
  pointer: string;
  node: any;
}

/** Every schema node under `components.schemas` that has `keyword` (through properties, `allOf`/`oneOf`/`anyOf` and items; `$ref`s are not followed). */
export function schemaNodesWith(doc: OpenApiDocument, keyword: string): SchemaNode[] {
  const found: SchemaNode[] = [];
  const walk = (node: any, pointer: string) => {
    if (!node || typeof node !== "object") return;
    if (node[keyword] !== undefined) found.push({ pointer, node });
    for (const [name, property] of Object.entries<any>(node.properties ?? {})) walk(property, `${pointer}/properties/${name}`);
    for (const combiner of ["allOf", "oneOf", "anyOf"]) {
      for (const [index, branch] of (node[combiner] ?? []).entries()) walk(branch, `${pointer}/${combiner}/${index}`);
    }
    if (node.items) walk(node.items, `${pointer}/items`);
  };
  for (const [name, schema] of Object.entries(doc.components.schemas)) walk(schema, `#/components/schemas/${name}`);
  return found;
}

/** The node at a `#/…` pointer of `doc`. @throws Error when there is none */
export function nodeAt(doc: OpenApiDocument, pointer: string): any {
  return deref(doc, { $ref: pointer });
}
