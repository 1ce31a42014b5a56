/**
 * Authentication of incoming calls, as the spec's signing guide prescribes ("Verifying
 * (receivers)") and in step 3 of the spec's "Order of checks": the partner by `MEMB_ID`,
 * `HASH` over the raw bytes, then the body `hash`; or Kyren's `secureLogin` + `token`;
 * then freshness, the body's `timestamp` against the receiver's clock. Each function
 * looks the partner up once and returns it. Exported for operators who receive the
 * session expired callback in TypeScript; the reference server and the operator receiver
 * use it too.
 *
 * The `reason` of a failure is precise (which check failed). Outside a sandbox, do not
 * tell the caller the reason of an `unauthenticated` failure: answer every one with the
 * same message, so that partner ids cannot be probed.
 *
 * Cost: a partner's secrets are imported as HMAC keys once (`signing-keys.ts`), and a
 * body that the caller has parsed already (`SignedRequestParts.body`) is not parsed again.
 */
import {
  MAX_SECRETS,
  parseObject,
  safeEqual,
  secretList,
  verifyBodyHash,
  type ParsedBody,
  type Secrets,
  type VerificationResult,
} from "./signing.js";
import { diagnoseSignature, type DiagnosisScope, type SignatureDiagnosis } from "./signature-diagnosis.js";
import { candidateKeys, paddedTokens, type SigningKey } from "./signing-keys.js";

/**
 * What authentication decided: the partner it found, or why not. `kind` maps to the
 * catalog: unauthenticated 401 `G.00`, expired 401 `G.04` (a `timestamp` outside the
 * tolerance, or none where one is required), malformed-body 400 `V.01`, unsignable-body
 * 400 `V.02`. A wrong `HASH` or body `hash` of a known partner carries a `diagnosis`:
 * the usual signing mistake that reproduces it, if any (see `signature-diagnosis.ts`).
 */
export type Authentication<Partner> =
  | { ok: true; memberId: string; partner: Partner }
  | { ok: false; kind: AuthenticationFailureKind; reason: string; diagnosis?: SignatureDiagnosis };

/** Why a request was refused; see `Authentication`. */
export type AuthenticationFailureKind = "unauthenticated" | "expired" | "malformed-body" | "unsignable-body";

/** The tolerance of the freshness check when none is given, seconds (spec: `Timestamp`). */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/**
 * How the freshness check is made (spec: `Timestamp`, and the signing guide's
 * "Verifying (receivers)" step 4).
 */
export interface FreshnessOptions {
  /** The receiver's clock, epoch milliseconds. Default `Date.now`. */
  now?: () => number;
  /** Largest accepted distance between `timestamp` and now, in either direction, seconds. Default 300. */
  toleranceSeconds?: number;
  /**
   * Refuse a body without `timestamp` (`expired`). Default false. A partner's own
   * `requireTimestamp`, when it is a boolean, wins over this.
   */
  requireTimestamp?: boolean;
}

/**
 * The freshness check of a parsed body: a `timestamp` further than the tolerance from
 * the clock, or none where one is required, is `expired`. A `timestamp` that is not a
 * number is left to the schema (400 `V.02`).
 *
 * @returns the failure, or undefined when the body is fresh enough
 */
export function checkFreshness(
  body: unknown,
  required: boolean,
  options: FreshnessOptions = {},
): { ok: false; kind: "expired"; reason: string } | undefined {
  const timestamp = typeof body === "object" && body !== null ? (body as Record<string, unknown>).timestamp : undefined;
  if (timestamp === undefined || timestamp === null)
    return required ? { ok: false, kind: "expired", reason: "timestamp is required for this partner" } : undefined;
  if (typeof timestamp !== "number" || !Number.isFinite(timestamp)) return undefined;
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const nowSeconds = Math.floor((options.now ?? Date.now)() / 1000);
  const skew = nowSeconds - timestamp;
  if (Math.abs(skew) <= tolerance) return undefined;
  const where = skew > 0 ? "behind" : "ahead of";
  const milliseconds =
    Math.abs(nowSeconds - timestamp / 1000) <= tolerance ? " (it looks like milliseconds: send Unix time in seconds)" : "";
  return {
    ok: false,
    kind: "expired",
    reason: `timestamp ${timestamp} is ${Math.abs(skew)} s ${where} the receiver's clock; the tolerance is ${tolerance} s${milliseconds}`,
  };
}

/** Finds a partner by its id (`MEMB_ID`, or Kyren's `secureLogin`); undefined when unknown. */
export type PartnerLookup<Partner> = (memberId: string) => Partner | undefined;

/** What signed-request authentication needs to know of a partner: its secret or secrets. */
export interface SigningCredentials {
  /**
   * The partner secret that keys `HASH` and the body `hash`; while it is rotated, both, the
   * newest first: a request signed with either is accepted.
   */
  secret: Secrets;
  /** Whether this partner must send `timestamp`; when absent, the options decide. */
  requireTimestamp?: boolean | undefined;
}

