/**
 * What the signing playground and the Postman collection know of each operation's
 * request, read from the bundle: the operation's facts (path, whether it is signed with
 * `MEMB_ID` + `HASH`, whether its body carries `hash`), the top-level properties of its
 * request schema (so a `timestamp` property added to the spec is picked up with no edit),
 * and its first documented request example without `hash` (the signer computes that).
 */
import { operationFacts, resolveRef, type OpenApiDocument, type OperationFacts } from "./spec.js";

/** One operation as a signer sees its request. */
export interface RequestFacts extends OperationFacts {
  /** Names of the top-level properties of the request body schema, in schema order. */
  properties: string[];
  /** The first documented request example, as a JSON object, without `hash`. */
  example: Record<string, unknown>;
}

/**
 * Lists every operation of the bundle with its request facts, in document order.
 *
 * @throws Error naming the operation when it has no JSON request body schema or no request example
 */
export function requestFacts(spec: OpenApiDocument): RequestFacts[] {
  return operationFacts(spec).map((operation) => {
    const media = (spec.paths[operation.path]?.[operation.method] as any)?.requestBody?.content?.["application/json"];
    const schema = resolveRef(spec, media?.schema);
    if (!schema?.properties) throw new Error(`${operation.operationId}: its request body has no JSON schema with properties`);
    const example = media.example ?? resolveRef(spec, Object.values(media.examples ?? {})[0])?.value;
    if (typeof example !== "object" || example === null) throw new Error(`${operation.operationId}: its request body has no example`);
    const { hash: _hash, ...fields } = structuredClone(example) as Record<string, unknown>;
    return { ...operation, properties: Object.keys(schema.properties), example: fields };
  });
}
