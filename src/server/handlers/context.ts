/**
 * What every provider handler receives besides its input (see `ProviderHandlers` in
 * generated/server.ts): the authenticated partner and the services it may use.
 */
import { hash } from "node:crypto";
import type { FastifyBaseLogger } from "fastify";
import type { OperationId } from "../../../generated/operations.js";
import type { Partner } from "../../partners/directory.js";
import type { IdempotencyKey, SessionStore } from "../../store/session-store.js";
import type { LaunchTokens } from "../launch-tokens.js";

/** Context of a provider handler. */
export interface ProviderContext {
  /** The partner that `MEMB_ID` + `HASH` (or Kyren's `secureLogin` + `token`) authenticated. */
  partner: Partner;
  store: SessionStore;
  launchTokens: LaunchTokens;
  /** Current time, epoch milliseconds (injectable for tests). */
  now: () => number;
  log: FastifyBaseLogger;
}

/**
 * The idempotency key of a request: its `uuid` (lower-cased) for this partner and
 * operation, with the SHA-256 of the body in canonical JSON (keys sorted, `uuid`
 * lower-cased, Kyren's credential `token` and the signing fields `timestamp` and `hash`
 * left out), so that the same body sent with another key order, white space, uuid case,
 * a rotated token, or re-signed with a new `timestamp` after a timeout is still "the
 * same body" (spec: `Uuid4`).
 */
export function idempotencyKey(
  context: ProviderContext,
  operationId: OperationId,
  body: { uuid: string; token?: string; timestamp?: number; hash?: string },
): IdempotencyKey {
  const uuid = body.uuid.toLowerCase();
  return { partnerId: context.partner.memberId, uuid, operationId, fingerprint: bodyFingerprint(body, uuid) };
}

/** Whether a top-level field is left out of the fingerprint: the Kyren credential and the signing fields. */
const notFingerprinted = (key: string) => key === "token" || key === "timestamp" || key === "hash";

/**
 * SHA-256 hex of the canonical JSON of `body` without the fields `notFingerprinted`
 * names, with `uuid` as given. The text is byte for byte what safe-stable-stringify wrote
 * for these bodies before (the stored keys' fingerprints must keep matching; the unit
 * test compares the two): keys sorted by UTF-16 code units at every level, no white
 * space, strings as `JSON.stringify` escapes them, a field with no JSON value (undefined)
 * left out.
 */
function bodyFingerprint(body: object, uuid: string): string {
  let text = "";
  for (const key of sortedKeys(body)) {
    if (notFingerprinted(key)) continue;
    const written = canonicalJson(key === "uuid" ? uuid : (body as Record<string, unknown>)[key]);
    if (written !== undefined) text += `${text === "" ? "" : ","}${quoted(key)}:${written}`;
  }
  // One-shot: no Hash object to make and collect per request.
  return hash("sha256", `{${text}}`, "hex");
}

/** A parsed JSON value as canonical JSON text (see `bodyFingerprint`); undefined for what has no JSON form. */
function canonicalJson(value: unknown): string | undefined {
  switch (typeof value) {
    case "string":
      return quoted(value);
    case "number":
      return Number.isFinite(value) ? String(value) : "null";
    case "boolean":
      return value ? "true" : "false";
    case "object":
      break;
    default:
      return undefined;
  }
  if (value === null) return "null";
  let text = "";
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) text += `${i === 0 ? "" : ","}${canonicalJson(value[i]) ?? "null"}`;
    return `[${text}]`;
  }
  for (const key of sortedKeys(value)) {
    const written = canonicalJson((value as Record<string, unknown>)[key]);
    if (written !== undefined) text += `${text === "" ? "" : ","}${quoted(key)}:${written}`;
  }
  return `{${text}}`;
}

/** Characters that `JSON.stringify` escapes in a string (and lone surrogates). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are exactly what JSON escapes.
const NEEDS_ESCAPE = /[\u0000-\u001f"\\\ud800-\udfff]/;

/** `text` as a JSON string, as `JSON.stringify` writes it (most fields need no escape: no call then). */
const quoted = (text: string) => (NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : `"${text}"`);

/** The keys of `value` in UTF-16 code unit order: an insertion sort, quicker than `sort()` for a body's few keys. */
function sortedKeys(value: object): string[] {
  const keys = Object.keys(value);
  if (keys.length > 32) return keys.sort();
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i]!;
    let at = i;
    for (; at > 0 && keys[at - 1]! > key; at--) keys[at] = keys[at - 1]!;
    keys[at] = key;
  }
  return keys;
}
