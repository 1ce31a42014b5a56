/**
 * Entry point of `@luckymonaco/session-api-client`, the package partners install: the
 * typed client that signs every request (`createSessionApiClient`, `signingMiddleware`),
 * the signing functions of the spec's "Request signing" section (`signRequest`,
 * `requestSignature`, `bodyHash`, `canonicalString`, `verifySignedRequest`, `safeEqual`,
 * `SigningError`), the receiver-side checks for operators who receive the session expired
 * callback (`authenticateSignedRequest`, `authenticateKyrenRequest`, `checkFreshness`,
 * and the dedupe rule `sessionExpiredDedupeKey`), and the generated types of the spec
 * (`paths`, `components`, `operations`).
 *
 * The code lives once, in `src/` (what `src/index.ts` exports and imports) and
 * `generated/`, which the reference server, the CLI and the tests use too; the list of
 * what is public is `src/index.ts`, re-exported here. `npm run -s pack:client` compiles it
 * to ESM JavaScript with `.d.ts` files (`../pack.ts`); in this repository the root
 * `tsconfig.json` maps the package name to this file, so the docs' TypeScript samples run
 * from a checkout with no build step.
 */
export * from "../../../src/index.js";
