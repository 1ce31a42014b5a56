/**
 * order_of_checks: two defects in one request, where the spec's "Order of checks"
 * (introduction) decides which answer wins: "the first check that fails gives the
 * answer". Each probe breaks one check and a later one, and expects the earlier one's
 * answer:
 *
 *   step 2 before 3   a body over the size limit, or a wrong Content-Type, with a wrong signature: 413 V.03 / 415 V.04
 *   3.1 before 3.2    a body that is not JSON with a wrong HASH: 401 G.00
 *   3.1 before 3.4    a wrong HASH and a stale timestamp: 401 G.00 ("a stale one with a wrong signature is still G.00")
 *   3.3 before 3.4    a wrong body hash (or Kyren token) and a stale timestamp: 401 G.00
 *   3 before 4        a wrong signature (or Kyren token, or an unknown secureLogin) and a body that breaks the schema: 401 G.00
 *   3.4 before 4      a stale timestamp and a body that breaks the schema, correctly signed: 401 G.04
 *   4 before 5        a refused value (x-refused-values) in a body that breaks the schema: 400 V.02
 *   5, in order       ENTER's own rules: a refused value before a reused uuid, "400 G.02, then 409 G.03"
 *   3, 4 before 5     a reused uuid with another body that is wrongly signed, stale, or breaks the schema: that, not 409
 *   step 1, in order  a wrong method on a path no operation has: 404 G.05 (the path first)
 */
import { randomUUID } from "node:crypto";
import { errorCatalog } from "../../../generated/error-catalog.js";
import { maxRequestBodyBytes } from "../../../generated/operations.js";
import type { OperationFacts } from "../../shared/spec-types.js";
import { bodyCredentialFields, nowSeconds, refusals } from "../generate/body-roles.js";
import type { Probe, Step } from "../types.js";
import { signed, signedRaw, wrongSecret, type Body, type SignOptions } from "../signed-requests.js";
import { breakableField, freshBody, otherBody, withValueAt, withoutBreakableField } from "./bodies.js";
import { acceptedBy, laterStepOf, oneStep, refusedWith, stepOf, type BoundaryContext } from "./context.js";

/** How far in the past a stale timestamp is, seconds: far outside any tolerance. */
const STALE_SECONDS = 600;

const stale = (body: Body): Body => ({ ...body, timestamp: nowSeconds() - STALE_SECONDS });

/** How an operation's authentication is broken: a wrong HASH, or for Kyren a wrong token. */
function wrongCredentials(
  operation: OperationFacts,
  context: BoundaryContext,
): { what: string; options: SignOptions; change: (body: Body) => Body } {
  if (operation.signedWithHash) return { what: "a wrong HASH", options: { wrongHashSecret: true }, change: (body) => body };
  const [, tokenField] = bodyCredentialFields(operation);
  return {
    what: `a wrong ${tokenField}`,
    options: {},
    change: (body) => ({ ...body, [tokenField!]: wrongSecret(context.credentials.kyrenToken) }),
  };
}

/** Builds one probe of `operation` (see `operationProbes`). */
type ProbeMaker = (kind: string, title: string, body: Body, options: SignOptions, expect: Step["expect"]) => Probe;

/** The probes where a stale `timestamp` meets another defect: the signature and the body hash come first, freshness before the schema. */
function freshnessProbes(
  operation: OperationFacts,
  probe: ProbeMaker,
  fresh: () => Body,
  wrong: { what: string; change: (body: Body) => Body; options: SignOptions },
): Probe[] {
  const probes: Probe[] = [
    probe(
      "signature-before-freshness",
      `${wrong.what} and a timestamp ${STALE_SECONDS} s old: 401 G.00`,
      stale(wrong.change(fresh())),
      wrong.options,
      refusedWith(401, "G.00"),
    ),
    probe(
      "freshness-before-schema",
      `correctly signed, a timestamp ${STALE_SECONDS} s old and a body that breaks the schema: 401 G.04`,
      stale(withoutBreakableField(operation, fresh())),
      {},
      refusedWith(401, "G.04"),
    ),
  ];
  if (operation.bodyHash)
    probes.push(
      probe(
        "body-hash-before-freshness",
        `a wrong body hash (HASH right) and a timestamp ${STALE_SECONDS} s old: 401 G.00`,
        stale(fresh()),
        { wrongBodyHashSecret: true },
        refusedWith(401, "G.00"),
      ),
    );
  return probes;
}

