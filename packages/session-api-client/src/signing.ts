/**
 * Request signing of the Lucky Monaco session API: the pure functions behind the
 * `HASH` query parameter and the body `hash` field.
 *
 * Source of truth: the "Request signing" section of the spec
 * (`openapi/docs/signing.md`), checked against `openapi/docs/signing-test-vectors.json`.
 * No I/O here; every function is deterministic.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";

/** A top-level JSON body as the signer sees it (field name to JSON value). */
export type JsonObject = Record<string, unknown>;

/**
 * Thrown when a body cannot be signed: a top-level value is an object or an array,
 * or the body itself is not a JSON object. The spec says a signer must refuse such a
 * body rather than guess (signing guide, step 1.3).
 */
export class SigningError extends TypeError {
  override name = "SigningError";
}

/**
 * The code points of a string, as its UTF-8 encoding sees them: a lone surrogate (which a
 * JSON `\ud800` escape can produce) counts as U+FFFD, the character a UTF-8 encoder
 * writes in its place.
 */
function utf8CodePoints(text: string): number[] {
  const points: number[] = [];
  for (const character of text) {
    const point = character.codePointAt(0)!;
    points.push(point >= 0xd800 && point <= 0xdfff ? 0xfffd : point);
  }
  return points;
}

/**
 * Compares two strings by the bytes of their UTF-8 encoding, like `strcmp`. UTF-8 keeps
 * the order of code points (and no encoded code point is a prefix of another), so this
 * compares code point by code point instead of encoding. It is plain JavaScript, with no
 * `Buffer` or `TextEncoder`, so the same canonical string is built in Node, in the docs'
 * signing playground and in the Postman collection's pre-request script, which bundle
 * `canonicalString` from this file.
 */
function byUtf8Bytes(a: string, b: string): number {
  const x = utf8CodePoints(a);
  const y = utf8CodePoints(b);
  for (let i = 0; i < x.length && i < y.length; i++) {
    if (x[i] !== y[i]) return x[i]! - y[i]!;
  }
  return x.length - y.length;
}

function canonicalValue(key: string, value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return JSON.stringify(value);
  throw new SigningError(`cannot sign field "${key}": its value is ${Array.isArray(value) ? "an array" : typeof value}`);
}

/**
 * The fields of the canonical string of a body, in its order (signing guide, step 1.1
 * to 1.3): every top-level field except `hash` whose value is present and not null,
 * sorted by key in ascending UTF-8 byte order, each as `[key, value]` with the value
 * written as the canonical string writes it (strings as they are, numbers and booleans
 * in their JSON form). For code that builds variants of the canonical string (the
 * server's signature diagnosis); signers call `canonicalString`.
 *
 * @param fields the decoded top-level body fields (with or without `hash`)
 * @returns `[key, written value]` pairs in canonical order
 * @throws SigningError if a value is an object or an array
 */
export function canonicalEntries(fields: JsonObject): Array<[key: string, value: string]> {
  return Object.keys(fields)
    .filter((key) => key !== "hash" && fields[key] !== undefined && fields[key] !== null)
    .sort(byUtf8Bytes)
    .map((key) => [key, canonicalValue(key, fields[key])]);
}

/**
 * Builds the canonical string of a body (signing guide, step 1.1 to 1.3): every
 * top-level field except `hash` whose value is present and not null, sorted by key in
 * ascending UTF-8 byte order, written `key=value` and joined with `&`. Strings are
 * used as they are (no URL-encoding); numbers and booleans in their JSON form.
 *
 * @param fields the decoded top-level body fields (with or without `hash`)
 * @returns the canonical string, without the secret
 * @throws SigningError if a value is an object or an array
 */
export function canonicalString(fields: JsonObject): string {
  return canonicalEntries(fields)
    .map(([key, value]) => `${key}=${value}`)
    .join("&");
}

