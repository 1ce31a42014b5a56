/**
 * Deliberately broken operator receivers: a small node:http proxy in front of the
 * project's receiver (`src/operator/`) that breaks one rule of the spec's sessionExpired
 * operation. Everything else is the real receiver's answer.
 *
 *   skips-hash              HASH is not checked: the proxy re-signs every request
 *   skips-body-hash         the body hash is not checked: when HASH is right, the proxy
 *                           puts the right body hash in (and signs again)
 *   wrong-envelope          failures come back as {"errors": {...}} instead of {"error": {...}}
 *   rejects-unknown-fields  a field the schema does not name is refused with 400 V.02
 *   refuses-duplicates      a sessionId seen before is refused with 409 G.03
 */
import { createServer, request, type Server } from "node:http";
import { operationsByPath } from "../../../generated/operations.js";
import { bundledSpec } from "../../support/spec-views.js";
import { bodyHash, requestSignature, safeEqual } from "../../../src/signing.js";

/** The partner the receiver trusts. */
export interface PartnerSecret {
  memberId: string;
  secret: string;
}

/** A request on its way in; a defect may change it, or answer it itself. */
interface Incoming {
  path: string;
  query: URLSearchParams;
  body: Buffer;
}

type Answer = { status: number; body: unknown };

/** One defect: changes the request, answers it itself, or rewrites the receiver's answer. */
interface Defect {
  request?(incoming: Incoming, partner: PartnerSecret, seen: Set<string>): Answer | void;
  answer?(status: number, body: string): string;
}

const parse = (body: Buffer): Record<string, unknown> | undefined => {
  try {
    const value = JSON.parse(body.toString("utf8"));
    return typeof value === "object" && value !== null && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
};

const documentedFields = new Set(Object.keys((bundledSpec.components.schemas.SessionExpiredRequest as { properties: object }).properties));

export const defects = {
  "skips-hash": {
    request(incoming: Incoming, partner: PartnerSecret) {
      incoming.query.set("MEMB_ID", partner.memberId);
      incoming.query.set("HASH", requestSignature(incoming.body, partner.secret));
    },
  },
  "skips-body-hash": {
    request(incoming: Incoming, partner: PartnerSecret) {
      if (!safeEqual(requestSignature(incoming.body, partner.secret), incoming.query.get("HASH") ?? "")) return;
      const body = parse(incoming.body);
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
      incoming.body = Buffer.from(JSON.stringify({ ...fields, hash: expected }));
      incoming.query.set("HASH", requestSignature(incoming.body, partner.secret));
    },
  },
  "wrong-envelope": {
    answer: (status: number, body: string) => (status >= 400 ? body.replace(/^\{"error":/, '{"errors":') : body),
  },
  "rejects-unknown-fields": {
    request(incoming: Incoming) {
      const unknown = Object.keys(parse(incoming.body) ?? {}).filter((key) => !documentedFields.has(key));
      if (unknown.length) return { status: 400, body: { error: { code: "V.02", message: `Invalid request: unknown field ${unknown[0]}` } } };
    },
  },
  "refuses-duplicates": {
    request(incoming: Incoming, _partner: PartnerSecret, seen: Set<string>) {
      const sessionId = parse(incoming.body)?.sessionId;
      if (typeof sessionId !== "string") return;
      if (seen.has(sessionId)) return { status: 409, body: { error: { code: "G.03", message: "Duplicate callback" } } };
      seen.add(sessionId);
    },
  },
} satisfies Record<string, Defect>;

/** A defect's name. */
export type ReceiverDefect = keyof typeof defects;

/** A running broken receiver. */
export interface BrokenReceiver {
  baseUrl: string;
  close(): Promise<void>;
}

/** Starts `defect` in front of the receiver at `receiverUrl`, on 127.0.0.1 and a port the OS picks. */
export async function startBrokenReceiver(defect: ReceiverDefect, receiverUrl: string, partner: PartnerSecret): Promise<BrokenReceiver> {
  const broken: Defect = defects[defect];
  const target = new URL(receiverUrl);
  const seen = new Set<string>();
  const server: Server = createServer((incomingMessage, outgoing) => {
    const chunks: Buffer[] = [];
    incomingMessage.on("data", (chunk: Buffer) => chunks.push(chunk));
    incomingMessage.on("end", () => {
      const url = new URL(incomingMessage.url ?? "/", "http://receiver");
      const incoming: Incoming = { path: url.pathname, query: url.searchParams, body: Buffer.concat(chunks) };
      const own = operationsByPath[incoming.path as keyof typeof operationsByPath] ? broken.request?.(incoming, partner, seen) : undefined;
      if (own) {
        outgoing.writeHead(own.status, { "content-type": "application/json" }).end(JSON.stringify(own.body));
        return;
      }
      const query = incoming.query.toString();
      const headers = { ...incomingMessage.headers, host: target.host, "content-length": String(incoming.body.length) };
      const upstream = request({ host: target.hostname, port: target.port, method: incomingMessage.method, path: `${incoming.path}${query ? `?${query}` : ""}`, headers }, (answer) => {
        const parts: Buffer[] = [];
        answer.on("data", (chunk: Buffer) => parts.push(chunk));
        answer.on("end", () => {
          const status = answer.statusCode ?? 502;
          const text = broken.answer ? broken.answer(status, Buffer.concat(parts).toString("utf8")) : Buffer.concat(parts).toString("utf8");
          outgoing.writeHead(status, { "content-type": answer.headers["content-type"] ?? "application/json" }).end(text);
        });
      });
      upstream.on("error", (error) => outgoing.writeHead(502, { "content-type": "text/plain" }).end(String(error)));
      upstream.end(incoming.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
