/**
 * The answers given before any operation is chosen, on both sides of the contract (the
 * provider's server and the operator receiver): step 1 of the spec's "Order of checks"
 * (openapi/docs/introduction.md). Each is a JSON body with a catalog code and exactly
 * `Content-Type: application/json`:
 *
 * | What | Status, code | Envelope |
 * |---|---|---|
 * | not valid HTTP (Content-Length with Transfer-Encoding, two Content-Lengths, bare LF, a bad URL) | 400 `V.06` | default |
 * | request line and headers over Node's limit (`maxHeaderSize`, 16 KiB by default) | 431 `V.05` | default |
 * | no route has the path | 404 `G.05` | default |
 * | the path exists, the method does not | 405 `G.06` + `Allow` | the path's operation's, else default |
 * | the request did not arrive in full within the request timeout | 408 `G.07` | the in-flight operation's, else default |
 *
 * Every answer, these included, carries the security headers of security-headers.ts; an
 * `Expect` header other than `100-continue` is ignored (the request is served).
 *
 * The codes, statuses and envelopes come from the spec (`generated/`): the default
 * envelope is the schema marked `x-default-error-envelope`. Node answers framing errors,
 * header overflows and timeouts itself through its `clientError` event, which Fastify's
 * `clientErrorHandler` option takes over here; unknown paths and methods come through
 * Fastify's not-found handler. Nothing here logs a URL, a header or the raw packet (it
 * holds `HASH`).
 */