/**
 * Computes the body `hash` (signing guide, step 1): the lowercase hex MD5 of the UTF-8
 * bytes of `canonicalString(fields) + secret`.
 *
 * @param fields the decoded top-level body fields; an existing `hash` is ignored
 * @param secret the partner secret
 * @returns 32 lowercase hex characters
 * @throws SigningError if a value is an object or an array
 */
export function bodyHash(fields: JsonObject, secret: string): string {
  return createHash("md5")
    .update(canonicalString(fields) + secret, "utf8")
    .digest("hex");
}

/**
 * Computes the `HASH` query parameter (signing guide, step 3): the lowercase hex
 * HMAC-SHA256 of the exact body bytes, keyed with the secret as UTF-8.
 *
 * @param rawBody the body exactly as sent; a string is taken as its UTF-8 bytes
 * @param secret the partner secret
 * @returns 64 lowercase hex characters
 */
export function requestSignature(rawBody: string | Uint8Array, secret: string): string {
  const hmac = createHmac("sha256", Buffer.from(secret, "utf8"));
  hmac.update(typeof rawBody === "string" ? Buffer.from(rawBody, "utf8") : rawBody);
  return hmac.digest("hex");
}

/** A signed request body, ready to send. */
export interface SignedRequest {
  /** The body to send, exactly these UTF-8 bytes: compact JSON, with `hash` last when added. */
  rawBody: string;
  /** The body `hash` that was put into the body, or `undefined` when none was asked for. */
  hash: string | undefined;
  /** The value of the `HASH` query parameter, computed over `rawBody`. */
  HASH: string;
}

/**
 * Signs a body in the order the spec prescribes: the body `hash` first (when
 * `withBodyHash`), then one compact JSON serialisation, then `HASH` over those bytes.
 * A `hash` already in `fields` is replaced.
 *
 * @param fields the body without its `hash`
 * @param secret the partner secret
 * @param withBodyHash true for operations whose body carries `hash` (closeSession, sessionExpired)
 * @throws SigningError if `withBodyHash` and a top-level value is an object or an array
 */
export function signRequest(fields: JsonObject, secret: string, withBodyHash: boolean): SignedRequest {
  const { hash: _ignored, ...rest } = fields;
  const hash = withBodyHash ? bodyHash(rest, secret) : undefined;
  const rawBody = JSON.stringify(hash === undefined ? rest : { ...rest, hash });
  return { rawBody, hash, HASH: requestSignature(rawBody, secret) };
}

/** Timing-safe equality of two strings (compared as UTF-8 bytes); false when the lengths differ. */
export function safeEqual(expected: string, received: string): boolean {
  const a = Buffer.from(expected, "utf8");
  const b = Buffer.from(received, "utf8");
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Outcome of `verifySignedRequest`. `unauthenticated` maps to 401 `G.00`;
 * `malformed-body` (not a JSON object) to 400 `V.01`; `unsignable-body` (a top-level
 * object or array, which the canonical string cannot hold) to 400 `V.02`.
 */
export type VerificationResult =
  | { ok: true }
  | { ok: false; kind: "unauthenticated" | "malformed-body" | "unsignable-body"; reason: string };

/**
 * Decodes UTF-8 strictly: a byte sequence that is not UTF-8 throws instead of becoming
 * U+FFFD. Made on first use, not at load: this module is also bundled into the Postman
 * collection's pre-request script, whose sandbox has no `TextDecoder` and never verifies.
 */
let strictUtf8: TextDecoder | undefined;

/** What `parseObject` found in a body: a JSON object, or why not (400 `V.01`). */
export type ParsedBody = { ok: true; value: JsonObject } | { ok: false; kind: "malformed-body"; reason: string };

/**
 * The body as a JSON object in UTF-8 (RFC 8259; the spec's conventions), or why not.
 * The one body parser of the receivers: the servers' content-type parser, verification
 * of the body `hash` and authentication all take its result, so a body is parsed once.
 *
 * @param rawBody the body bytes exactly as received
 * @returns the parsed object, or `malformed-body` with the reason (not UTF-8, empty, not
 *   JSON, not an object); never throws
 */
export function parseObject(rawBody: Uint8Array): ParsedBody {
  let text: string;
  try {
    strictUtf8 ??= new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
    text = strictUtf8.decode(rawBody);
  } catch {
    return { ok: false, kind: "malformed-body", reason: "the body is not valid UTF-8" };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, kind: "malformed-body", reason: rawBody.length === 0 ? "the body is empty" : "the body is not valid JSON" };
  }
  if (typeof value === "object" && value !== null && !Array.isArray(value)) return { ok: true, value: value as JsonObject };
  return { ok: false, kind: "malformed-body", reason: "the body is not a JSON object" };
}

