/**
 * Public entry point of `@luckymonaco/session-api`: the typed, signing client, the
 * signing functions, the receiver-side authentication helpers (for operators who receive
 * the session expired callback, and its dedupe rule) and the generated types of the spec.
 */
export { createSessionApiClient, signingMiddleware, type SessionApiClientOptions, type UnsignedPaths } from "./client.js";
export {
  bodyHash,
  canonicalString,
  requestSignature,
  safeEqual,
  signRequest,
  SigningError,
  verifySignedRequest,
  MAX_SECRETS,
  signingSecret,
  type JsonObject,
  type Secrets,
  type SignedRequest,
  type VerificationResult,
} from "./signing.js";
export {
  authenticateKyrenRequest,
  authenticateSignedRequest,
  checkFreshness,
  DEFAULT_TOLERANCE_SECONDS,
  type Authentication,
  type AuthenticationFailureKind,
  type FreshnessOptions,
  type KyrenCredentials,
  type PartnerLookup,
  type SignedRequestOptions,
  type SignedRequestParts,
  type SigningCredentials,
} from "./http/authenticate.js";
export { sessionExpiredDedupeKey, type DedupedCallbackBody } from "./callback-dedupe.js";
export { failureOf, type Failure } from "./failure-of.js";
export type { DiagnosisScope, SignatureDiagnosis } from "./http/signature-diagnosis.js";
export type { components, operations, paths } from "../generated/schema.js";
