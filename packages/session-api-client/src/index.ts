/**
 * Entry point of `@luckymonaco/session-api-client`, the package partners install: the
 * typed client that signs every request, the signing functions of the spec's "Request
 * signing" section, the receiver-side check of a signed call (for operators who receive
 * the session expired callback), and the generated types of the spec.
 *
 * This file only re-exports: the code lives once, in `src/client.ts`, `src/signing.ts`
 * and `src/http/authenticate.ts` (which the reference server, the CLI and the tests use
 * too), and the types in `generated/`. `npm run -s pack:client` compiles them to ESM
 * JavaScript with `.d.ts` files (packages/session-api-client/pack.ts); in this
 * repository the root `tsconfig.json` maps the package name to this file, so the docs'
 * TypeScript samples run from a checkout with no build step.
 */
export { createSessionApiClient, signingMiddleware, type SessionApiClientOptions, type UnsignedPaths } from "../../../src/client.js";
export {
  bodyHash,
  canonicalString,
  requestSignature,
  safeEqual,
  signRequest,
  SigningError,
  verifySignedRequest,
  type JsonObject,
  type SignedRequest,
  type VerificationResult,
} from "../../../src/signing.js";
export {
  authenticateSignedRequest,
  type Authentication,
  type PartnerLookup,
  type SignedRequestParts,
  type SigningCredentials,
} from "../../../src/http/authenticate.js";
export type { components, operations, paths } from "../../../generated/schema.js";
