/**
 * `@luckymonaco/session-api-client`: the typed, signing client of the Lucky Monaco session
 * API, the signing functions, the receiver-side authentication of the session expired
 * callback with its dedupe rule, one shape for the three failure envelopes, and the
 * generated types of the spec, and the deadline the client's timeout is made of
 * (`withDeadline`). `@luckymonaco/session-api-client/signing` is the signing rule alone,
 * with nothing generated from the spec.
 */
export { createSessionApiClient, signingMiddleware, type SessionApiClientOptions, type UnsignedPaths } from "./client.js";
export {
  bodyHash,
  canonicalString,
  requestSignature,
  safeEqual,
  signRequest,
  SigningError,
  verifyBodyHash,
  verifySignedRequest,
  canonicalEntries,
  secretList,
  MAX_SECRETS,
  signingSecret,
  parseObject,
  type JsonObject,
  type ParsedBody,
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
} from "./authenticate.js";
export { sessionExpiredDedupeKey, type DedupedCallbackBody } from "./callback-dedupe.js";
export { failureOf, type Failure } from "./failure-of.js";
export { withDeadline, type DeadlineOptions } from "./deadline.js";
export type { DiagnosisScope, SignatureDiagnosis } from "./signature-diagnosis.js";
export type { components, operations, paths } from "../../../generated/schema.js";