/**
 * Verifies a signed request as a receiver must (signing guide, "Verifying"): `HASH`
 * over the raw bytes first, then, when `withBodyHash`, the body `hash` over the parsed
 * top-level fields, both with a timing-safe comparison.
 *
 * A body that is not a JSON object but carries a valid `HASH` is reported as
 * `malformed-body`, not as unauthenticated: the sender is known, the body is broken.
 *
 * @param rawBody the body bytes exactly as received
 * @param HASH the received `HASH` query parameter (undefined when absent)
 * @param secret the secret of the partner named by `MEMB_ID`
 * @param withBodyHash true for closeSession and sessionExpired
 * @returns `{ ok: true }` or the kind of failure with a reason for the error message; never throws
 */
export function verifySignedRequest(
  rawBody: Uint8Array,
  HASH: string | undefined,
  secret: string,
  withBodyHash: boolean,
): VerificationResult {
  if (!HASH) return { ok: false, kind: "unauthenticated", reason: "HASH is missing" };
  if (!safeEqual(requestSignature(rawBody, secret), HASH)) {
    return { ok: false, kind: "unauthenticated", reason: "HASH does not match the request body" };
  }
  return withBodyHash ? verifyBodyHash(rawBody, secret) : { ok: true };
}

/**
 * The second step of `verifySignedRequest`, for a caller that has already matched `HASH`:
 * the body `hash` over the parsed top-level fields, with a timing-safe comparison.
 *
 * @param rawBody the body bytes exactly as received
 * @param secret the secret whose `HASH` matched
 * @param parsed `parseObject(rawBody)`, when the caller has it already (it is computed otherwise)
 * @returns ok, or unauthenticated (no or a wrong `hash`), malformed-body (not UTF-8, not a
 *   JSON object) or unsignable-body (a value that has no canonical form)
 */
export function verifyBodyHash(rawBody: Uint8Array, secret: string, parsed: ParsedBody = parseObject(rawBody)): VerificationResult {
  if (!parsed.ok) return parsed;
  const fields = parsed.value;
  const received = fields.hash;
  if (typeof received !== "string") return { ok: false, kind: "unauthenticated", reason: "the body hash is missing" };
  let expected: string;
  try {
    expected = bodyHash(fields, secret);
  } catch (error) {
    return { ok: false, kind: "unsignable-body", reason: (error as Error).message };
  }
  return safeEqual(expected, received)
    ? { ok: true }
    : { ok: false, kind: "unauthenticated", reason: "the body hash does not match the body" };
}

/**
 * Most secrets (or Kyren tokens) a partner may have at once: the new and the old one
 * while a secret is rotated (signing guide, "Rotating a secret").
 */
export const MAX_SECRETS = 2;

/** A secret, or during a rotation the secrets accepted, newest first (at most `MAX_SECRETS`). */
export type Secrets = string | readonly string[];

/** `secrets` as a list, newest first. */
export function secretList(secrets: Secrets): readonly string[] {
  return typeof secrets === "string" ? [secrets] : secrets;
}

/** The secret that signs what this side sends (callbacks): the newest. */
export function signingSecret(secrets: Secrets): string {
  const newest = secretList(secrets)[0];
  if (newest === undefined) throw new Error("a partner needs at least one secret");
  return newest;
}