/** The two-defect probes of one operation. */
function operationProbes(operation: OperationFacts, context: BoundaryContext): Probe[] {
  const { credentials } = context;
  const fresh = () => freshBody(operation, credentials);
  const wrong = wrongCredentials(operation, context);
  const probe: ProbeMaker = (kind, title, body, options, expect) =>
    oneStep("order_of_checks", `order/${kind}`, operation, title, stepOf(operation, signed(operation, body, credentials, options), expect));
  const probes: Probe[] = [
    probe(
      "size-before-signature",
      `a body over ${maxRequestBodyBytes} bytes with ${wrong.what}: 413 V.03`,
      wrong.change(fresh()),
      { ...wrong.options, padToBytes: maxRequestBodyBytes + 1 },
      refusedWith(413, "V.03"),
    ),
    probe(
      "media-type-before-signature",
      `Content-Type text/plain with ${wrong.what}: 415 V.04`,
      wrong.change(fresh()),
      { ...wrong.options, contentType: "text/plain" },
      refusedWith(415, "V.04"),
    ),
    probe(
      "signature-before-schema",
      `${wrong.what} and a body without ${breakableField(operation)}: 401 G.00`,
      wrong.change(withoutBreakableField(operation, fresh())),
      wrong.options,
      refusedWith(401, "G.00"),
    ),
  ];
  if (operation.signedWithHash) {
    const notJson = JSON.stringify(fresh()).slice(0, -1);
    probes.push(
      oneStep(
        "order_of_checks",
        "order/signature-before-json",
        operation,
        "a body that is not JSON with a wrong HASH: 401 G.00",
        stepOf(operation, signedRaw(operation, notJson, credentials, { wrongHashSecret: true }), refusedWith(401, "G.00")),
      ),
    );
  } else {
    const [loginField] = bodyCredentialFields(operation);
    probes.push(
      probe(
        "unknown-partner-before-schema",
        `an unknown ${loginField} and a body without ${breakableField(operation)}: 401 G.00`,
        { ...withoutBreakableField(operation, fresh()), [loginField!]: `${credentials.memberId}-unknown-partner` },
        {},
        refusedWith(401, "G.00"),
      ),
    );
  }
  if (operation.timestamp) probes.push(...freshnessProbes(operation, probe, fresh, wrong));
  for (const refusal of refusals(operation)) {
    const code = refusal.code;
    probes.push(
      probe(
        "schema-before-refused-value",
        `${refusal.pointer} ${JSON.stringify(refusal.value)} (refused with ${code}) in a body that breaks the schema: 400 V.02`,
        withValueAt(withoutBreakableField(operation, fresh(), [refusal.pointer]), refusal.pointer, refusal.value),
        {},
        refusedWith(400, "V.02"),
      ),
    );
  }
  probes.push(...uuidProbes(operation, context));
  return probes;
}

/**
 * A used `uuid` with another body that has a second defect: the defect's answer, not 409
 * `G.03` (the idempotency rule is the operation's own, step 5, and comes after steps 3
 * and 4; of the operation's own rules, a refused value comes before a reused `uuid`).
 */
function uuidProbes(operation: OperationFacts, context: BoundaryContext): Probe[] {
  const { credentials } = context;
  if (!("uuid" in freshBody(operation, credentials))) return [];
  const wrong = wrongCredentials(operation, context);
  const sequence = (kind: string, title: string, second: (first: Body) => Body, options: SignOptions, expect: Step["expect"]): Probe => {
    const first = { ...freshBody(operation, credentials), uuid: randomUUID() };
    return {
      check: "order_of_checks",
      kind: `order/${kind}`,
      subject: operation.operationId,
      title,
      steps: [
        stepOf(operation, signed(operation, first, credentials), acceptedBy(operation)),
        laterStepOf(
          operation,
          () =>
            signed(
              operation,
              second(otherBody(operation, { ...freshBody(operation, credentials), uuid: first.uuid })),
              credentials,
              options,
            ),
          expect,
        ),
      ],
    };
  };
  const probes = [
    sequence(
      "signature-before-idempotency",
      `a used uuid with another body and ${wrong.what}: 401 G.00, not 409`,
      (body) => wrong.change(body),
      wrong.options,
      refusedWith(401, "G.00"),
    ),
    sequence(
      "schema-before-idempotency",
      "a used uuid with another body that breaks the schema: 400 V.02, not 409",
      (body) => withoutBreakableField(operation, body),
      {},
      refusedWith(400, "V.02"),
    ),
  ];
  if (operation.timestamp)
    probes.push(
      sequence(
        "freshness-before-idempotency",
        `a used uuid with another body, correctly signed, a timestamp ${STALE_SECONDS} s old: 401 G.04, not 409`,
        stale,
        {},
        refusedWith(401, "G.04"),
      ),
    );
  for (const refusal of refusals(operation)) {
    const status = errorCatalog[refusal.code].status;
    probes.push(
      sequence(
        "refused-value-before-idempotency",
        `a used uuid with ${refusal.pointer} ${JSON.stringify(refusal.value)}: ${status} ${refusal.code}, not 409 (the operation's rules in order)`,
        (body) => withValueAt(body, refusal.pointer, refusal.value),
        {},
        refusedWith(status, refusal.code),
      ),
    );
  }
  return probes;
}

/** Step 1 in order, on each side: another method on a path no operation has is 404 G.05, not 405. */
function routingProbes(context: BoundaryContext): Probe[] {
  const sides = [...new Set(context.operations.map((operation) => operation.implementedBy))];
  return sides.map((side) => ({
    check: "order_of_checks",
    kind: "order/path-before-method",
    subject: side,
    title: "GET on a path no operation has: 404 G.05 (the path is checked before the method)",
    steps: [
      { side, request: { method: "GET", path: "/no/such/operation", query: {}, headers: {}, body: "" }, expect: refusedWith(404, "G.05") },
    ],
  }));
}

/** Every order-of-checks probe of the context's operations. */
export function orderOfChecksProbes(context: BoundaryContext): Probe[] {
  return [...context.operations.flatMap((operation) => operationProbes(operation, context)), ...routingProbes(context)];
}
