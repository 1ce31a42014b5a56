/**
 * What the one-bug implementations of the testers' tests are made of: a defect proxy
 * (`defect-proxy.ts`) in front of the reference server or the example receiver, which
 * knows the partner's secret and so can play an implementation with exactly one bug.
 * To accept what the real server refuses, it puts the request right (re-signs it) before
 * passing it on; to refuse what the real server accepts, it answers itself, in the
 * operation's envelope. These helpers read, refuse and re-sign requests.
 */
import { errorCatalog, type ErrorCode } from "../../generated/error-catalog.js";
import { operationsById } from "../../generated/operations.js";
import { bodyHash, requestSignature } from "@luckymonaco/session-api-client";
import type { ProxiedRequest } from "./defect-proxy.js";

/** The partner the implementation trusts. */
export interface OneBugPartner {
  memberId: string;
  secret: string;
  kyrenToken: string;
}

/** An operation's facts, as the generated code has them. */
export type Operation = (typeof operationsById)[keyof typeof operationsById];

/** The operation of a request's path, or undefined. */
export const operationOf = (proxied: ProxiedRequest): Operation | undefined =>
  Object.values(operationsById).find((operation) => operation.path === proxied.path);

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/** The body as a JSON object, or undefined (not UTF-8, not JSON, not an object). */
export function objectOf(bytes: Buffer): Record<string, any> | undefined {
  try {
    const value = JSON.parse(strictUtf8.decode(bytes));
    return typeof value === "object" && value !== null && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** An answer of the proxy itself: `code` with its catalog status, in the operation's envelope (the default one off any operation). */
export function refuse(
  operation: Operation | undefined,
  code: ErrorCode,
  message = errorCatalog[code].title,
): { status: number; body: unknown; headers?: Record<string, string> } {
  const envelope = operation?.errorEnvelope ?? { code: "/error/code", message: "/error/message" };
  const body: Record<string, any> = {};
  for (const [pointer, value] of [
    [envelope.code, code],
    [envelope.message, message],
  ] as const) {
    const names = pointer.slice(1).split("/");
    let node = body;
    for (const name of names.slice(0, -1)) node = node[name] ??= {};
    node[names.at(-1)!] = value;
  }
  return { status: errorCatalog[code].status, body };
}

/** The right `HASH` of the request's bytes. */
export const rightHash = (proxied: ProxiedRequest, partner: OneBugPartner) => requestSignature(proxied.body, partner.secret);

/** True when the request's one `HASH` is exactly the right one. */
export const hashRight = (proxied: ProxiedRequest, partner: OneBugPartner) =>
  proxied.query.getAll("HASH").length === 1 && proxied.query.get("HASH") === rightHash(proxied, partner);

/** The right body `hash` of a parsed body (its other fields), or undefined when it cannot be signed. */
export function rightBodyHash(body: Record<string, unknown>, partner: OneBugPartner): string | undefined {
  const { hash: _hash, ...fields } = body;
  try {
    return bodyHash(fields, partner.secret);
  } catch {
    return undefined;
  }
}

/**
 * True when the request would pass the real implementation's authentication: a right
 * `HASH` (and body `hash`) for the partner, or Kyren's right `secureLogin` and `token`.
 */
export function authenticated(proxied: ProxiedRequest, partner: OneBugPartner): boolean {
  const operation = operationOf(proxied);
  if (!operation) return false;
  const body = objectOf(proxied.body);
  if (!operation.signedWithHash) return body?.secureLogin === partner.memberId && body?.token === partner.kyrenToken;
  if (proxied.query.get("MEMB_ID") !== partner.memberId || !hashRight(proxied, partner)) return false;
  return !operation.bodyHash || (body !== undefined && body.hash === rightBodyHash(body, partner));
}

/**
 * Puts the request right for the partner: the body (given, or the request's, re-serialised
 * as compact JSON) with its right body `hash` where the operation has one, Kyren's right
 * credentials, then `MEMB_ID` and the right `HASH` over the new bytes.
 */
export function resign(
  proxied: ProxiedRequest,
  partner: OneBugPartner,
  body: Record<string, unknown> | undefined = objectOf(proxied.body),
): void {
  const operation = operationOf(proxied);
  if (!operation || !body) return;
  let fixed: Record<string, unknown> = { ...body };
  if (!operation.signedWithHash) fixed = { ...fixed, secureLogin: partner.memberId, token: partner.kyrenToken };
  if (operation.bodyHash) {
    const { hash: _old, ...fields } = fixed;
    fixed = { ...fields, hash: rightBodyHash(fields, partner) };
  }
  proxied.body = Buffer.from(JSON.stringify(fixed));
  if (operation.signedWithHash) {
    proxied.query.delete("MEMB_ID");
    proxied.query.delete("HASH");
    proxied.query.set("MEMB_ID", partner.memberId);
    proxied.query.set("HASH", rightHash(proxied, partner));
  }
}

/** The current Unix time, seconds. */
export const nowSeconds = () => Math.floor(Date.now() / 1000);
