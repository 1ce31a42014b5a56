/**
 * The checks of the operator certification kit, by category, for each operation an
 * operator implements (`x-implemented-by: operator`: the session expired callback):
 *
 *   happy path          a signed callback is answered 200 with the documented success body
 *   signature security  wrong HASH, no HASH, unknown MEMB_ID, body changed after signing,
 *                       wrong body hash: 401 G.00; nearly right credentials (cut short, a
 *                       prefix, one character off, longer, empty, the other case): 401
 *                       G.00; a timestamp just inside the 300 s tolerance (either way):
 *                       200, just outside, 600 s off, in milliseconds: 401 G.04
 *   order of checks     two defects in one callback: the earlier check of the spec's
 *                       "Order of checks" gives the answer (a stale timestamp with a wrong
 *                       HASH is G.00; a missing field with a wrong HASH is G.00; …)
 *   idempotency         a repeat (the same bytes; a later attempt with a new timestamp;
 *                       serialised otherwise; without callbackId) is acknowledged with 200;
 *                       a callback refused, then sent right, is accepted
 *   robustness          unknown fields (keys sorting by bytes too), Unicode, values at the
 *                       length limits, null where nullable, a body of exactly 16384 bytes,
 *                       bodies serialised otherwise (white space, key order, escapes, a
 *                       trailing newline) and Content-Type parameters: 200; a body over
 *                       16384 bytes: 413 V.03; another media type: 415 V.04; bytes that are
 *                       not UTF-8: 400 V.01
 *   envelope            a body that is not JSON: 400 V.01; a required field missing: 400
 *                       V.02; and every answer of the whole run, success included, is
 *                       `application/json` in the documented shape, a failure with a
 *                       catalog code whose status is the answer's
 *
 * A check's own expectation is the status and, when the answer has the documented
 * envelope, the code; the envelope itself is judged once, in its category, so that each
 * defect fails the category it belongs to. Every check sends its own callbacks (new
 * `sessionId` and `callbackId`). Sources: the spec's sessionExpired operation, "Order of
 * checks", the signing guide's "Verifying", the go-live checklist, the error catalog and
 * the request schema.
 */
import { errorCatalog, type ErrorCode } from "../../generated/error-catalog.js";
import {
  authBreaks,
  boundaryProbes,
  requiredFields,
  responseExamples,
  signed,
  signedRaw,
  type BoundaryCheck,
  type CaseRequest,
  type Credentials,
  type Exchange,
  type Expectation,
  type Probe,
} from "../contract/index.js";
import { getAtPointer } from "../shared/json-pointer.js";
import type { OperationFacts } from "../shared/spec-types.js";
import { callbackAtLimits, freshCallback, minimalCallback, nullsCallback, unicodeCallback, unknownFields } from "./callbacks.js";

/** The categories, in report order. */
export const categories = ["happy path", "signature security", "order of checks", "idempotency", "robustness", "envelope"] as const;

/** A category of checks. */
export type Category = (typeof categories)[number];

/** One certification check: a probe (requests sent in order, each with its expected answer) and its category. */
export interface CertificationCheck {
  category: Category;
  operationId: string;
  name: string;
  probe: Probe;
}

/** The category of each boundary check of the contract tester. */
export const categoryOfCheck: Record<BoundaryCheck, Category> = {
  freshness_tolerance: "signature security",
  credential_variants: "signature security",
  order_of_checks: "order of checks",
  stateful_sequences: "idempotency",
  boundary_values: "robustness",
  media_types: "robustness",
  serialisation_variants: "robustness",
};

/** The expected answer of a refusal with `code` (its status from the catalog). */
const refusal = (code: ErrorCode): Expectation => ({ status: errorCatalog[code].status, code });

/** Probes a receiver can answer: requests to its operations, POST, nothing before routing. */
const forTheOperation = (probe: Probe) =>
  probe.steps.every((step) => step.operationId !== undefined && step.raw === undefined && (step.request?.method ?? "POST") === "POST");

/**
 * "Answer every G.00 with the same message, whichever check failed" (signing guide,
 * Verifying; go-live checklist item 12): a wrong HASH, an unknown MEMB_ID, no HASH and a
 * wrong body hash, each refused with 401 G.00, and all with one message. A message that
 * names which check failed would let anyone probe the receiver's partner ids. (None of
 * these is a usual signing mistake made with the partner's own secret, which a receiver
 * may name.)
 */
function oneMessageCheck(operation: OperationFacts, credentials: Credentials): CertificationCheck {
  const breaks = authBreaks(operation, freshCallback(operation, credentials)).filter(
    (broken) => broken.code === "G.00" && broken.name !== "body-changed-after-signing",
  );
  const name = `every G.00 has the same message, whichever check failed (${breaks.map((broken) => broken.what).join("; ")})`;
  const messageOf = (exchange: Exchange) =>
    exchange.answer?.json === undefined ? undefined : getAtPointer(exchange.answer.json, operation.errorEnvelope.message);
  return {
    category: "signature security",
    operationId: operation.operationId,
    name,
    probe: {
      check: "ignored_auth",
      kind: "certify/one-g00-message",
      subject: operation.operationId,
      title: name,
      steps: breaks.map((broken) => ({
        side: "operator",
        operationId: operation.operationId,
        request: broken.request(operation, freshCallback(operation, credentials), credentials),
        expect: refusal("G.00"),
      })),
      async verify(exchanges) {
        const messages = [...new Set(exchanges.map(messageOf).map((message) => JSON.stringify(message ?? null)))];
        return messages.length > 1
          ? [
              {
                check: "ignored_auth",
                message: `the G.00 answers carry ${messages.length} different messages (${messages.join(", ")}): answer every G.00 with the same one, so that nobody can probe which partner ids exist`,
              },
            ]
          : [];
      },
    },
  };
}

