/**
 * Authentication of incoming calls, as the spec's signing guide prescribes ("Verifying
 * (receivers)"): the partner by `MEMB_ID`, `HASH` over the raw bytes, then the body
 * `hash`. Exported for operators who receive the session expired callback in
 * TypeScript; the reference server and the operator receiver use it too.
 */
import { safeEqual, verifySignedRequest } from "../signing.js";
import type { Partner, PartnerDirectory } from "./partners.js";

/** What `authenticateSignedRequest` decided. `kind` maps to the catalog: unauthenticated 401 `G.00`, malformed-body 400 `V.01`, unsignable-body 400 `V.02`. */
export type Authentication =
  | { ok: true; partner: Partner }
  | { ok: false; kind: "unauthenticated" | "malformed-body" | "unsignable-body"; reason: string };

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
 * @param request the raw parts of the request
 * @param partners where to look `MEMB_ID` up
 * @returns the partner, or why the request is refused; never throws
 */
export function authenticateSignedRequest(request: SignedRequestParts, partners: PartnerDirectory): Authentication {
  if (!request.MEMB_ID) return { ok: false, kind: "unauthenticated", reason: "MEMB_ID is missing" };
  const partner = partners.get(request.MEMB_ID);
  if (!partner) return { ok: false, kind: "unauthenticated", reason: "MEMB_ID names no known partner" };
  const verified = verifySignedRequest(request.rawBody, request.HASH, partner.secret, request.withBodyHash);
  return verified.ok ? { ok: true, partner } : verified;
}

/**
 * Authenticates Kyren CloseSession by `secureLogin` (the partner id) and `token` in the
 * parsed body, with a timing-safe comparison of the token.
 *
 * @param body the parsed JSON body (any shape)
 * @returns the partner, or why the request is refused; never throws
 */
export function authenticateKyrenRequest(body: unknown, partners: PartnerDirectory): Authentication {
  const { secureLogin, token } = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
  if (typeof secureLogin !== "string" || typeof token !== "string") {
    return { ok: false, kind: "unauthenticated", reason: "secureLogin and token are required strings" };
  }
  const partner = partners.get(secureLogin);
  if (!partner?.kyrenToken || !safeEqual(partner.kyrenToken, token)) {
    return { ok: false, kind: "unauthenticated", reason: "secureLogin and token do not match a partner" };
  }
  return { ok: true, partner };
}
