/**
 * Deliberately broken operator receivers: a proxy (`test/support/defect-proxy.ts`) in
 * front of the project's receiver (`src/operator/`) that breaks one rule of the spec's
 * sessionExpired operation.
 *
 *   skips-hash              HASH is not checked: the proxy re-signs every request
 *   skips-body-hash         the body hash is not checked: when HASH is right and the body
 *                           hash wrong, the proxy puts the right one in (and signs again)
 *   wrong-envelope          failures come back as {"errors": {...}} instead of {"error": {...}}
 *   rejects-unknown-fields  a field the schema does not name is refused with 400 V.02
 *   refuses-duplicates      a sessionId seen before is refused with 409 G.03
 *   success-as-html         success answered with PHP's default Content-Type, text/html
 */
import { bodyHash, requestSignature, safeEqual } from "@luckymonaco/session-api-client";
import { startDefectProxy, type DefectProxy, type ProxyDefect } from "../../support/defect-proxy.js";
import { bundledSpec } from "../../support/spec-views.js";

/** The partner the receiver trusts. */
export interface PartnerSecret {
  memberId: string;
  secret: string;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

const parse = (body: Buffer): Record<string, unknown> | undefined => {
  try {
    const value = JSON.parse(utf8.decode(body));
    return typeof value === "object" && value !== null && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
};

const documentedFields = new Set(Object.keys((bundledSpec.components.schemas.SessionExpiredRequest as { properties: object }).properties));

const defects = {
  "skips-hash": (partner: PartnerSecret): ProxyDefect => ({
    request(proxied) {
      proxied.query.set("MEMB_ID", partner.memberId);
      proxied.query.set("HASH", requestSignature(proxied.body, partner.secret));
    },
  }),
  "skips-body-hash": (partner: PartnerSecret): ProxyDefect => ({
    request(proxied) {
      if (!safeEqual(requestSignature(proxied.body, partner.secret), proxied.query.get("HASH") ?? "")) return;
      const body = parse(proxied.body);
      if (!body || typeof body.hash !== "string") return;
      const { hash: received, ...fields } = body;
      let expected: string;
      try {
        expected = bodyHash(fields, partner.secret);
      } catch {
        return;
      }
      // Only a wrong body hash is changed: with the right one in, the receiver never sees it was wrong.
      if (expected === received) return;
      proxied.body = Buffer.from(JSON.stringify({ ...fields, hash: expected }));
      proxied.query.set("HASH", requestSignature(proxied.body, partner.secret));
    },
  }),
  "wrong-envelope": (): ProxyDefect => ({ answer: (status, body) => (status >= 400 ? body.replace(/^\{"error":/, '{"errors":') : body) }),
  "rejects-unknown-fields": (): ProxyDefect => ({
    request(proxied) {
      const unknown = Object.keys(parse(proxied.body) ?? {}).filter((key) => !documentedFields.has(key));
      if (unknown.length)
        return { status: 400, body: { error: { code: "V.02", message: `Invalid request: unknown field ${unknown[0]}` } } };
    },
  }),
  "success-as-html": (): ProxyDefect => ({
    contentType: (status, contentType) => (status === 200 ? "text/html; charset=UTF-8" : (contentType ?? "")),
  }),
  "refuses-duplicates": (): ProxyDefect => {
    const seen = new Set<string>();
    return {
      request(proxied) {
        const sessionId = parse(proxied.body)?.sessionId;
        if (typeof sessionId !== "string") return;
        if (seen.has(sessionId)) return { status: 409, body: { error: { code: "G.03", message: "Duplicate callback" } } };
        seen.add(sessionId);
      },
    };
  },
};

/** A defect's name. */
export type ReceiverDefect = keyof typeof defects;

/** Starts `defect` in front of the receiver at `receiverUrl`, which trusts `partner`. */
export function startBrokenReceiver(defect: ReceiverDefect, receiverUrl: string, partner: PartnerSecret): Promise<DefectProxy> {
  return startDefectProxy(receiverUrl, defects[defect](partner));
}
