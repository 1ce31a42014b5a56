/**
 * The shapes of the spec's facts that everything routes on: one operation (its path,
 * signing needs, statuses, catalog codes, failure envelope and refused values) and the
 * failure envelope of an operation. The code generator computes them from the bundle
 * (src/codegen/spec.ts, `operationFacts`) and writes them to `generated/operations.ts`;
 * the runtime reads them from there. Types only: this module imports nothing, so the
 * generator can use it with `generated/` deleted.
 */

/**
 * Where a failure body carries its catalog code and its message: JSON pointers into the
 * body, from the `x-error-envelope` of the operation's `*Failure` schema.
 */
export interface ErrorEnvelope {
  /** Name of the failure schema, e.g. `V4Failure`. */
  readonly schema: string;
  /** JSON pointer of the code, e.g. `/error/code`. */
  readonly code: string;
  /** JSON pointer of the message, e.g. `/error/message`. */
  readonly message: string;
}

/** One operation of the spec, with the facts that clients, servers and tests route on. */
export interface OperationFacts {
  readonly operationId: string;
  /** The HTTP method, lower case (`post`). */
  readonly method: string;
  readonly path: string;
  readonly summary: string;
  /** The operation's first tag (its section in the docs). */
  readonly tag: string;
  /** `x-implemented-by`: the side that serves it. */
  readonly implementedBy: "provider" | "operator";
  /** Secured by the `MembId` + `Hash` schemes: the request carries `MEMB_ID` and `HASH`. */
  readonly signedWithHash: boolean;
  /** The request body schema has a `hash` property: the body carries the body hash. */
  readonly bodyHash: boolean;
  /** The request body schema has a `timestamp` property: senders put the time of signing there (freshness). */
  readonly timestamp: boolean;
  /** Documented response statuses, ascending. */
  readonly statuses: readonly number[];
  /** The catalog codes the operation may answer (`x-error-codes`), in catalog order. */
  readonly errorCodes: readonly string[];
  /** Where its failure bodies put the code and the message. */
  readonly errorEnvelope: ErrorEnvelope;
  /**
   * Values its request schema allows that the operation refuses (`x-refused-values` on a
   * property, at any depth): where (a JSON pointer into the body), the value, and the
   * catalog code of the answer. ENTER's `gametype: table` is `G.02`.
   */
  readonly refusedValues: readonly RefusedValue[];
}

/** One entry of an operation's `refusedValues`. */
export interface RefusedValue {
  /** A JSON pointer into the request body, e.g. `/gametype`. */
  readonly pointer: string;
  readonly value: string;
  /** The catalog code of the refusal, e.g. `G.02`. */
  readonly code: string;
}
