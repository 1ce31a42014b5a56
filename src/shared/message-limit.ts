/**
 * How long a failure message may be: the `maxLength` of the schema at the message
 * pointer of an operation's failure envelope (`x-error-envelope`; `ErrorDetail.message`
 * and Kyren's `description`, 1000 characters), read from the bundle, so that no detail
 * (a list of validation errors, a canonical string) can push a response outside its
 * schema, which the response validation would turn into a 500.
 */
import { getAtPointer, pointerTokens } from "./json-pointer.js";
import type { OpenApiDocument } from "./spec-document.js";

type SchemaNode = Record<string, unknown>;

/** The schema a `$ref` of the bundle points to (`#/components/…`), or the node itself. */
function deref(spec: OpenApiDocument, node: unknown): SchemaNode {
  const ref = (node as SchemaNode | undefined)?.$ref;
  return (typeof ref === "string" ? getAtPointer(spec, ref.slice(1)) : node) as SchemaNode;
}

/** Every schema that constrains the value at `tokens` under `node`, through `allOf`, `oneOf`, `anyOf` and `properties`. */
function schemasAt(spec: OpenApiDocument, node: unknown, tokens: string[]): SchemaNode[] {
  const schema = deref(spec, node);
  if (schema === undefined || schema === null || typeof schema !== "object") return [];
  const branches = ["allOf", "oneOf", "anyOf"].flatMap((keyword) => (schema[keyword] as unknown[] | undefined) ?? []);
  const nested = branches.flatMap((branch) => schemasAt(spec, branch, tokens));
  if (tokens.length === 0) return [schema, ...nested];
  const property = (schema.properties as SchemaNode | undefined)?.[tokens[0]!];
  return [...nested, ...(property === undefined ? [] : schemasAt(spec, property, tokens.slice(1)))];
}

/**
 * The largest length of the message of a failure body, in characters.
 *
 * @param spec the bundle (`generated/openapi.json`)
 * @param envelope the failure schema's name and its message pointer (`x-error-envelope`)
 * @returns the smallest `maxLength` found there, or `Infinity` when the schema sets none
 */
export function messageMaxLength(spec: OpenApiDocument, envelope: { schema: string; message: string }): number {
  const lengths = schemasAt(spec, spec.components.schemas[envelope.schema], pointerTokens(envelope.message))
    .map((schema) => schema.maxLength)
    .filter((length): length is number => typeof length === "number");
  return Math.min(Infinity, ...lengths);
}

/** `text` cut to at most `max` characters (code points), with `…` at the end when it was cut. */
export function clip(text: string, max: number): string {
  const characters = [...text];
  return characters.length <= max ? text : `${characters.slice(0, Math.max(0, max - 1)).join("")}…`;
}
