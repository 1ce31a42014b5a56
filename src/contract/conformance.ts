/**
 * The checks every answer is held to, whatever was asked (Schemathesis'
 * not_a_server_error, status_code_conformance, content_type_conformance and
 * response_schema_conformance, plus error_code_conformance): no 5xx; a documented
 * status; `Content-Type` exactly `application/json`; a body valid against the documented
 * schema; and a failure's catalog code whose catalog status is the answer's status
 * ("a 401 carrying V.02" is a violation although both are in the schema) and which the
 * operation lists in `x-error-codes`.
 *
 * Answers given before routing (catalog `scope: transport`: 404 `G.05`, 405 `G.06`, 431
 * `V.05`, 400 `V.06`) belong to no operation: they are held to the catalog and to the
 * default envelope (`x-default-error-envelope`), or, for 405, to the envelope of the
 * path's operation.
 */
import { errorCatalog, type ErrorCode } from "../../generated/error-catalog.js";
import { defaultErrorEnvelope } from "../../generated/operations.js";
import { getAtPointer } from "../json-pointer.js";
import type { ErrorEnvelope } from "../codegen/spec.js";
import { operationById } from "./bundle.js";
import type { CheckName, Finding, Step } from "./probe.js";
import { validateAgainstSchema, validateResponse, type ViolationKind } from "./response-validator.js";

/** An answer as received: status, headers (lower-case names), body text and its JSON (undefined when not JSON). */
export interface Answer {
  status: number;
  headers: Record<string, string>;
  text: string;
  json: unknown;
}

const checkOfViolation: Record<ViolationKind, CheckName> = {
  "undocumented-status": "status_code_conformance",
  "wrong-content-type": "content_type_conformance",
  schema: "response_schema_conformance",
};

const isTransportCode = (code: unknown): code is ErrorCode => typeof code === "string" && (errorCatalog as Record<string, { scope?: string }>)[code]?.scope === "transport";

/** The envelope an answer's failure body must have: the operation's, or the default one before routing (405: the path's operation's). */
function envelopeFor(step: Step, beforeRouting: boolean): ErrorEnvelope {
  if (step.operationId && (!beforeRouting || step.expect.code === "G.06")) return operationById(step.operationId).errorEnvelope;
  return defaultErrorEnvelope;
}

/** Findings of the error_code_conformance check for a failure answer. */
function errorCodeFindings(step: Step, answer: Answer, envelope: ErrorEnvelope, beforeRouting: boolean): string[] {
  if (answer.status < 400 || answer.json === undefined) return [];
  const code = getAtPointer(answer.json, envelope.code);
  if (typeof code !== "string" || !(code in errorCatalog)) return [`the failure carries ${JSON.stringify(code ?? null)} at ${envelope.code}, which is not a code of the error catalog`];
  const findings: string[] = [];
  const catalogStatus = errorCatalog[code as ErrorCode].status;
  if (catalogStatus !== answer.status) findings.push(`status ${answer.status} carries ${code}, whose catalog status is ${catalogStatus}`);
  if (!beforeRouting && step.operationId && !isTransportCode(code)) {
    const operation = operationById(step.operationId);
    if (!operation.errorCodes.includes(code)) findings.push(`${operation.operationId} answered ${code}, which is not in its x-error-codes (${operation.errorCodes.join(", ")})`);
  }
  return findings;
}

/**
 * The findings of the checks every answer is held to.
 *
 * @returns one finding per violation, each under its check; empty when the answer conforms
 */
export function conformanceFindings(step: Step, answer: Answer): Finding[] {
  const findings: Finding[] = [];
  const add = (check: CheckName, message: string) => findings.push({ check, message });
  if (answer.status >= 500) add("not_a_server_error", `status ${answer.status}: ${answer.text.slice(0, 300)}`);
  const beforeRouting = isTransportCode(step.expect.code) || !step.operationId;
  const envelope = envelopeFor(step, beforeRouting);
  if (beforeRouting) {
    const contentType = answer.headers["content-type"];
    if (contentType !== "application/json") add("content_type_conformance", `Content-Type is ${JSON.stringify(contentType ?? null)}, not exactly application/json`);
    if (answer.json === undefined) add("response_schema_conformance", `the body is not JSON: ${answer.text.slice(0, 200)}`);
    else for (const violation of validateAgainstSchema(envelope.schema, answer.json)) add("response_schema_conformance", violation.message);
  } else {
    const violations = validateResponse({ operationId: step.operationId, status: answer.status, contentType: answer.headers["content-type"], body: answer.json });
    for (const violation of violations) {
      if (violation.kind === "schema" && answer.json === undefined) continue;
      add(checkOfViolation[violation.kind], violation.message);
    }
    if (answer.json === undefined && !violations.some((violation) => violation.kind === "undocumented-status")) add("response_schema_conformance", `the body is not JSON: ${answer.text.slice(0, 200)}`);
  }
  for (const message of errorCodeFindings(step, answer, envelope, beforeRouting)) add("error_code_conformance", message);
  return findings;
}
