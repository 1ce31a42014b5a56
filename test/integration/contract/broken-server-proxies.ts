/**
 * Deliberately broken providers built from the reference server: a node:http proxy in
 * front of it that breaks one rule of the contract on the way in or out. Each defect is
 * one small function; everything else is the real server's answer.
 *
 *   codes-contradict-statuses   a 400 answer goes out as 401, its body (V.02, V.01, …) unchanged
 *   ignores-signatures          every request is re-signed with the partner secret before the
 *                               server sees it: a wrong HASH (or an unknown MEMB_ID) is accepted
 *   ignores-idempotency         every request gets a fresh uuid (re-signed): a replay opens a
 *                               second session with another launch URL, a conflict is accepted
 */
import { randomUUID } from "node:crypto";
import { createServer, request, type Server } from "node:http";
import { bodyHash, requestSignature } from "../../../src/signing.js";
import { operationsByPath } from "../../../generated/operations.js";
import type { Credentials } from "../../../src/contract/signed-requests.js";

/** A request on its way to the server. */
interface Forwarded {
  path: string;
  query: URLSearchParams;
  body: Buffer;
}

/** A defect: changes the request before the server, or the status after. */
interface Defect {
  request?(forwarded: Forwarded, credentials: Credentials): void;
  status?(status: number): number;
}

/** Re-signs a request body (body `hash` where the operation has one, then `HASH`) with the partner's credentials. */
function resign(forwarded: Forwarded, credentials: Credentials, change: (body: Record<string, unknown>) => void = () => {}): void {
  const operation = operationsByPath[forwarded.path as keyof typeof operationsByPath];
  if (!operation) return;
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(forwarded.body.toString("utf8"));
  } catch {
    return;
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) return;
  change(body);
  if (operation.bodyHash && typeof body.hash === "string") {
    const { hash: _old, ...fields } = body;
    body = { ...fields, hash: bodyHash(fields, credentials.secret) };
  }
  forwarded.body = Buffer.from(JSON.stringify(body));
  if (operation.signedWithHash) {
    forwarded.query.set("MEMB_ID", credentials.memberId);
    forwarded.query.set("HASH", requestSignature(forwarded.body, credentials.secret));
  }
}

export const defects = {
  "codes-contradict-statuses": { status: (status: number) => (status === 400 ? 401 : status) },
  "ignores-signatures": {
    request(forwarded: Forwarded, credentials: Credentials) {
      if (!forwarded.query.has("HASH")) return;
      forwarded.query.set("MEMB_ID", credentials.memberId);
      forwarded.query.set("HASH", requestSignature(forwarded.body, credentials.secret));
    },
  },
  "ignores-idempotency": {
    request: (forwarded: Forwarded, credentials: Credentials) => resign(forwarded, credentials, (body) => "uuid" in body && (body.uuid = randomUUID())),
  },
} satisfies Record<string, Defect>;

/** A defect's name. */
export type ProxyDefect = keyof typeof defects;

/** A running broken proxy. */
export interface BrokenProxy {
  baseUrl: string;
  close(): Promise<void>;
}

/**
 * Starts a proxy with `defect` in front of `targetUrl` (the reference server) on
 * 127.0.0.1 and a port the OS picks.
 */
export async function startBrokenProxy(defect: ProxyDefect, targetUrl: string, credentials: Credentials): Promise<BrokenProxy> {
  const broken: Defect = defects[defect];
  const target = new URL(targetUrl);
  const server: Server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
    incoming.on("end", () => {
      const url = new URL(incoming.url ?? "/", "http://proxy");
      const forwarded: Forwarded = { path: url.pathname, query: url.searchParams, body: Buffer.concat(chunks) };
      broken.request?.(forwarded, credentials);
      const query = forwarded.query.toString();
      const headers = { ...incoming.headers, host: target.host, "content-length": String(forwarded.body.length) };
      const upstream = request({ host: target.hostname, port: target.port, method: incoming.method, path: `${forwarded.path}${query ? `?${query}` : ""}`, headers }, (answer) => {
        outgoing.writeHead(broken.status?.(answer.statusCode ?? 502) ?? answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      });
      upstream.on("error", (error) => outgoing.writeHead(502, { "content-type": "text/plain" }).end(String(error)));
      upstream.end(forwarded.body);
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
