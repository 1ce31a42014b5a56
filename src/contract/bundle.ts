/**
 * Read-only views of the committed bundle (`generated/openapi.json`) for the contract
 * tester and the certification kit: the operations (their facts as `generated/operations.ts`
 * holds them), their operation objects, request schemas and request examples. Everything
 * the tester sends or expects is derived from these views, so a new operation, field or
 * status reaches it without a list to edit.
 */
import { operationsById } from "../../generated/operations.js";
import { getAtPointer } from "../shared/json-pointer.js";
import type { OperationFacts } from "../shared/spec-types.js";
import { loadBundledSpec, type OpenApiDocument } from "../shared/spec-document.js";

/** The bundle the servers serve (`generated/openapi.json`). */
export const bundledSpec: OpenApiDocument = loadBundledSpec();

/** Every operation of the bundle, in document order (the generator writes them in that order). */
export const allOperations: OperationFacts[] = [...Object.values(operationsById)];

/**
 * Follows the bundle's local `$ref`s (`#/components/...`, a JSON pointer after the `#`)
 * until a non-reference node.
 */
export function deref(node: unknown): any {
  let current = node as { $ref?: unknown } | undefined;
  while (current && typeof current.$ref === "string") {
    current = getAtPointer(bundledSpec, current.$ref.replace(/^#/, "")) as { $ref?: unknown } | undefined;
  }
  return current;
}

/** The OpenAPI operation object of an operation (refs not resolved). */
export function operationObject(operation: OperationFacts): any {
  return (bundledSpec.paths[operation.path] as any)[operation.method];
}

/** The operation of an operationId. @throws Error when the bundle has no such operation */
export function operationById(operationId: string): OperationFacts {
  const operation = allOperations.find((candidate) => candidate.operationId === operationId);
  if (!operation) throw new Error(`no operation ${operationId} in the bundle`);
  return operation;
}

/** The `application/json` request body schema of an operation, its top `$ref` resolved. */
export function requestSchema(operation: OperationFacts): Record<string, any> {
  return deref(operationObject(operation).requestBody.content["application/json"].schema);
}

/** The value of the first documented request example of an operation (a fresh copy). */
export function requestExample(operation: OperationFacts): Record<string, unknown> {
  const media = operationObject(operation).requestBody.content["application/json"];
  return structuredClone(deref(Object.values(media.examples)[0]).value);
}

/** The values of the documented examples of one response, in document order. */
export function responseExamples(operation: OperationFacts, status: number): unknown[] {
  const media = deref(operationObject(operation).responses[String(status)]).content["application/json"];
  if (media.example !== undefined) return [media.example];
  return Object.values(media.examples ?? {}).map((example) => deref(example).value);
}
