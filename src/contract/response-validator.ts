/**
 * Full validation of a response against the bundle (`generated/openapi.json`), which Dredd
 * does not do (it ignores `pattern`, `format`, `additionalProperties`, `anyOf`/`allOf`
 * and all but the first `oneOf` branch). Three classes of violation:
 *
 *   undocumented-status   the operation does not document the status (nor `NXX`/`default`)
 *   wrong-content-type    the Content-Type is not exactly one documented media type
 *                         (`application/json`, no parameters: spec "Conventions")
 *   schema                the body breaks the response schema (Ajv's messages), or is not JSON
 *
 * Schemas are OpenAPI 3.0 Schema Objects: `nullable` is Ajv's own keyword; `example` and
 * the `x-` extensions are annotations.
 */
import type { ErrorObject, ValidateFunction } from "ajv";
import type { OperationFacts } from "../shared/spec-types.js";
import { createAjv } from "../shared/ajv.js";
import { allOperations, bundledSpec } from "./bundle.js";
import { responseObject } from "./documented-responses.js";

/** The class of a violation. */
export type ViolationKind = "undocumented-status" | "wrong-content-type" | "schema";

/** One way a response breaks the contract. */
export interface Violation {
  kind: ViolationKind;
  /** For `schema`: the Ajv keyword that failed (`required`, `type`, `enum`, `pattern`, `format`, `additionalProperties`, ...), or `json`. */
  keyword?: string;
  message: string;
}

/** A response as received. Name the operation by `operationId`, or by `path` and `method`. */
export interface ResponseUnderTest {
  operationId?: string;
  path?: string;
  method?: string;
  status: number;
  /** The Content-Type header as received (null or undefined when absent). */
  contentType: string | null | undefined;
  /** The parsed JSON body. */
  body: unknown;
}

const SPEC_ID = "https://contract.test/openapi.json";

const ajv = createAjv({ strict: true, allErrors: true, keywords: ["components"] }, bundledSpec.components.schemas);
// The components under an id, so the spec's local refs resolve once made absolute.
ajv.addSchema({ $id: SPEC_ID, components: { schemas: bundledSpec.components.schemas } });

function absoluteRefs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(absoluteRefs);
  if (node === null || typeof node !== "object") return node;
  return Object.fromEntries(
    Object.entries(node).map(([key, value]) => [
      key,
      key === "$ref" && typeof value === "string" && value.startsWith("#/") ? SPEC_ID + value : absoluteRefs(value),
    ]),
  );
}

const compiled = new Map<string, ValidateFunction>();

function validatorFor(operation: OperationFacts, responseKey: string, mediaType: string, schema: object): ValidateFunction {
  const key = `${operation.operationId} ${responseKey} ${mediaType}`;
  let validate = compiled.get(key);
  if (!validate) {
    validate = ajv.compile(absoluteRefs(schema) as object);
    compiled.set(key, validate);
  }
  return validate;
}

/**
 * The operation named by a response under test.
 *
 * @throws Error when no operation of the bundle matches (a test bug, not a violation)
 */
export function findOperation(response: Pick<ResponseUnderTest, "operationId" | "path" | "method">): OperationFacts {
  const operation = allOperations.find((candidate) =>
    response.operationId !== undefined
      ? candidate.operationId === response.operationId
      : candidate.path === response.path && candidate.method === response.method?.toLowerCase(),
  );
  if (!operation) throw new Error(`no operation ${response.operationId ?? `${response.method} ${response.path}`} in the bundle`);
  return operation;
}

/** The documented response key for a status: exact, then `4XX`-style range, then `default`. */
function responseKeyFor(operation: OperationFacts, status: number): string | undefined {
  const responses = (bundledSpec.paths[operation.path] as any)[operation.method].responses as Record<string, unknown>;
  return [String(status), `${String(status)[0]}XX`, "default"].find((key) => key in responses);
}

