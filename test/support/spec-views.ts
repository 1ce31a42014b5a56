/**
 * Read-only views of the bundled spec (`dist/openapi.json`, built by the global setup)
 * for tests: operations and the documented examples of their requests and responses.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { operationFacts, repoRoot, resolveRef, type OpenApiDocument, type OperationFacts } from "../../src/build/spec.js";

/** The bundle as written by `npm run bundle`. */
export const bundledSpec: OpenApiDocument = JSON.parse(readFileSync(join(repoRoot, "dist/openapi.json"), "utf8"));

/** Every operation of the bundle. */
export const allOperations: OperationFacts[] = operationFacts(bundledSpec);

const deref = (node: unknown) => resolveRef(bundledSpec, node);

function operationObject(operation: OperationFacts): any {
  return (bundledSpec.paths[operation.path] as any)[operation.method];
}

/** The values of the documented examples of one response, in document order. */
export function responseExamples(operation: OperationFacts, status: number): unknown[] {
  const media = deref(operationObject(operation).responses[String(status)]).content["application/json"];
  if (media.example !== undefined) return [media.example];
  return Object.values(media.examples ?? {}).map((example) => deref(example).value);
}

/** The value of the first documented request example of an operation. */
export function requestExample(operation: OperationFacts): Record<string, unknown> {
  const media = operationObject(operation).requestBody.content["application/json"];
  return structuredClone(deref(Object.values(media.examples)[0]).value);
}
