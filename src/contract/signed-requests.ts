/**
 * Turning a case's body into the request that is sent: serialise once, sign with
 * `src/signing.ts` (body `hash`, then `HASH` over the exact bytes; signing guide steps 1
 * to 3), always as the last step after any mutation. Kyren bodies carry their
 * credentials inside and are only serialised.
 */
import type { OperationFacts } from "../codegen/spec.js";
import { bodyHash, requestSignature, signRequest, type JsonObject } from "../signing.js";

/** A request body as the cases build and mutate it. */
export type Body = Record<string, any>;

/** The partner that signs the requests (MEMB_ID + secret, and the Kyren token). */
export interface Credentials {
  memberId: string;
  secret: string;
  kyrenToken: string;
}

/** One HTTP request, ready to send to `<base URL><path>?<query>` with method POST. */
export interface CaseRequest {
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  /** The body bytes exactly as signed, UTF-8. */
  body: string;
  /** Announce the whole body in Content-Length but send only its first half, then wait (408). */
  incompleteBody?: true;
}

/** What a case sends: `setup` first, in order (each must answer 200), then `request`. */
export interface CaseRequests {
  setup: CaseRequest[];
  request: CaseRequest;
  /** The response must repeat the body of the last setup response (an idempotent replay). */
  replaysSetup?: true;
}

/** How `signed` departs from a correct signature, to provoke a status. */
export interface SignOptions {
  /** The Content-Type header (default `application/json`); null sends none. */
  contentType?: string | null;
  /** Key the `HASH` with this instead of the partner secret (a wrong signature). */
  hashSecret?: string;
  /** Compute the body `hash` with this instead of the partner secret (a wrong body hash). */
  bodyHashSecret?: string;
  /** Pad the serialised body with trailing white space (valid JSON) to exactly this many bytes. */
  padToBytes?: number;
}

function padded(rawBody: string, bytes: number | undefined): string {
  if (bytes === undefined) return rawBody;
  const missing = bytes - Buffer.byteLength(rawBody, "utf8");
  if (missing < 0) throw new Error(`the body is already ${Buffer.byteLength(rawBody, "utf8")} bytes, over ${bytes}`);
  return rawBody + " ".repeat(missing);
}

/**
 * Serialises and signs a body (operations with `MEMB_ID` + `HASH`; source: the spec's
 * security requirements), or only serialises it (Kyren).
 *
 * @throws Error when `padToBytes` is smaller than the body
 * @throws SigningError when a signed body has a top-level object or array
 */
export function signed(operation: OperationFacts, body: Body, credentials: Credentials, options: SignOptions = {}): CaseRequest {
  const contentType = options.contentType === undefined ? "application/json" : options.contentType;
  const headers: Record<string, string> = contentType === null ? {} : { "Content-Type": contentType };
  if (!operation.signedWithHash) return { path: operation.path, query: {}, headers, body: padded(JSON.stringify(body), options.padToBytes) };
  let rawBody: string;
  if (options.bodyHashSecret !== undefined) {
    rawBody = JSON.stringify({ ...body, hash: bodyHash(body as JsonObject, options.bodyHashSecret) });
  } else {
    rawBody = signRequest(body as JsonObject, credentials.secret, operation.bodyHash).rawBody;
  }
  rawBody = padded(rawBody, options.padToBytes);
  const HASH = requestSignature(rawBody, options.hashSecret ?? credentials.secret);
  return { path: operation.path, query: { MEMB_ID: credentials.memberId, HASH }, headers, body: rawBody };
}

/** A raw (possibly non-JSON) body with a valid `HASH` over its bytes. */
export function signedRaw(operation: OperationFacts, rawBody: string, credentials: Credentials): CaseRequest {
  const headers = { "Content-Type": "application/json" };
  if (!operation.signedWithHash) return { path: operation.path, query: {}, headers, body: rawBody };
  return { path: operation.path, query: { MEMB_ID: credentials.memberId, HASH: requestSignature(rawBody, credentials.secret) }, headers, body: rawBody };
}