function schemaViolation(error: ErrorObject): Violation {
  const at = error.instancePath || "(body)";
  const params = Object.keys(error.params).length ? ` ${JSON.stringify(error.params)}` : "";
  return { kind: "schema", keyword: error.keyword, message: `${at} ${error.message}${params}` };
}

/**
 * Validates one response against the bundle.
 *
 * @returns every violation found; empty when the response is as documented
 * @throws Error when the operation is not in the bundle
 */
export function validateResponse(response: ResponseUnderTest): Violation[] {
  const operation = findOperation(response);
  const key = responseKeyFor(operation, response.status);
  if (key === undefined) {
    return [
      {
        kind: "undocumented-status",
        message: `${operation.operationId} does not document status ${response.status} (documented: ${operation.statuses.join(", ")})`,
      },
    ];
  }
  const content = responseObject(operation, key)?.content ?? {};
  const violations: Violation[] = [];
  const mediaTypes = Object.keys(content);
  const mediaType = mediaTypes.find((candidate) => candidate === response.contentType);
  if (!mediaType) {
    violations.push({
      kind: "wrong-content-type",
      message: `Content-Type is ${JSON.stringify(response.contentType ?? null)}, not exactly ${mediaTypes.join(" or ")}`,
    });
  }
  const schema = content[mediaType ?? "application/json"]?.schema ?? content[mediaTypes[0]!]?.schema;
  if (schema) {
    const validate = validatorFor(operation, key, mediaType ?? mediaTypes[0]!, schema as object);
    if (!validate(response.body)) violations.push(...validate.errors!.map(schemaViolation));
  }
  return violations;
}

/** What `checkFetchResponse` read and found. */
export interface CheckedResponse {
  status: number;
  contentType: string | null;
  text: string;
  violations: Violation[];
}

/**
 * Reads a fetch response of `operationId` and validates it; a body that is not JSON is a
 * `schema` violation with keyword `json`.
 */
export async function checkFetchResponse(operationId: string, response: Response): Promise<CheckedResponse> {
  const text = await response.text();
  const contentType = response.headers.get("content-type");
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    const violations = validateResponse({ operationId, status: response.status, contentType, body: undefined }).filter(
      (violation) => violation.kind !== "schema",
    );
    return {
      status: response.status,
      contentType,
      text,
      violations: [...violations, { kind: "schema", keyword: "json", message: `the body is not JSON: ${text.slice(0, 200)}` }],
    };
  }
  return {
    status: response.status,
    contentType,
    text,
    violations: validateResponse({ operationId, status: response.status, contentType, body }),
  };
}

/**
 * Validates a body against one component schema of the bundle by name (e.g. the default
 * failure envelope `V4Failure`), for the answers that belong to no operation.
 *
 * @returns the `schema` violations; empty when the body is valid
 * @throws Error when the bundle has no such schema
 */
export function validateAgainstSchema(name: string, body: unknown): Violation[] {
  if (!(name in bundledSpec.components.schemas)) throw new Error(`no schema ${name} in the bundle`);
  let validate = compiled.get(`schema ${name}`);
  if (!validate) {
    validate = ajv.compile({ $ref: `${SPEC_ID}#/components/schemas/${name}` });
    compiled.set(`schema ${name}`, validate);
  }
  return validate(body) ? [] : validate.errors!.map(schemaViolation);
}

/**
 * Validates a request body against an operation's request schema (the generators check
 * every body they make with it, so a generator bug never poses as a server failure).
 *
 * @returns the `schema` violations; empty when the body is valid
 */
export function validateRequestBody(operation: OperationFacts, body: unknown): Violation[] {
  const key = `${operation.operationId} request`;
  let validate = compiled.get(key);
  if (!validate) {
    const schema = (bundledSpec.paths[operation.path] as any)[operation.method].requestBody.content["application/json"].schema;
    validate = ajv.compile(absoluteRefs(schema) as object);
    compiled.set(key, validate);
  }
  return validate(body) ? [] : validate.errors!.map(schemaViolation);
}
