/**
 * Turning a body into the request that is sent: serialise once, sign with
 * the client package's signing (body `hash`, then `HASH` over the exact bytes; signing guide steps 1
 * to 3), always as the last step after any mutation. Kyren bodies carry their
 * credentials inside and are only serialised.
 *
 * Every request remembers how its signatures were made (`RequestSigning`), so that a
 * reproduction (`reproduce.ts`) can recompute them in the shell from the partner secret
 * instead of printing a `HASH`, a body `hash` or a Kyren token.
 */
import type { OperationFacts } from "../shared/spec-types.js";
import { bodyHash, canonicalString, requestSignature, type JsonObject } from "@luckymonaco/session-api-client";
import type { SignatureVariant } from "./signature-variants.js";

/** A request body as the cases build and mutate it. */
export type Body = Record<string, any>;

/** The partner that signs the requests (MEMB_ID + secret, and the Kyren token). */
export interface Credentials {
  memberId: string;
  secret: string;
  kyrenToken: string;
}

/** Which key made a signature: the partner secret, or a deliberately wrong one (`<secret>-not-the-secret`). */
export type SigningKey = "secret" | "wrong-secret";

/** How the signatures of a request were made (what `reproduce.ts` recomputes). */
export interface RequestSigning {
  /** `HASH` is the HMAC-SHA256 of `over` (default: the body sent) keyed with `key`, then spoiled by `variant` if any. */
  HASH?: { key: SigningKey; over?: string; variant?: SignatureVariant };
  /** The body carries `hash` = MD5 of `canonical` + `key` (spoiled by `variant` if any); `value` is what sits in the bytes. */
  bodyHash?: { key: SigningKey; canonical: string; value: string; variant?: SignatureVariant };
  /** The `timestamp` the body carries, for a reproduction that may refresh it. */
  timestamp?: number;
  /** Kyren: the partner's token, when the body's `token` is it, a wrong one that starts with it, or `kyrenTokenVariant` of it. */
  kyrenToken?: string;
  /** Kyren: the body's `token` is this near miss of `kyrenToken`. */
  kyrenTokenVariant?: SignatureVariant;
}

/** A query value: literal text, or the request's own `MEMB_ID` or `HASH` (for a parameter given twice). */
export type QueryValue = string | { HASH: true } | { MEMB_ID: true };

/** One HTTP request, ready to send to `<base URL><path>?<query>`. */
export interface CaseRequest {
  /** Default POST. */
  method?: string;
  path: string;
  query: Record<string, string>;
  /** The query exactly, in order, when `query` cannot say it (a parameter given twice); `query` still holds the signature. */
  queryPairs?: Array<[name: string, value: QueryValue]>;
  headers: Record<string, string>;
  /** The body bytes exactly as signed, UTF-8. */
  body: string;
  /** The exact body bytes when they are not UTF-8 (`body` then shows them decoded as Latin-1). */
  bodyBytes?: Buffer;
  /** Announce the whole body in Content-Length but send only its first half, then wait (408). */
  incompleteBody?: true;
  /** How its signatures were made; absent when it carries none. */
  signing?: RequestSigning;
}

/** The bytes a request sends as its body. */
export const bodyBytesOf = (request: CaseRequest): Buffer => request.bodyBytes ?? Buffer.from(request.body, "utf8");

/** What a case sends: `setup` first, in order (each must answer 200), then `request`. */
export interface CaseRequests {
  setup: CaseRequest[];
  request: CaseRequest;
  /** The response must repeat the body of the last setup response (an idempotent replay). */
  replaysSetup?: true;
}

