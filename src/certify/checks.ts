/**
 * The checks of the operator certification kit, by category, for each operation an
 * operator implements (`x-implemented-by: operator`: the session expired callback):
 *
 *   happy path          a signed callback is answered 200 with the documented success body
 *   signature security  wrong HASH, no HASH, unknown MEMB_ID, body changed after signing,
 *                       wrong body hash: 401 G.00; timestamp 600 s old or ahead: 401 G.04
 *   idempotency         the same callback again (the same bytes), and a retry (the same
 *                       body with a new timestamp, as Lucky Monaco's retries are): 200 each
 *   robustness          unknown fields ignored, Unicode, values at the length limits, null
 *                       where nullable: 200; a body over the size limit: 413 V.03; a wrong
 *                       Content-Type: 415 V.04
 *   envelope            a body that is not JSON: 400 V.01; a required field missing: 400
 *                       V.02; and every failure answer of the whole run has the callback's
 *                       failure envelope, with a catalog code whose status is the answer's
 *
 * A check's own expectation is the status and, when the answer has the documented
 * envelope, the code; the envelope itself is judged once, in its category, so that each
 * defect fails the category it belongs to. Sources: the spec's sessionExpired operation,
 * "Order of checks", the error catalog and the request schema.
 */
import { errorCatalog, type ErrorCode } from "../../generated/error-catalog.js";
import { maxRequestBodyBytes } from "../../generated/operations.js";
import type { OperationFacts } from "../codegen/spec.js";
import { getAtPointer } from "../json-pointer.js";
import { requestSchema, responseExamples } from "../contract/bundle.js";
import { authBreaks } from "../contract/checks/ignored-auth.js";
import type { Answer } from "../contract/conformance.js";
import { nowSeconds } from "../contract/generate/body-roles.js";
import { flatten } from "../contract/generate/schema-arbitrary.js";
import type { Step } from "../contract/probe.js";
import { signed, signedRaw, type Body, type CaseRequest, type Credentials } from "../contract/signed-requests.js";
import { callbackAtLimits, freshCallback, minimalCallback, nullsCallback, unicodeCallback, unknownFields } from "./callbacks.js";

/** The categories, in report order. */
export const categories = ["happy path", "signature security", "idempotency", "robustness", "envelope"] as const;

/** A category of checks. */
export type Category = (typeof categories)[number];

/** What one answer must be: a status, and the code when the answer has the documented envelope. */
export interface Expected {
  status: number;
  code?: ErrorCode;
  /** The exact success body (the documented example). */
  body?: unknown;
}

/** One certification check: requests sent in order, each with its expected answer. */
export interface CertificationCheck {
  category: Category;
  operationId: string;
  name: string;
  requests: Array<{ request: CaseRequest; expected: Expected }>;
}

/** The expected answer of a refusal with `code` (its status from the catalog). */
const refusal = (code: ErrorCode): Expected => ({ status: errorCatalog[code].status, code });

/**
 * What is wrong with an answer, given what was expected (empty: as expected). The code
 * is compared only when the answer carries one at the envelope's pointer.
 */
export function answerProblems(operation: OperationFacts, answer: Answer, expected: Expected): string[] {
  const problems: string[] = [];
  const code = getAtPointer(answer.json, operation.errorEnvelope.code);
  if (answer.status !== expected.status) problems.push(`expected ${expected.status}${expected.code ? ` ${expected.code}` : ""}, got ${answer.status}${typeof code === "string" ? ` ${code}` : ""}`);
  else if (expected.code && typeof code === "string" && code !== expected.code) problems.push(`expected ${expected.code}, got ${code}`);
  if (expected.body !== undefined && answer.status === expected.status && JSON.stringify(answer.json) !== JSON.stringify(expected.body)) {
    problems.push(`expected the body ${JSON.stringify(expected.body)}, got ${answer.text.slice(0, 300)}`);
  }
  return problems;
}

/** The certification checks of one operator operation. */
export function certificationChecks(operation: OperationFacts, credentials: Credentials): CertificationCheck[] {
  const success: Expected = { status: 200, body: responseExamples(operation, 200)[0] };
  const one = (category: Category, name: string, request: CaseRequest, expected: Expected): CertificationCheck => ({ category, operationId: operation.operationId, name, requests: [{ request, expected }] });
  const sign = (body: Body, options?: Parameters<typeof signed>[3]) => signed(operation, body, credentials, options);
  const checks: CertificationCheck[] = [
    one("happy path", "a signed callback (the documented example, new ids) is answered 200 with the documented body", sign(freshCallback(operation, credentials)), success),
    one("happy path", "a callback with only the required fields is answered 200", sign(minimalCallback(operation, credentials)), success),
  ];
  const body = freshCallback(operation, credentials);
  for (const broken of authBreaks(operation, body)) {
    checks.push(one("signature security", `${broken.what}: 401 ${broken.code}`, broken.request(operation, freshCallback(operation, credentials), credentials), refusal(broken.code)));
  }
  const repeated = freshCallback(operation, credentials);
  const first = sign(repeated);
  checks.push(
    { category: "idempotency", operationId: operation.operationId, name: "the same callback twice (the same bytes): 200 both times", requests: [{ request: first, expected: success }, { request: { ...first }, expected: success }] },
    {
      category: "idempotency",
      operationId: operation.operationId,
      name: "a retry (the same body with the timestamp of a later attempt, signed again): 200",
      requests: [
        { request: sign(repeated), expected: success },
        { request: sign({ ...repeated, timestamp: nowSeconds() + 1 }), expected: success },
      ],
    },
  );
  checks.push(
    one("robustness", `fields the spec does not (yet) document are ignored: 200`, sign({ ...freshCallback(operation, credentials), ...unknownFields(operation) }), success),
    one("robustness", "Unicode in every free-text field: 200", sign(unicodeCallback(operation, credentials)), success),
    one("robustness", "every string at its maxLength: 200", sign(callbackAtLimits(operation, credentials, "max")), success),
    one("robustness", "every string at its minLength: 200", sign(callbackAtLimits(operation, credentials, "min")), success),
  );
  const nulls = nullsCallback(operation, credentials);
  if (nulls) checks.push(one("robustness", `null in the nullable fields: 200`, sign(nulls), success));
  checks.push(
    one("robustness", `a body over ${maxRequestBodyBytes} bytes: 413 V.03`, sign(freshCallback(operation, credentials), { padToBytes: maxRequestBodyBytes + 1 }), refusal("V.03")),
    one("robustness", "Content-Type text/plain: 415 V.04", sign(freshCallback(operation, credentials), { contentType: "text/plain" }), refusal("V.04")),
  );
  const required = ((flatten(requestSchema(operation), operation.operationId).required ?? []) as string[]).find((name) => name !== "hash");
  const notJson = JSON.stringify(freshCallback(operation, credentials)).slice(0, -1);
  checks.push(one("envelope", "a body that is not JSON (signed): 400 V.01", signedRaw(operation, notJson, credentials), refusal("V.01")));
  if (required) {
    const { [required]: _missing, ...rest } = freshCallback(operation, credentials);
    checks.push(one("envelope", `required field ${required} missing (signed): 400 V.02`, sign(rest), refusal("V.02")));
  }
  return checks;
}

/** The step that sends a check's request to the operator. */
export const stepOf = (operation: OperationFacts, request: CaseRequest, expected: Expected): Step => ({
  side: "operator",
  operationId: operation.operationId,
  request,
  expect: { status: expected.status, ...(expected.code ? { code: expected.code } : {}) },
});
