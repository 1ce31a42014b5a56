/**
 * One shape for the three failure envelopes of the API, so that a partner's code reads a
 * code and a message the same way whatever the operation. The envelopes are the spec's
 * (`x-error-envelope` of each operation's `*Failure` schema, in generated/operations.ts),
 * kept from the seeds each operation came from:
 *
 * | Operation | Failure body |
 * |---|---|
 * | ENTER (seed 004) | `{"errors": {"code", "message"}}` |
 * | V4 close session, session expired (seeds 000, 001, 003) | `{"error": {"code", "message"}}` |
 * | Kyren CloseSession (seed 002) | `{"error": "<code>", "description"}` |
 */
import { operationsById, type OperationId } from "../../../generated/operations.js";
import type { ErrorCode } from "../../../generated/error-catalog.js";

/** A failure answer, whichever envelope it came in. */
export interface Failure {
  /** The catalog code, e.g. `G.00` (see the spec's error catalog). */
  code: ErrorCode;
  /** The message: the catalog title, then the detail. */
  message: string;
  /** The HTTP status of the answer. */
  status: number;
}

/** The value at a JSON pointer of the form `/a/b` (the envelopes' pointers), or undefined. */
function at(body: unknown, pointer: string): unknown {
  let value = body;
  for (const key of pointer.split("/").slice(1))
    value = typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined;
  return value;
}

/** Every distinct envelope of the spec's operations. */
const envelopes = [
  ...new Map(Object.values(operationsById).map((operation) => [operation.errorEnvelope.schema, operation.errorEnvelope])).values(),
];

/**
 * The code, message and status of a failure answer.
 *
 * ```ts
 * const { error, response } = await client.POST("/api/session", { body });
 * if (error) {
 *   const failure = failureOf(error, response.status); // { code: "G.03", message: "Duplicate request id: …", status: 409 }
 * }
 * ```
 *
 * @param body the parsed answer body (the typed client's `error`)
 * @param status the answer's HTTP status
 * @param operationId the operation answered, to read its own envelope only; without it,
 *   each envelope of the spec is tried
 * @returns the failure, or undefined when the body is in none of the envelopes (a proxy's
 *   own error page, or a success)
 */
export function failureOf(body: unknown, status: number, operationId?: OperationId): Failure | undefined {
  for (const envelope of operationId ? [operationsById[operationId].errorEnvelope] : envelopes) {
    const code = at(body, envelope.code);
    const message = at(body, envelope.message);
    if (typeof code === "string" && /^[GV]\.\d\d$/.test(code) && typeof message === "string")
      return { code: code as ErrorCode, message, status };
  }
  return undefined;
}