/** How `signed` departs from a correct signature, or from compact JSON, to provoke a status. */
export interface SignOptions {
  /** The Content-Type header (default `application/json`); null sends none. */
  contentType?: string | null;
  /** Key `HASH` with a wrong secret (a wrong signature). */
  wrongHashSecret?: true;
  /** Compute the body `hash` with a wrong secret. */
  wrongBodyHashSecret?: true;
  /** Pad the serialised body with trailing white space (valid JSON) to exactly this many bytes. */
  padToBytes?: number;
  /** `MEMB_ID` to send instead of the partner's (an unknown partner); `HASH` stays keyed with the partner secret. */
  memberId?: string;
  /** Leave `HASH` (and `MEMB_ID`) out of the query. */
  unsigned?: true;
  /** Leave only this one of `MEMB_ID` and `HASH` out of the query. */
  omit?: "MEMB_ID" | "HASH";
  /** Send this near miss of the right `HASH`. */
  hashVariant?: SignatureVariant;
  /** Put this near miss of the right body `hash` into the body. */
  bodyHashVariant?: SignatureVariant;
  /** Leave the body `hash` out (`missing`) or make it `null`. */
  bodyHashField?: "missing" | "null";
  /** Kyren: send this near miss of the partner's token as `token`. */
  kyrenTokenVariant?: SignatureVariant;
  /** Serialise the complete body (with its `hash`) this way instead of compact JSON; `HASH` covers the result. */
  serialise?: (body: Body) => string;
  /** Turn the serialised body into other bytes (e.g. not UTF-8); `HASH` covers them. */
  bytes?: (rawBody: string) => Buffer;
  /** The query in this order, placeholders standing for the request's `MEMB_ID` and `HASH` (a parameter given twice). */
  queryPairs?: Array<[name: string, value: QueryValue]>;
}

/** The wrong secret used by the signature cases: the partner secret with a suffix. */
export const wrongSecret = (secret: string) => `${secret}-not-the-secret`;

const keyOf = (key: SigningKey, credentials: Credentials) => (key === "secret" ? credentials.secret : wrongSecret(credentials.secret));

function padded(rawBody: string, bytes: number | undefined): string {
  if (bytes === undefined) return rawBody;
  const missing = bytes - Buffer.byteLength(rawBody, "utf8");
  if (missing < 0) throw new Error(`the body is already ${Buffer.byteLength(rawBody, "utf8")} bytes, over ${bytes}`);
  return rawBody + " ".repeat(missing);
}

/** The top-level fields a body `hash` can cover: objects and arrays cannot be signed (signing guide, step 1.3). */
function signableFields(body: Body): JsonObject {
  return Object.fromEntries(Object.entries(body).filter(([key, value]) => key !== "hash" && (value === null || typeof value !== "object")));
}

/** The signing facts every request of `body` shares: its timestamp and, for Kyren, its token. */
function bodyFacts(body: Body): RequestSigning {
  const facts: RequestSigning = {};
  if (typeof body.timestamp === "number") facts.timestamp = body.timestamp;
  return facts;
}

/**
 * Serialises and signs a body (operations with `MEMB_ID` + `HASH`; source: the spec's
 * security requirements), or only serialises it (Kyren). A body whose top-level values
 * include an object or an array gets a body `hash` over its other fields: no signer can
 * cover them, and a receiver must refuse such a body with 400 `V.02`. The options spoil
 * one thing on purpose, or serialise the body otherwise than as compact JSON.
 *
 * @throws Error when `padToBytes` is smaller than the body
 */
