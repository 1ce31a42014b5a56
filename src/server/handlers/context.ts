/**
 * What every provider handler receives besides its input (see `ProviderHandlers` in
 * generated/server.ts): the authenticated partner and the services it may use.
 */
import { createHash } from "node:crypto";
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
export function idempotencyKey(context: ProviderContext, operationId: OperationId, body: { uuid: string; token?: string; timestamp?: number; hash?: string }): IdempotencyKey {
  const uuid = body.uuid.toLowerCase();
  return { partnerId: context.partner.memberId, uuid, operationId, fingerprint: bodyFingerprint(body, uuid) };
}

/** Top-level fields that are not "the body" for idempotency: the Kyren credential and the signing fields. */
const NOT_FINGERPRINTED = new Set(["token", "timestamp", "hash"]);

/**
 * SHA-256 hex of the canonical JSON of `body` without `NOT_FINGERPRINTED`, with `uuid` as
 * given. The text is byte for byte what safe-stable-stringify wrote for these bodies
 * before (the stored keys' fingerprints must keep matching; the unit test compares the
 * two): keys sorted by UTF-16 code units at every level, no white space, strings as
 * `JSON.stringify` escapes them, a field with no JSON value (undefined) left out.
 */
function bodyFingerprint(body: object, uuid: string): string {
  let text = "";
  for (const key of Object.keys(body).sort()) {
    if (NOT_FINGERPRINTED.has(key)) continue;
    const written = canonicalJson(key === "uuid" ? uuid : (body as Record<string, unknown>)[key]);
    if (written !== undefined) text += `${text === "" ? "" : ","}${JSON.stringify(key)}:${written}`;
  }
  return createHash("sha256").update(`{${text}}`).digest("hex");
}

/** A parsed JSON value as canonical JSON text (see `bodyFingerprint`); undefined for what has no JSON form. */
function canonicalJson(value: unknown): string | undefined {
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
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
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item) ?? "null").join(",")}]`;
  let text = "";
  for (const key of Object.keys(value).sort()) {
    const written = canonicalJson((value as Record<string, unknown>)[key]);
    if (written !== undefined) text += `${text === "" ? "" : ","}${JSON.stringify(key)}:${written}`;
  }
  return `{${text}}`;
}
