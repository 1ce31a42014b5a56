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
import { getAtPointer } from "../shared/json-pointer.js";
import type { ErrorEnvelope, OperationFacts } from "../shared/spec-types.js";
import { operationById } from "./bundle.js";
import { validateAgainstSchema, validateResponse, type ViolationKind } from "./response-validator.js";
import type { Answer, CheckName, Finding, Step } from "./types.js";

const checkOfViolation: Record<ViolationKind, CheckName> = {
  "undocumented-status": "status_code_conformance",
  "wrong-content-type": "content_type_conformance",
  schema: "response_schema_conformance",
};

const isTransportCode = (code: unknown): code is ErrorCode =>
  typeof code === "string" && (errorCatalog as Record<string, { scope?: string }>)[code]?.scope === "transport";

/** The envelope an answer's failure body must have: the operation's, or the default one before routing (405: the path's operation's). */
function envelopeFor(step: Step, beforeRouting: boolean): ErrorEnvelope {
  if (step.operationId && (!beforeRouting || step.expect.code === "G.06")) return operationById(step.operationId).errorEnvelope;
  return defaultErrorEnvelope;
}

const finding = (check: CheckName, message: string): Finding => ({ check, message });

const notJson = (answer: Answer) => finding("response_schema_conformance", `the body is not JSON: ${answer.text.slice(0, 200)}`);

/**
 * error_code_conformance for a failure answer (4xx, 5xx) with a JSON body: the code where
 * `envelope` puts it is a catalog code, and its catalog status is the answer's status.
 */
function catalogCodeFindings(envelope: ErrorEnvelope, answer: Answer): Finding[] {
  if (answer.status < 400 || answer.json === undefined) return [];
  const code = getAtPointer(answer.json, envelope.code);
  if (typeof code !== "string" || !(code in errorCatalog)) {
    const carried = `${JSON.stringify(code ?? null)} at ${envelope.code}`;
    return [finding("error_code_conformance", `the failure carries ${carried}, which is not a code of the error catalog`)];
  }
  const catalogStatus = errorCatalog[code as ErrorCode].status;
  if (catalogStatus === answer.status) return [];
  return [finding("error_code_conformance", `status ${answer.status} carries ${code}, whose catalog status is ${catalogStatus}`)];
}

/**
 * The envelope check of a failure answer: `Content-Type` exactly `application/json`, a
 * JSON body valid against the failure schema of `envelope` (the operation's
 * `x-error-envelope`, or the default one before routing), carrying a catalog code whose
 * catalog status is the answer's status. It does not ask whether the operation documents
 * the status. The certification kit judges every failure answer with it.
 *
 * @returns one finding per violation (content_type_conformance, response_schema_conformance,
 *   error_code_conformance); empty when the envelope is right
 */
export function envelopeFindings(envelope: ErrorEnvelope, answer: Answer): Finding[] {
  const findings: Finding[] = [];
  const contentType = answer.headers["content-type"];
  if (contentType !== "application/json") {
    const got = JSON.stringify(contentType ?? null);
    findings.push(finding("content_type_conformance", `Content-Type is ${got}, not exactly application/json`));
  }
  if (answer.json === undefined) return [...findings, notJson(answer)];
  for (const violation of validateAgainstSchema(envelope.schema, answer.json)) {
    findings.push(finding("response_schema_conformance", `not the ${envelope.schema} envelope: ${violation.message}`));
  }
  return [...findings, ...catalogCodeFindings(envelope, answer)];
}

/**
 * An answer to `operation` as the bundle documents it: a documented status, its media
 * type exactly, a JSON body valid against its schema. The certification kit judges every
 * success answer with it.
 *
 * @returns one finding per violation (status_code_conformance, content_type_conformance,
 *   response_schema_conformance); empty when the answer is as documented
 */
export function documentedAnswerFindings(operation: OperationFacts, answer: Answer): Finding[] {
  const contentType = answer.headers["content-type"];
  const violations = validateResponse({ operationId: operation.operationId, status: answer.status, contentType, body: answer.json });
  // A body that is not JSON is one finding, not one per schema keyword.
  const findings = violations
    .filter((violation) => !(violation.kind === "schema" && answer.json === undefined))
    .map((violation) => finding(checkOfViolation[violation.kind], violation.message));
  const undocumented = violations.some((violation) => violation.kind === "undocumented-status");
  return answer.json === undefined && !undocumented ? [...findings, notJson(answer)] : findings;
}

/**
 * error_code_conformance of an answer to an operation: a catalog code of the right status
 * that its `x-error-codes` lists (or one answered before routing).
 */
function operationCodeFindings(operation: OperationFacts, answer: Answer): Finding[] {
  const findings = catalogCodeFindings(operation.errorEnvelope, answer);
  if (answer.status < 400 || answer.json === undefined) return findings;
  const code = getAtPointer(answer.json, operation.errorEnvelope.code);
  const unlisted = typeof code === "string" && code in errorCatalog && !isTransportCode(code) && !operation.errorCodes.includes(code);
  if (!unlisted) return findings;
  const message = `${operation.operationId} answered ${code}, which is not in its x-error-codes (${operation.errorCodes.join(", ")})`;
  return [...findings, finding("error_code_conformance", message)];
}

/**
 * The findings of the checks every answer is held to.
 *
 * @returns one finding per violation, each under its check; empty when the answer conforms
 */
export function conformanceFindings(step: Step, answer: Answer): Finding[] {
  const serverError = answer.status >= 500 ? [finding("not_a_server_error", `status ${answer.status}: ${answer.text.slice(0, 300)}`)] : [];
  const beforeRouting = isTransportCode(step.expect.code) || !step.operationId;
  if (beforeRouting) return [...serverError, ...envelopeFindings(envelopeFor(step, true), answer)];
  const operation = operationById(step.operationId!);
  return [...serverError, ...documentedAnswerFindings(operation, answer), ...operationCodeFindings(operation, answer)];
}