export function signed(operation: OperationFacts, body: Body, credentials: Credentials, options: SignOptions = {}): CaseRequest {
  const contentType = options.contentType === undefined ? "application/json" : options.contentType;
  const headers: Record<string, string> = contentType === null ? {} : { "Content-Type": contentType };
  const serialise = options.serialise ?? ((value: Body) => JSON.stringify(value));
  const { hash: _replaced, ...fields } = body;
  const signing = bodyFacts(fields);
  const finish = (rawBody: string, query: Record<string, string>): CaseRequest => {
    const bytes = options.bytes?.(rawBody);
    const request: CaseRequest = { path: operation.path, query, headers, body: bytes ? bytes.toString("latin1") : rawBody, signing };
    if (bytes) request.bodyBytes = bytes;
    if (options.queryPairs) request.queryPairs = options.queryPairs;
    return request;
  };
  if (!operation.signedWithHash) {
    const kyren: Body = { ...body };
    if (options.kyrenTokenVariant) {
      kyren.token = options.kyrenTokenVariant.apply(credentials.kyrenToken);
      Object.assign(signing, { kyrenToken: credentials.kyrenToken, kyrenTokenVariant: options.kyrenTokenVariant });
    } else if (typeof kyren.token === "string" && kyren.token.startsWith(credentials.kyrenToken)) {
      // The partner's token (a wrong one starts with it), for a reproduction that prints neither.
      signing.kyrenToken = credentials.kyrenToken;
    }
    return finish(padded(serialise(kyren), options.padToBytes), {});
  }
  let complete: Body = fields;
  if (operation.bodyHash && options.bodyHashField !== "missing") {
    const key: SigningKey = options.wrongBodyHashSecret ? "wrong-secret" : "secret";
    const covered = signableFields(fields);
    const right = bodyHash(covered, keyOf(key, credentials));
    const value = options.bodyHashVariant ? options.bodyHashVariant.apply(right) : right;
    if (options.bodyHashField === "null") complete = { ...fields, hash: null };
    else {
      signing.bodyHash = {
        key,
        canonical: canonicalString(covered),
        value,
        ...(options.bodyHashVariant ? { variant: options.bodyHashVariant } : {}),
      };
      complete = { ...fields, hash: value };
    }
  }
  const rawBody = padded(serialise(complete), options.padToBytes);
  if (options.unsigned) return finish(rawBody, {});
  const key: SigningKey = options.wrongHashSecret ? "wrong-secret" : "secret";
  const right = requestSignature(options.bytes?.(rawBody) ?? rawBody, keyOf(key, credentials));
  signing.HASH = { key, ...(options.hashVariant ? { variant: options.hashVariant } : {}) };
  const query: Record<string, string> = {
    MEMB_ID: options.memberId ?? credentials.memberId,
    HASH: options.hashVariant ? options.hashVariant.apply(right) : right,
  };
  if (options.omit) {
    delete query[options.omit];
    if (options.omit === "HASH") delete signing.HASH;
  }
  return finish(rawBody, query);
}

/** A raw (possibly non-JSON) body with a valid `HASH` over its bytes (with `wrongHashSecret`, a wrong one). */
export function signedRaw(
  operation: OperationFacts,
  rawBody: string,
  credentials: Credentials,
  options: Pick<SignOptions, "wrongHashSecret"> = {},
): CaseRequest {
  const headers = { "Content-Type": "application/json" };
  if (!operation.signedWithHash) return { path: operation.path, query: {}, headers, body: rawBody, signing: {} };
  const key: SigningKey = options.wrongHashSecret ? "wrong-secret" : "secret";
  return {
    path: operation.path,
    query: { MEMB_ID: credentials.memberId, HASH: requestSignature(rawBody, keyOf(key, credentials)) },
    headers,
    body: rawBody,
    signing: { HASH: { key } },
  };
}

/**
 * A request signed for `body` whose bytes were then changed by `tamper` (a man in the
 * middle): `HASH` and the body `hash` stay those of the original, so a receiver must
 * answer 401 `G.00`.
 *
 * @param tamper changes the body after signing; it must change the serialised bytes
 * @throws Error when the tampered body serialises to the same bytes
 */
export function tampered(operation: OperationFacts, body: Body, credentials: Credentials, tamper: (body: Body) => void): CaseRequest {
  const original = signed(operation, body, credentials);
  const changed = JSON.parse(original.body) as Body;
  tamper(changed);
  const rawBody = JSON.stringify(changed);
  if (rawBody === original.body) throw new Error("tampering left the body unchanged");
  const signing: RequestSigning = { ...original.signing };
  if (signing.HASH) signing.HASH = { ...signing.HASH, over: original.body };
  return { ...original, body: rawBody, signing };
}
