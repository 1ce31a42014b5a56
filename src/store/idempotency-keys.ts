/**
 * Idempotency keys (spec: `Uuid4`; operations enterGameSession, closeSessionKyren, and
 * closeSession when it carries a `uuid`): a request's `uuid` is remembered with a
 * fingerprint of its body. The first request with a key takes effect; a repeat with the
 * same fingerprint is replayed; a repeat with a different fingerprint (or operation) is a
 * conflict (409 `G.03`). A key is used up only by a request that took effect: a rejected
 * request does not store it. The writes that take a key are the session writes
 * (sessions.ts); this part keeps the keys' lifetime.
 */
import type { OperationId } from "../../generated/operations.js";

/** A `uuid` of a request, scoped to the partner that sent it. */
export interface IdempotencyKey {
  partnerId: string;
  /** The request's `uuid`, lower-cased. */
  uuid: string;
  operationId: OperationId;
  /** SHA-256 hex of the request body in canonical form (see `idempotencyKey` in src/server/handlers/context.ts). */
  fingerprint: string;
}

/** Outcome of an idempotent write. */
export type Idempotent<Value> = { outcome: "created"; value: Value } | { outcome: "replayed"; value: Value } | { outcome: "conflict" };

/** The stored key's row (`operation_id`, `fingerprint`, `session_id`) judged against a repeat of `key`: replayed, or a conflict. */
export function storedKeyOutcome(key: IdempotencyKey, stored: Record<string, unknown>): Idempotent<{ sessionId: string | null }> {
  return stored.operation_id === key.operationId && stored.fingerprint === key.fingerprint
    ? { outcome: "replayed", value: { sessionId: stored.session_id as string | null } }
    : { outcome: "conflict" };
}

/** The lifetime of idempotency keys. */
export interface IdempotencyKeys {
  /**
   * Forgets at most `limit` idempotency keys created before `before`, oldest first (they
   * are kept at least 24 hours; the caller passes 48).
   *
   * @returns how many were deleted (fewer than `limit`: none older is left)
   */
  forgetIdempotencyKeys(before: number, limit: number): Promise<number>;
}
