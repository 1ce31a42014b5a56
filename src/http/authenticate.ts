/**
 * Authentication of incoming calls, as the spec's signing guide prescribes ("Verifying
 * (receivers)") and in the spec's "Order of checks": the partner by `MEMB_ID`, `HASH` over
 * the raw bytes, then the body `hash`; or Kyren's `secureLogin` + `token`. Each function
 * looks the partner up once and returns it. Exported for operators who receive the
 * session expired callback in TypeScript; the reference server and the operator receiver
 * use it too.
 */
import { safeEqual, verifySignedRequest } from "../signing.js";

/**
 * What authentication decided: the partner it found, or why not. `kind` maps to the
 * catalog: unauthenticated 401 `G.00`, malformed-body 400 `V.01`, unsignable-body 400 `V.02`.
 */
export type Authentication<Partner> =
  | { ok: true; memberId: string; partner: Partner }
  | { ok: false; kind: "unauthenticated" | "malformed-body" | "unsignable-body"; reason: string };

/** Finds a partner by its id (`MEMB_ID`, or Kyren's `secureLogin`); undefined when unknown. */
export type PartnerLookup<Partner> = (memberId: string) => Partner | undefined;

/** What signed-request authentication needs to know of a partner: its secret. */
export interface SigningCredentials {
  /** The partner secret that keys `HASH` and the body `hash`. */
  secret: string;
}

/** What Kyren authentication needs to know of a partner: its Kyren token, if Kyren is on. */
export interface KyrenCredentials {
  /** The partner's Kyren token; Kyren calls are refused when undefined. */
  kyrenToken?: string | undefined;
}

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
 * const secrets = new Map([["demo", { secret: "sandbox-secret" }]]);
 * const result = authenticateSignedRequest({ rawBody, MEMB_ID, HASH, withBodyHash: true }, (id) => secrets.get(id));
 * if (!result.ok) answer 401 G.00 (or 400 for a malformed body)
 * ```
 *
 * @param request the raw parts of the request
 * @param findPartner the partner of a `MEMB_ID` (anything with its `secret`), undefined when unknown
 * @returns the partner found, or why the request is refused; never throws
 */
export function authenticateSignedRequest<Partner extends SigningCredentials>(request: SignedRequestParts, findPartner: PartnerLookup<Partner>): Authentication<Partner> {
  if (!request.MEMB_ID) return { ok: false, kind: "unauthenticated", reason: "MEMB_ID is missing" };
  const partner = findPartner(request.MEMB_ID);
  if (partner === undefined) return { ok: false, kind: "unauthenticated", reason: "MEMB_ID names no known partner" };
  const verified = verifySignedRequest(request.rawBody, request.HASH, partner.secret, request.withBodyHash);
  return verified.ok ? { ok: true, memberId: request.MEMB_ID, partner } : verified;
}

/**
 * Authenticates Kyren CloseSession by `secureLogin` (the partner id) and `token` in the
 * parsed body, with a timing-safe comparison of the token.
 *
 * @param body the parsed JSON body (any shape)
 * @param findPartner the partner of a `secureLogin` (anything with its `kyrenToken`), undefined when unknown
 * @returns the partner found, or why the request is refused; never throws
 */
export function authenticateKyrenRequest<Partner extends KyrenCredentials>(body: unknown, findPartner: PartnerLookup<Partner>): Authentication<Partner> {
  const { secureLogin, token } = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
  if (typeof secureLogin !== "string" || typeof token !== "string") {
    return { ok: false, kind: "unauthenticated", reason: "secureLogin and token are required strings" };
  }
  const partner = findPartner(secureLogin);
  if (partner?.kyrenToken === undefined || !safeEqual(partner.kyrenToken, token)) {
    return { ok: false, kind: "unauthenticated", reason: "secureLogin and token do not match a partner" };
  }
  return { ok: true, memberId: secureLogin, partner };
}
