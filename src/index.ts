/**
 * Public entry point of `@luckymonaco/session-api`: the typed, signing client, the
 * signing functions and the generated types of the spec.
 */
export { createSessionApiClient, signingMiddleware, type SessionApiClientOptions, type UnsignedPaths } from "./client.js";
export {
  bodyHash,
  canonicalString,
  requestSignature,
  safeEqualHex,
  signRequest,
  SigningError,
  verifySignedRequest,
  type JsonObject,
  type SignedRequest,
  type VerificationResult,
} from "./signing.js";
export type { components, operations, paths } from "../generated/schema.js";
