/**
 * What every provider handler receives besides its input (see `ProviderHandlers` in
 * generated/server.ts): the authenticated partner and the services it may use.
 */
import { createHash } from "node:crypto";
import type { FastifyBaseLogger } from "fastify";
import { stringify } from "safe-stable-stringify";
import type { OperationId } from "../../../generated/operations.js";
import type { Partner } from "../../partners/directory.js";
import type { IdempotencyKey, SessionStore } from "../../store/session-store.js";
import type { LaunchTokens } from "../launch-tokens.js";

/** Context of a provider handler. */
export interface ProviderContext {
  /** The partner that `MEMB_ID` + `HASH` (or Kyren's `secureLogin` + `token`) authenticated. */
  partner: Partner;
  store: SessionStore;
  launchTokens: LaunchTokens;
  /** Current time, epoch milliseconds (injectable for tests). */
  now: () => number;
  log: FastifyBaseLogger;
}

/**
 * The idempotency key of a request: its `uuid` (lower-cased) for this partner and
 * operation, with the SHA-256 of the body in canonical JSON (keys sorted, `uuid`
 * lower-cased, Kyren's credential `token` and the signing fields `timestamp` and `hash`
 * left out), so that the same body sent with another key order, white space, uuid case,
 * a rotated token, or re-signed with a new `timestamp` after a timeout is still "the
 * same body" (spec: `Uuid4`).
 */
export function idempotencyKey(context: ProviderContext, operationId: OperationId, body: { uuid: string; token?: string; timestamp?: number; hash?: string }): IdempotencyKey {
  const { token: _credential, timestamp: _signedAt, hash: _signature, ...request } = body;
  const uuid = body.uuid.toLowerCase();
  return {
    partnerId: context.partner.memberId,
    uuid,
    operationId,
    fingerprint: createHash("sha256").update(stringify({ ...request, uuid })!).digest("hex"),
  };
}
