/**
 * stateful_sequences, the fixed ones: what a refused request leaves behind, and what
 * counts as "the same request" (spec: `Uuid4`; signing guide, "Step 0" and "Verifying"
 * step 5; go-live checklist items 7 and 14). Every later step is built when it is sent,
 * with the current `timestamp`, as a client's retry is.
 *
 * With an idempotency key (`uuid`):
 *   retry after 401 / 400 / a refused value / 401 G.04   "A uuid is used up only by a request
 *       that succeeded: after a 4xx, the corrected request may reuse it": the corrected
 *       request is accepted; sent again it gets the same answer; another body with the
 *       same uuid is then 409 G.03 (the uuid is used now)
 *   replay with the uuid in the other case    "the same body" ignores the case of uuid
 *   replay serialised otherwise               it ignores key order and white space
 *
 * Callbacks (delivered at least once, deduped on `callbackId`, or `MEMB_ID` +
 * `sessionId` without one): a callback refused (a wrong signature, a stale timestamp)
 * and then sent right is accepted; a repeat is acknowledged with 200 every time: the same
 * bytes, a later attempt with a new timestamp, the same re-serialised, and a callback
 * without `callbackId` sent twice.
 */
import { randomUUID } from "node:crypto";
import { errorCatalog } from "../../../generated/error-catalog.js";
import type { OperationFacts } from "../../shared/spec-types.js";
import { bodyCredentialFields, nowSeconds, refusals } from "../generate/body-roles.js";
import type { Expectation, Probe, Step } from "../types.js";
import { signed, wrongSecret, type Body, type SignOptions } from "../signed-requests.js";
import { bodyProperties, freshBody, otherBody, withValueAt, withoutBreakableField } from "./bodies.js";
import { acceptedBy, isReceiver, laterStepOf, refusedWith, stepOf, type BoundaryContext } from "./context.js";
import { serialisations } from "./serialisation.js";

const STALE_SECONDS = 600;

/** Pretty-printed with its keys in reverse order: the same body, other bytes. */
const otherBytes = serialisations.find(([kind]) => kind === "keys-reversed")![2];
const prettyReversed = (body: Body) => JSON.stringify(JSON.parse(otherBytes(body)), null, 2);

/** The first request of a sequence, refused for one reason, and the body to send right afterwards. */
interface Refused {
  kind: string;
  what: string;
  first: (body: Body) => { body: Body; options: SignOptions };
  expect: Expectation;
}

function refusals4xx(operation: OperationFacts, context: BoundaryContext): Refused[] {
  const [, tokenField] = bodyCredentialFields(operation);
  const list: Refused[] = [
    operation.signedWithHash
      ? {
          kind: "signature",
          what: "a wrong HASH (401 G.00)",
          first: (body) => ({ body, options: { wrongHashSecret: true } }),
          expect: refusedWith(401, "G.00"),
        }
      : {
          kind: "signature",
          what: `a wrong ${tokenField} (401 G.00)`,
          first: (body) => ({ body: { ...body, [tokenField!]: wrongSecret(context.credentials.kyrenToken) }, options: {} }),
          expect: refusedWith(401, "G.00"),
        },
  ];
  if (operation.timestamp)
    list.push({
      kind: "stale",
      what: `a timestamp ${STALE_SECONDS} s old (401 G.04)`,
      first: (body) => ({ body: { ...body, timestamp: nowSeconds() - STALE_SECONDS }, options: {} }),
      expect: refusedWith(401, "G.04"),
    });
  if (!isReceiver(operation)) {
    list.push({
      kind: "schema",
      what: "a body that breaks the schema (400 V.02)",
      first: (body) => ({ body: withoutBreakableField(operation, body), options: {} }),
      expect: refusedWith(400, "V.02"),
    });
    for (const refusal of refusals(operation)) {
      list.push({
        kind: "refused-value",
        what: `${refusal.pointer} ${JSON.stringify(refusal.value)} (${errorCatalog[refusal.code].status} ${refusal.code})`,
        first: (body) => ({ body: withValueAt(body, refusal.pointer, refusal.value), options: {} }),
        expect: refusedWith(errorCatalog[refusal.code].status, refusal.code),
      });
    }
  }
  return list;
}

/** A body of the operation with a new idempotency key where the schema has one (optional ones too), or a new callback. */
const fresh = (operation: OperationFacts, context: BoundaryContext): Body => {
  const body = freshBody(operation, context.credentials);
  return "uuid" in bodyProperties(operation) ? { ...body, uuid: randomUUID() } : body;
};

/** A later step: `body` with the current timestamp, signed as `options` say, when it is sent. */
const later = (
  operation: OperationFacts,
  context: BoundaryContext,
  body: () => Body,
  expect: Expectation,
  options: SignOptions = {},
): Step =>
  laterStepOf(
    operation,
    () => signed(operation, operation.timestamp ? { ...body(), timestamp: nowSeconds() } : body(), context.credentials, options),
    expect,
  );