/** What Kyren authentication needs to know of a partner: its Kyren token(s), if Kyren is on. */
export interface KyrenCredentials {
  /** The partner's Kyren token, or while it is rotated both, newest first; Kyren calls are refused when undefined. */
  kyrenToken?: Secrets | undefined;
  /** Whether this partner must send `timestamp`; when absent, the options decide. */
  requireTimestamp?: boolean | undefined;
}

/** The parts of a signed request that authentication reads. */
export interface SignedRequestParts {
  /** The body bytes exactly as received. */
  rawBody: Uint8Array;
  /** The `MEMB_ID` query parameter, if any; a list when it was given more than once (refused). */
  MEMB_ID: string | readonly string[] | undefined;
  /** The `HASH` query parameter, if any; a list when it was given more than once (refused). */
  HASH: string | readonly string[] | undefined;
  /** True when the operation's body carries `hash` (closeSession, sessionExpired). */
  withBodyHash: boolean;
  /**
   * `parseObject(rawBody)`, when the caller has parsed the body already (a server's
   * content-type parser), so that it is not parsed twice; parsed here when absent. It
   * must be the parse of exactly `rawBody`, before anything (schema defaults) changed it.
   */
  body?: ParsedBody;
}

/** Options of `authenticateSignedRequest`: freshness, and the diagnosis of a wrong signature. */
export interface SignedRequestOptions extends FreshnessOptions {
  /**
   * Which usual signing mistakes to look for when `HASH` or the body `hash` of a known
   * partner does not match: `with-secret` (default; a recognised mistake proves that the
   * caller holds the secret, so its hint may be shown in production), `all` (also an MD5
   * or SHA-256 of the body alone, which needs no secret: sandbox only, since naming it
   * would reveal that the partner exists), or `false` (none).
   */
  diagnose?: DiagnosisScope | false;
}

/**
 * Authenticates a request signed with `MEMB_ID` + `HASH` (and the body `hash`), then
 * checks its freshness: the partner, `HASH` over the raw bytes, the JSON object, the
 * body `hash`, then `timestamp` against `options.now` (signing guide, "Verifying
 * (receivers)", steps 1 to 4). When `HASH` or the body `hash` of a known partner does not
 * match, the failure carries a `diagnosis` (unless `options.diagnose` is false): its
 * `hint` names the usual mistake that reproduces the value received, if one does; it
 * never holds the expected signature. An unknown `MEMB_ID` goes through the same checks
 * against a decoy secret, so that the time to refuse it does not reveal which partner
 * ids exist.
 *
 * ```ts
 * const secrets = new Map([["demo", { secret: "sandbox-secret" }]]);
 * const result = authenticateSignedRequest({ rawBody, MEMB_ID, HASH, withBodyHash: true }, (id) => secrets.get(id), { toleranceSeconds: 300 });
 * if (!result.ok) answer 401 G.00 (unauthenticated, one message for all, or result.diagnosis?.hint), 401 G.04 (expired) or 400 (a malformed body)
 * ```
 *
 * @param request the raw parts of the request
 * @param findPartner the partner of a `MEMB_ID` (anything with its `secret`), undefined when unknown
 * @param options the clock, the tolerance (default 300 s), whether `timestamp` is required, and the diagnosis scope
 * @returns the partner found, or why the request is refused; never throws
 */
export function authenticateSignedRequest<Partner extends SigningCredentials>(
  request: SignedRequestParts,
  findPartner: PartnerLookup<Partner>,
  options: SignedRequestOptions = {},
): Authentication<Partner> {
  // A query parameter given twice reaches here as a list (Fastify, Express): not a signature.
  for (const name of ["MEMB_ID", "HASH"] as const) {
    if (request[name] !== undefined && typeof request[name] !== "string")
      return { ok: false, kind: "unauthenticated", reason: `${name} is given more than once` };
  }
  const signed = request as SignedRequestParts & { MEMB_ID: string | undefined; HASH: string | undefined };
  if (!signed.MEMB_ID) return { ok: false, kind: "unauthenticated", reason: "MEMB_ID is missing" };
  const partner = findPartner(signed.MEMB_ID);
  // An unknown MEMB_ID goes through the same work against secrets nobody holds, and its
  // result is dropped: it takes as long to refuse as a known one with a wrong HASH, so the
  // answer's timing does not tell which partner ids exist either.
  const candidates = candidateKeys(partner);
  const matchedIndex = matchingCandidate(candidates, request.rawBody, signed.HASH);
  // Only a body whose HASH matched is read (parsed once): the body hash and the timestamp are in it.
  const body = matchedIndex < 0 ? undefined : (request.body ?? parseObject(request.rawBody));
  const verified = checkSignature(signed, candidates, matchedIndex, body, options);
  if (partner === undefined) return { ok: false, kind: "unauthenticated", reason: "MEMB_ID names no known partner" };
  if (!verified.ok) return verified;
  if (!body!.ok) return body!;
  return (
    checkFreshness(body!.value, partner.requireTimestamp ?? options.requireTimestamp ?? false, options) ?? {
      ok: true,
      memberId: signed.MEMB_ID,
      partner,
    }
  );
}

