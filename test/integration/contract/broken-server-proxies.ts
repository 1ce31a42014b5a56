/**
 * Deliberately broken providers built from the reference server: a proxy
 * (`test/support/defect-proxy.ts`) in front of it that breaks one rule of the contract.
 *
 *   codes-contradict-statuses   a 400 answer goes out as 401, its body (V.02, V.01, …) unchanged
 *   ignores-signatures          every request is re-signed with the partner secret before the
 *                               server sees it: a wrong HASH (or an unknown MEMB_ID) is accepted
 *   ignores-idempotency         every request gets a fresh uuid (re-signed): a replay opens a
 *                               second session with another launch URL, a conflict is accepted
 */
import { randomUUID } from "node:crypto";
import { operationsByPath } from "../../../generated/operations.js";
import type { Credentials } from "../../../src/contract/signed-requests.js";
import { bodyHash, requestSignature } from "@luckymonaco/session-api-client";
import { startDefectProxy, type DefectProxy, type ProxiedRequest, type ProxyDefect as Defect } from "../../support/defect-proxy.js";

/** Re-signs a request body (body `hash` where the operation has one, then `HASH`) after `change`. */
function resign(proxied: ProxiedRequest, credentials: Credentials, change: (body: Record<string, unknown>) => void): void {
  const operation = operationsByPath[proxied.path as keyof typeof operationsByPath];
  if (!operation) return;
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(proxied.body.toString("utf8"));
  } catch {
    return;
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) return;
  change(body);
  if (operation.bodyHash && typeof body.hash === "string") {
    const { hash: _old, ...fields } = body;
    body = { ...fields, hash: bodyHash(fields, credentials.secret) };
  }
  proxied.body = Buffer.from(JSON.stringify(body));
  if (operation.signedWithHash) {
    proxied.query.set("MEMB_ID", credentials.memberId);
    proxied.query.set("HASH", requestSignature(proxied.body, credentials.secret));
  }
}

const defects = {
  "codes-contradict-statuses": (): Defect => ({ status: (status) => (status === 400 ? 401 : status) }),
  "ignores-signatures": (credentials: Credentials): Defect => ({
    request(proxied) {
      if (!proxied.query.has("HASH")) return;
      proxied.query.set("MEMB_ID", credentials.memberId);
      proxied.query.set("HASH", requestSignature(proxied.body, credentials.secret));
    },
  }),
  "ignores-idempotency": (credentials: Credentials): Defect => ({
    request: (proxied) => resign(proxied, credentials, (body) => "uuid" in body && (body.uuid = randomUUID())),
  }),
};

/** A defect's name. */
export type ProxyDefect = keyof typeof defects;

/** Starts the reference server at `targetUrl` behind `defect`, for the partner `credentials`. */
export function startBrokenProxy(defect: ProxyDefect, targetUrl: string, credentials: Credentials): Promise<DefectProxy> {
  return startDefectProxy(targetUrl, defects[defect](credentials));
}