/** The sequences of an operation with an idempotency key. */
function idempotentSequences(operation: OperationFacts, context: BoundaryContext): Probe[] {
  const accepted = acceptedBy(operation);
  const probes: Probe[] = refusals4xx(operation, context).map((refused): Probe => {
    const body = fresh(operation, context);
    const { body: first, options } = refused.first(body);
    const other = otherBody(operation, body);
    return {
      check: "stateful_sequences",
      kind: `sequence/retry-after-${refused.kind}`,
      subject: operation.operationId,
      title: `${refused.what}, then the corrected request with the same uuid: accepted (a refused request does not use up its uuid), the same again: the same answer, another body: 409 G.03`,
      steps: [
        stepOf(operation, signed(operation, first, context.credentials, options), refused.expect),
        later(operation, context, () => body, accepted),
        later(operation, context, () => body, { ...accepted, sameBodyAs: 1 }),
        later(operation, context, () => other, refusedWith(409, "G.03")),
      ],
    };
  });
  const body = fresh(operation, context);
  const again = fresh(operation, context);
  probes.push(
    {
      check: "stateful_sequences",
      kind: "sequence/replay-uuid-in-other-case",
      subject: operation.operationId,
      title:
        "the same body again with its uuid in upper case and a new timestamp: the same answer (the idempotency key ignores the case of uuid)",
      steps: [
        stepOf(operation, signed(operation, body, context.credentials), accepted),
        later(operation, context, () => ({ ...body, uuid: String(body.uuid).toUpperCase() }), { ...accepted, sameBodyAs: 0 }),
      ],
    },
    {
      check: "stateful_sequences",
      kind: "sequence/replay-serialised-otherwise",
      subject: operation.operationId,
      title:
        "the same body again pretty-printed, its keys in reverse order, with a new timestamp: the same answer (key order and white space are ignored)",
      steps: [
        stepOf(operation, signed(operation, again, context.credentials), accepted),
        later(operation, context, () => again, { ...accepted, sameBodyAs: 0 }, { serialise: prettyReversed }),
      ],
    },
  );
  return probes;
}

/** The sequences of a callback (no idempotency key: deduped by the receiver). */
function callbackSequences(operation: OperationFacts, context: BoundaryContext): Probe[] {
  const accepted = acceptedBy(operation);
  const probes: Probe[] = refusals4xx(operation, context).map((refused): Probe => {
    const body = fresh(operation, context);
    const { body: first, options } = refused.first(body);
    return {
      check: "stateful_sequences",
      kind: `sequence/callback-retry-after-${refused.kind}`,
      subject: operation.operationId,
      title: `a callback with ${refused.what}, then the same callback right: 200`,
      steps: [
        stepOf(operation, signed(operation, first, context.credentials, options), refused.expect),
        later(operation, context, () => body, accepted),
      ],
    };
  });
  const repeat = (kind: string, title: string, body: Body, options: SignOptions = {}): Probe => ({
    check: "stateful_sequences",
    kind: `sequence/${kind}`,
    subject: operation.operationId,
    title,
    steps: [
      stepOf(operation, signed(operation, body, context.credentials), accepted),
      later(operation, context, () => body, accepted, options),
    ],
  });
  const same = signed(operation, fresh(operation, context), context.credentials);
  probes.push(
    {
      check: "stateful_sequences",
      kind: "sequence/callback-repeat-same-bytes",
      subject: operation.operationId,
      title: "the same callback twice, the same bytes: 200 both times",
      steps: [stepOf(operation, same, accepted), stepOf(operation, { ...same }, accepted)],
    },
    repeat(
      "callback-repeat-new-timestamp",
      "a later attempt of the same callback (a new timestamp, signed again): 200 both times",
      fresh(operation, context),
    ),
    repeat(
      "callback-repeat-serialised-otherwise",
      "a later attempt serialised otherwise (pretty-printed, keys reversed, a new timestamp): 200 both times",
      fresh(operation, context),
      { serialise: prettyReversed },
    ),
  );
  const id = Object.keys(bodyProperties(operation)).find((name) => name === "callbackId");
  if (id) {
    const { [id]: _none, ...older } = fresh(operation, context);
    probes.push(
      repeat("callback-repeat-without-callback-id", `a callback without ${id} (a sender before 1.2.0), twice: 200 both times`, older),
    );
  }
  return probes;
}

/** The fixed sequences of the context's operations. */
export function sequenceProbes(context: BoundaryContext): Probe[] {
  return context.operations.flatMap((operation) => {
    if ("uuid" in bodyProperties(operation)) return idempotentSequences(operation, context);
    if (isReceiver(operation)) return callbackSequences(operation, context);
    return [];
  });
}