/**
 * The index of the first candidate whose `HASH` over `rawBody` is `HASH`, or -1 (always
 * -1 without a `HASH`). A request that matches none is checked against every candidate,
 * decoys included, so the time to refuse it is the same for every partner id; one that
 * matches stops there, as only a holder of that secret can send it.
 */
function matchingCandidate(candidates: readonly SigningKey[], rawBody: Uint8Array, HASH: string | undefined): number {
  if (HASH === undefined) return -1;
  for (let index = 0; index < candidates.length; index++) {
    if (safeEqual(candidates[index]!.signature(rawBody), HASH)) return index;
  }
  return -1;
}

/**
 * The verdict on a signature once `HASH` was compared with each candidate: the body
 * `hash` under the secret whose `HASH` matched (`matchedIndex`), or the failure of `HASH`.
 * A wrong signature gets its diagnosis: against the secret that matched, or, when none
 * did, against each candidate until one names the mistake (the caller may still sign with
 * the older secret of a rotation).
 *
 * @returns ok, or the failure (with its `diagnosis` when the options allow one)
 */
function checkSignature(
  request: SignedRequestParts & { HASH: string | undefined },
  candidates: readonly SigningKey[],
  matchedIndex: number,
  body: ParsedBody | undefined,
  options: SignedRequestOptions,
): { ok: true } | Extract<Authentication<never>, { ok: false }> {
  let verified: VerificationResult;
  if (!request.HASH) verified = { ok: false, kind: "unauthenticated", reason: "HASH is missing" };
  else if (matchedIndex < 0) verified = { ok: false, kind: "unauthenticated", reason: "HASH does not match the request body" };
  else verified = request.withBodyHash ? verifyBodyHash(request.rawBody, candidates[matchedIndex]!.secret, body) : { ok: true };
  if (verified.ok) return verified;
  const scope = options.diagnose ?? "with-secret";
  if (verified.kind !== "unauthenticated" || !request.HASH || !scope) return verified;
  let diagnosis: SignatureDiagnosis | undefined;
  // With no match, every candidate is diagnosed, decoys included, unless a real secret
  // names the mistake: the time taken does not tell a known partner from an unknown one.
  for (const { secret } of matchedIndex < 0 ? candidates : [candidates[matchedIndex]!]) {
    const found = diagnoseSignature({ rawBody: request.rawBody, withBodyHash: request.withBodyHash, HASH: request.HASH, secret }, scope);
    diagnosis ??= found;
    if (found?.hint) {
      diagnosis = found;
      break;
    }
  }
  return diagnosis ? { ...verified, diagnosis } : verified;
}

/**
 * Authenticates Kyren CloseSession by `secureLogin` (the partner id) and `token` in the
 * parsed body, with a timing-safe comparison of the token.
 *
 * Then checks freshness as `authenticateSignedRequest` does. Kyren's `timestamp` is not
 * signed: a captured request holds the token, so its holder can send it again with a new
 * `timestamp`; the check only refuses a stale request resent as it was.
 *
 * @param body the parsed JSON body (any shape)
 * @param findPartner the partner of a `secureLogin` (anything with its `kyrenToken`), undefined when unknown
 * @param options the clock, the tolerance (default 300 s) and whether `timestamp` is required
 * @returns the partner found, or why the request is refused; never throws
 */
export function authenticateKyrenRequest<Partner extends KyrenCredentials>(
  body: unknown,
  findPartner: PartnerLookup<Partner>,
  options: FreshnessOptions = {},
): Authentication<Partner> {
  const { secureLogin, token } = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
  if (typeof secureLogin !== "string" || typeof token !== "string") {
    return { ok: false, kind: "unauthenticated", reason: "secureLogin and token are required strings" };
  }
  const partner = findPartner(secureLogin);
  // Every token is compared, decoys filling in, so the time taken tells nothing of the partner.
  const tokens = paddedTokens(partner?.kyrenToken === undefined ? [] : secretList(partner.kyrenToken));
  const matches = tokens.map((candidate) => safeEqual(candidate, token));
  const known = partner?.kyrenToken === undefined ? 0 : Math.min(MAX_SECRETS, secretList(partner.kyrenToken).length);
  if (partner === undefined || !matches.slice(0, known).includes(true)) {
    return { ok: false, kind: "unauthenticated", reason: "secureLogin and token do not match a partner" };
  }
  return (
    checkFreshness(body, partner.requireTimestamp ?? options.requireTimestamp ?? false, options) ?? {
      ok: true,
      memberId: secureLogin,
      partner,
    }
  );
}
