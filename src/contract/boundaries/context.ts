/**
 * What the boundary probes are built from, and the conventions they share: one probe per
 * rule and edge, deterministic (no budget, no seed), each named by a stable `kind` that
 * the rule inventory (`rules/`) and the tests that prove each probe (a broken
 * implementation it catches) refer to.
 *
 * The contract tester holds receivers (operations `x-implemented-by: operator`) to the
 * whole spec, as it does providers ("validate the body against the schema"). The
 * certification kit holds them to what the go-live checklist asks (`lenientReceivers`):
 * where a receiver may refuse a callback that Lucky Monaco never sends (a string over its
 * `maxLength`, another charset than UTF-8), accepting it is right too; a callback that is
 * valid must always be accepted.
 */
import type { OperationFacts } from "../../codegen/spec.js";
import { responseExamples } from "../bundle.js";
import type { Answering, Expectation, Probe, Step } from "../probe.js";
import type { CaseRequest, Credentials } from "../signed-requests.js";

/** The default freshness tolerance, seconds (spec: `Timestamp`, "300 seconds by default"; go-live checklist item 13): the client package's, its one definition. */
export { DEFAULT_TOLERANCE_SECONDS } from "@luckymonaco/session-api-client";

/** The inputs of the boundary probes. */
export interface BoundaryContext {
  credentials: Credentials;
  /** The target's freshness tolerance, seconds. */
  toleranceSeconds: number;
  /** The operations to probe (e.g. only the operator's, for the certification kit). */
  operations: readonly OperationFacts[];
  /** Let receivers accept a callback that breaks only the schema's value limits (the certification kit: the go-live checklist asks no more). */
  lenientReceivers?: boolean;
}

/** True for an operation a receiver implements (the callback). */
export const isReceiver = (operation: OperationFacts) => operation.implementedBy === "operator";

/** A step of `operation`, sent as built now. */
export function stepOf(operation: OperationFacts, request: CaseRequest, expect: Expectation): Step {
  return { side: operation.implementedBy, operationId: operation.operationId, request, expect };
}

/** A step of `operation` built when it is sent (its `timestamp` is then current). */
export function laterStepOf(operation: OperationFacts, build: () => CaseRequest, expect: Expectation): Step {
  return { side: operation.implementedBy, operationId: operation.operationId, build: () => ({ request: build() }), expect };
}

/** A one-step probe. */
export function oneStep(check: Probe["check"], kind: string, operation: OperationFacts, title: string, step: Step): Probe {
  return { check, kind, subject: operation.operationId, title, steps: [step] };
}

/** The expectation "refused with `code`", its status from the catalog. */
export function refusedWith(status: number, code: Answering["code"], orElse?: Answering[]): Expectation {
  return { status, ...(code ? { code } : {}), ...(orElse?.length ? { orElse } : {}) };
}

/**
 * Accepted: a provider answers a 2xx (the answer checks hold it to the documented 200); a
 * receiver exactly 200 with the documented success body, since Lucky Monaco counts any
 * other answer as not delivered (spec: sessionExpired, "Answer and delivery").
 */
export function acceptedBy(operation: OperationFacts): Expectation {
  return isReceiver(operation) ? { status: 200, body: responseExamples(operation, 200)[0] } : { status: "2xx" };
}

/**
 * The answer to a request Lucky Monaco never sends as a callback, which breaks only the
 * schema's value limits or names another charset: `expect`, or for a receiver under
 * `lenientReceivers`, `expect` or acceptance.
 */
export function unlessLenient(context: BoundaryContext, operation: OperationFacts, expect: Expectation): Expectation {
  return context.lenientReceivers && isReceiver(operation) ? { ...expect, orElse: [...(expect.orElse ?? []), { status: 200 }] } : expect;
}
