/**
 * Read-only views of the committed bundle (`generated/openapi.json`) for tests:
 * operations and the documented examples of their requests and responses.
 */
import { operationFacts, resolveRef, type OperationFacts } from "../../src/codegen/spec.js";
import { loadBundledSpec, type OpenApiDocument } from "../../src/spec-document.js";

/** The bundle the servers serve (`generated/openapi.json`). */
export const bundledSpec: OpenApiDocument = loadBundledSpec();

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