import { maxHeaderSize, STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import type { Server, ServerResponse } from "node:http";
import type { FastifyHttpOptions, FastifyInstance, FastifyReply, FastifyRequest, FastifyServerOptions } from "fastify";
import { errorCatalog, type ErrorCode } from "../../generated/error-catalog.js";
import { defaultErrorEnvelope, maxRequestBodyBytes } from "../../generated/operations.js";
import { AccessLog, pathOf, withSafeSerializers } from "./access-log.js";
import { envelopeFailure, operationEnvelope, type ErrorEnvelopePointers, type Side } from "../shared/failures.js";

export type { Side } from "../shared/failures.js";
import { clip } from "../shared/message-limit.js";
import { limitConnections } from "./connection-limits.js";
import { registerLoadShedding, type LoadShedding } from "./load-shedding.js";
import { securityHeaders, securityHeadersAdder } from "./security-headers.js";

/**
 * How long a connection may go without traffic, milliseconds: longer than the kept-alive
 * connections' timeout (Fastify's 72 s, longer than the usual load balancer's idle timeout
 * of 60 s, so that a balancer never reuses a connection the server is closing), so that
 * it only ends connections that never sent a request (connection-limits.ts).
 */
export const CONNECTION_IDLE_TIMEOUT_MS = 75_000;

/** The media type of every JSON answer, exactly: Fastify would add `; charset=utf-8`, which the spec does not document (nor Dredd accept). */
const JSON_MEDIA_TYPE = "application/json";

/** How much of an unknown path a 404 `G.05` message quotes, characters. */
const SHOWN_PATH_LENGTH = 200;

/** Options of `contractServerOptions`. */
export interface TransportOptions {
  /** The side served: decides which operation's envelope a path has. */
  side: Side;
  /** Fastify logger option (pino options, or `false`); the request serializer is made safe. */
  logger: FastifyServerOptions["logger"];
  /**
   * Longest time to receive a whole request, headers and body, milliseconds (default
   * 10000, as the spec's conventions say). Then 408 `G.07` and the connection is closed.
   */
  requestTimeoutMs?: number;
}

/**
 * What a parser error means, for the `V.06` message: llhttp's `reason`, a fixed text such
 * as "Duplicate Content-Length" or "Expected CRLF after version", never the bytes
 * received (those are in `rawPacket`, which holds `HASH` and is never read here).
 */
function framingDetail(reason: unknown): string {
  return typeof reason === "string" && /^[A-Za-z0-9 ,.'-]{1,120}$/.test(reason) ? reason : "the request is not valid HTTP/1.1";
}

/** Writes a whole HTTP/1.1 response on a socket that Node's parser gave up on, then closes it. */
function writeRawAnswer(socket: Socket, status: number, body: Record<string, unknown>, error: Error): void {
  const text = JSON.stringify(body);
  const security = Object.entries(securityHeaders())
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join("");
  socket.write(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(text)}\r\n${security}Connection: close\r\n\r\n${text}`,
  );
  socket.destroy(error);
}

/** The response in flight on each connection (its `req` is the request), so a timeout answers in its operation's envelope. */
type InFlight = WeakMap<Socket, ServerResponse>;

/**
 * Fastify's `clientErrorHandler`: Node's `clientError` (bad framing, header overflow,
 * request timeout) answered with a catalog code, as Node would, but in the contract.
 */
function clientErrorHandler(side: Side, inFlight: InFlight, requestTimeoutMs: number) {
  return function onClientError(this: FastifyInstance, error: Error & { code?: string; reason?: unknown }, socket: Socket): void {
    if (error.code === "ECONNRESET" || socket.destroyed) return;
    const pending = inFlight.get(socket);
    // As Node does: never write into a response that has begun.
    if (!socket.writable || pending?.headersSent) {
      socket.destroy(error);
      return;
    }
    let code: ErrorCode;
    let detail: string;
    let envelope: ErrorEnvelopePointers = defaultErrorEnvelope;
    if (error.code === "ERR_HTTP_REQUEST_TIMEOUT") {
      code = "G.07";
      detail = `the request did not arrive in full within ${requestTimeoutMs / 1000} seconds`;
      if (pending) envelope = operationEnvelope(side, pathOf(pending.req.url), pending.req.method) ?? defaultErrorEnvelope;
    } else if (error.code === "HPE_HEADER_OVERFLOW") {
      code = "V.05";
      detail = `the request line and headers are larger than ${maxHeaderSize / 1024} KiB; send only MEMB_ID and HASH in the query`;
    } else {
      code = "V.06";
      detail = framingDetail(error.reason);
    }
    this.log.debug({ code: error.code, status: errorCatalog[code].status }, "request refused by the HTTP layer");
    const { status, body } = envelopeFailure(code, detail, envelope);
    writeRawAnswer(socket, status, body, error);
  };
}

/**
 * The Fastify server options of a contract server: the safe access log, the body limit
 * of the spec, the request timeout (Node enforces it only with headersTimeout <= it,
 * checking every connectionsCheckingInterval), the contract's answers to Node's client
 * errors and to a URL Fastify cannot decode. Pass the same `inFlight` to
 * `registerTransportAnswers`.
 */
export function contractServerOptions(options: TransportOptions): { serverOptions: FastifyHttpOptions<Server>; inFlight: InFlight } {
  const requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
  const inFlight: InFlight = new WeakMap();
  const serverOptions: FastifyHttpOptions<Server> = {
    logger: withSafeSerializers(options.logger),
    logController: new AccessLog(),
    bodyLimit: maxRequestBodyBytes,
    return503OnClosing: false,
    requestTimeout: requestTimeoutMs,
    http: { headersTimeout: requestTimeoutMs, connectionsCheckingInterval: Math.min(1000, requestTimeoutMs) },
    clientErrorHandler: clientErrorHandler(options.side, inFlight, requestTimeoutMs),
    // A URL Fastify cannot decode is answered before any hook runs, so the body is written here whole.
    frameworkErrors: (_error, _request, reply) => {
      const { status, body } = envelopeFailure("V.06", "the URL is not valid (a percent-encoding is broken)");
      const text = JSON.stringify(body);
      reply.hijack();
      reply.raw
        .writeHead(status, { ...securityHeaders(), "content-type": "application/json", "content-length": Buffer.byteLength(text) })
        .end(text);
    },
  };
  return { serverOptions, inFlight };
}

/** Sends a catalog failure with exactly `Content-Type: application/json`. */
function sendFailure(
  reply: FastifyReply,
  code: ErrorCode,
  detail: string,
  envelope: ErrorEnvelopePointers = defaultErrorEnvelope,
  headers: Record<string, string> = {},
) {
  const { status, body } = envelopeFailure(code, detail, envelope);
  return reply
    .code(status)
    .headers({ ...headers, "content-type": "application/json" })
    .send(JSON.stringify(body));
}

/** How a server protects itself from overload (default: no shedding, 4096 connections). */
export interface Protection {
  /** Load shedding (load-shedding.ts); none when absent (the servers' main modules set it from their configuration). */
  overload?: LoadShedding;
  /** Most connections open at once (connection-limits.ts). */
  maxConnections?: number;
}

/**
 * Registers load shedding (load-shedding.ts) and the connection limits
 * (connection-limits.ts), then the answers to unknown paths (404 `G.05`) and wrong
 * methods (405 `G.06` with `Allow`), tracks the request in flight on each connection for
 * the 408, and, in one `onSend` hook, sends every JSON answer as exactly
 * `Content-Type: application/json` (Fastify would add `; charset=utf-8`, which the spec
 * does not document) with the security headers (security-headers.ts). Call it before any
 * route is registered, so that it sees every route.
 */
export function registerTransportAnswers(app: FastifyInstance, side: Side, inFlight: InFlight, protection: Protection = {}): void {
  if (protection.overload) registerLoadShedding(app, side, protection.overload);
  limitConnections(app.server, { max: protection.maxConnections ?? 4096, idleTimeoutMs: CONNECTION_IDLE_TIMEOUT_MS }, app.log);
  // An Expect other than 100-continue is ignored and the request served as if it had none
  // (RFC 9110 lets a server answer 417, an answer outside the contract, with no body).
  app.server.on("checkExpectation", (request, response) => app.server.emit("request", request, response));
  /** Methods by exact path, of every route without parameters or wildcards. */
  const methodsByPath = new Map<string, Set<string>>();
  app.addHook("onRoute", (route) => {
    if (/[*:]/.test(route.url)) return;
    const methods = methodsByPath.get(route.url) ?? new Set<string>();
    for (const method of [route.method].flat()) methods.add(method.toUpperCase());
    methodsByPath.set(route.url, methods);
  });
  app.addHook("onRequest", (request, reply, done) => {
    inFlight.set(request.raw.socket, reply.raw);
    done();
  });
  // The one onSend hook of the server (synchronous): exactly `application/json`, and the security headers.
  const addSecurityHeaders = securityHeadersAdder();
  app.addHook("onSend", (_request, reply, payload, done) => {
    const type = reply.getHeader("content-type");
    if (typeof type === "string" && type !== JSON_MEDIA_TYPE && type.startsWith(JSON_MEDIA_TYPE))
      reply.header("content-type", JSON_MEDIA_TYPE);
    addSecurityHeaders(reply);
    done(null, payload);
  });
  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) => {
    const path = pathOf(request.url);
    const methods = methodsByPath.get(path);
    // An unknown path is quoted cut to SHOWN_PATH_LENGTH: it may be 16 KB, a message at most 1000 characters.
    if (!methods) return sendFailure(reply, "G.05", `no operation has the path ${clip(path, SHOWN_PATH_LENGTH)}`);
    const allow = [...methods].sort().join(", ");
    return sendFailure(
      reply,
      "G.06",
      `${path} takes ${allow}, not ${request.method}`,
      operationEnvelope(side, path) ?? defaultErrorEnvelope,
      { allow },
    );
  });
}