/** A certification check of `operation` that sends `request` once and expects `expect`. */
type MakeCheck = (category: Category, kind: string, name: string, request: CaseRequest, expect: Expectation) => CertificationCheck;

function checkMaker(operation: OperationFacts): MakeCheck {
  return (category, kind, name, request, expect) => ({
    category,
    operationId: operation.operationId,
    name,
    probe: {
      check: "documented_responses",
      kind: kind.startsWith("auth/") ? kind : `certify/${kind}`,
      subject: operation.operationId,
      title: name,
      steps: [{ side: "operator", operationId: operation.operationId, request, expect }],
    },
  });
}

/** Signs a callback body of `operation` with the receiver's credentials. */
function signer(operation: OperationFacts, credentials: Credentials) {
  return (body: Parameters<typeof signed>[1], options?: Parameters<typeof signed>[3]) => signed(operation, body, credentials, options);
}

/** The robustness checks: what the spec allows in a callback (unknown fields, Unicode, lengths at their limits) is accepted, text/plain is not. */
function robustnessChecks(operation: OperationFacts, credentials: Credentials, success: Expectation): CertificationCheck[] {
  const one = checkMaker(operation);
  const sign = signer(operation, credentials);
  return [
    one(
      "robustness",
      "unknown-fields",
      `fields the spec does not (yet) document are ignored: 200`,
      sign({ ...freshCallback(operation, credentials), ...unknownFields(operation) }),
      success,
    ),
    one("robustness", "unicode", "Unicode in every free-text field: 200", sign(unicodeCallback(operation, credentials)), success),
    one(
      "robustness",
      "at-max-length",
      "every string at its maxLength: 200",
      sign(callbackAtLimits(operation, credentials, "max")),
      success,
    ),
    one(
      "robustness",
      "at-min-length",
      "every string at its minLength: 200",
      sign(callbackAtLimits(operation, credentials, "min")),
      success,
    ),
    one(
      "robustness",
      "text-plain",
      "Content-Type text/plain: 415 V.04",
      sign(freshCallback(operation, credentials), { contentType: "text/plain" }),
      refusal("V.04"),
    ),
  ];
}

/**
 * The certification checks of one operator operation.
 *
 * @param toleranceSeconds the freshness tolerance the receiver must have (the go-live checklist: 300)
 */
export function certificationChecks(operation: OperationFacts, credentials: Credentials, toleranceSeconds: number): CertificationCheck[] {
  const success: Expectation = { status: 200, body: responseExamples(operation, 200)[0] };
  const one = checkMaker(operation);
  const sign = signer(operation, credentials);
  const checks: CertificationCheck[] = [
    one(
      "happy path",
      "example",
      "a signed callback (the documented example, new ids) is answered 200 with the documented body",
      sign(freshCallback(operation, credentials)),
      success,
    ),
    one(
      "happy path",
      "only-required",
      "a callback with only the required fields is answered 200",
      sign(minimalCallback(operation, credentials)),
      success,
    ),
  ];
  for (const broken of authBreaks(operation, freshCallback(operation, credentials))) {
    checks.push(
      one(
        "signature security",
        `auth/${broken.name}`,
        `${broken.what}: 401 ${broken.code}`,
        broken.request(operation, freshCallback(operation, credentials), credentials),
        refusal(broken.code),
      ),
    );
  }
  checks.push(...robustnessChecks(operation, credentials, success));
  checks.push(oneMessageCheck(operation, credentials));
  const nulls = nullsCallback(operation, credentials);
  if (nulls) checks.push(one("robustness", "nulls", `null in the nullable fields: 200`, sign(nulls), success));
  const required = requiredFields(operation).find((name) => name !== "hash");
  checks.push(
    one(
      "envelope",
      "not-json",
      "a body that is not JSON (signed): 400 V.01",
      signedRaw(operation, JSON.stringify(freshCallback(operation, credentials)).slice(0, -1), credentials),
      refusal("V.01"),
    ),
  );
  if (required) {
    const { [required]: _missing, ...rest } = freshCallback(operation, credentials);
    checks.push(one("envelope", "required-missing", `required field ${required} missing (signed): 400 V.02`, sign(rest), refusal("V.02")));
  }
  const boundaries = boundaryProbes({ credentials, toleranceSeconds, operations: [operation], lenientReceivers: true }).filter(
    forTheOperation,
  );
  for (const probe of boundaries)
    checks.push({ category: categoryOfCheck[probe.check as BoundaryCheck], operationId: operation.operationId, name: probe.title, probe });
  return checks;
}
