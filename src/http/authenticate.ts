/**
 * Authentication of incoming calls, as the spec's signing guide prescribes ("Verifying
 * (receivers)"): the partner by `MEMB_ID`, `HASH` over the raw bytes, then the body
 * `hash`. Exported for operators who receive the session expired callback in
 * TypeScript; the reference server and the operator receiver use it too.
 */
import { safeEqual, verifySignedRequest } from "../signing.js";

/**
 * What authentication decided: the authenticated partner id, or why not. `kind` maps to
 * the catalog: unauthenticated 401 `G.00`, malformed-body 400 `V.01`, unsignable-body 400 `V.02`.
 */
export type Authentication =
  | { ok: true; memberId: string }
  | { ok: false; kind: "unauthenticated" | "malformed-body" | "unsignable-body"; reason: string };

/** Looks up a partner's credential (secret or Kyren token) by partner id; undefined when unknown. */
export type CredentialLookup = (memberId: string) => string | undefined;

/** The parts of a signed request that authentication reads. */
export interface SignedRequestParts {
  /** The body bytes exactly as received. */
  rawBody: Uint8Array;
  /** The `MEMB_ID` query parameter, if any. */
  MEMB_ID: string | undefined;
  /** The `HASH` query parameter, if any. */
  HASH: string | undefined;
  /** True when the operation's body carries `hash` (closeSession, sessionExpired). */
  withBodyHash: boolean;
}

/**
 * Authenticates a request signed with `MEMB_ID` + `HASH` (and the body `hash`).
 *
 * ```ts
 * const result = authenticateSignedRequest({ rawBody, MEMB_ID, HASH, withBodyHash: true }, (id) => secrets.get(id));
 * if (!result.ok) answer 401 G.00 (or 400 for a malformed body)
 * ```
 *
 * @param request the raw parts of the request
 * @param secretFor the partner secret for a `MEMB_ID`, undefined when unknown
 * @returns the authenticated partner id, or why the request is refused; never throws
 */
export function authenticateSignedRequest(request: SignedRequestParts, secretFor: CredentialLookup): Authentication {
  if (!request.MEMB_ID) return { ok: false, kind: "unauthenticated", reason: "MEMB_ID is missing" };
  const secret = secretFor(request.MEMB_ID);
  if (secret === undefined) return { ok: false, kind: "unauthenticated", reason: "MEMB_ID names no known partner" };
  const verified = verifySignedRequest(request.rawBody, request.HASH, secret, request.withBodyHash);
  return verified.ok ? { ok: true, memberId: request.MEMB_ID } : verified;
}

/**
 * Authenticates Kyren CloseSession by `secureLogin` (the partner id) and `token` in the
 * parsed body, with a timing-safe comparison of the token.
 *
 * @param body the parsed JSON body (any shape)
 * @param kyrenTokenFor the partner's Kyren token, undefined when unknown or not enabled
 * @returns the authenticated partner id, or why the request is refused; never throws
 */
export function authenticateKyrenRequest(body: unknown, kyrenTokenFor: CredentialLookup): Authentication {
  const { secureLogin, token } = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
  if (typeof secureLogin !== "string" || typeof token !== "string") {
    return { ok: false, kind: "unauthenticated", reason: "secureLogin and token are required strings" };
  }
  const expected = kyrenTokenFor(secureLogin);
  if (expected === undefined || !safeEqual(expected, token)) {
    return { ok: false, kind: "unauthenticated", reason: "secureLogin and token do not match a partner" };
  }
  return { ok: true, memberId: secureLogin };
}
