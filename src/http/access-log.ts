/**
 * Logging that never writes a secret, for both sides of the contract (the provider's
 * server and the operator receiver). The query string of every call holds `HASH`, the
 * body holds the body `hash` (and Kyren's `token`), and an ENTER answer holds the launch
 * token, so no log line carries a URL with its query, a body or a raw request (nothing
 * secret in logs, at any level).
 */
import { LogController, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from "fastify";

/** The path of a request target, without its query string (which holds `HASH`). */
export function pathOf(url: string | undefined): string {
  if (url === undefined) return "/";
  const query = url.indexOf("?");
  return query < 0 ? url : url.slice(0, query);
}

/**
 * Fastify's request log lines, rewritten: one line per request when it completes
 * (successes at debug, failures at info, 5xx at warn), with the method, the path without
 * the query, the status and the time; no "incoming request" line. A 5xx is not an error
 * line here: its cause is logged at error level once per kind and minute where it happens
 * (`src/shared/error-log-throttle.ts`), so an outage that fails every request writes one access line
 * each and a handful of error lines, not an error line per request. Every other line
 * Fastify's own controller writes with the request object (and so the full URL) is
 * written here with the path only.
 */
export class AccessLog extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const level = error || reply.statusCode >= 500 ? "warn" : reply.statusCode >= 400 ? "info" : "debug";
    // Most lines are below the level logged (successes at debug): build none of them.
    if ((request.log as { isLevelEnabled?: (level: string) => boolean }).isLevelEnabled?.(level) === false) return;
    request.log[level](
      { method: request.method, path: pathOf(request.url), status: reply.statusCode, ms: Math.round(reply.elapsedTime) },
      "request completed",
    );
  }

  override defaultErrorLog(error: Error, request: FastifyRequest, reply: FastifyReply): void {
    const level = reply.statusCode >= 500 ? "error" : "info";
    request.log[level]({ method: request.method, path: pathOf(request.url), status: reply.statusCode, err: error }, "request failed");
  }

  override routeNotFound(request: FastifyRequest): void {
    request.log.info({ method: request.method, path: pathOf(request.url) }, "no route");
  }

  override writeHeadError(error: Error, request: FastifyRequest): void {
    request.log.warn({ method: request.method, path: pathOf(request.url), err: error }, "could not write the response head");
  }
}

/** Pino serializers that keep a request object to its method and path, should one be logged. */
const safeSerializers = {
  req: (request: { method?: string; url?: string }) => ({ method: request.method, path: pathOf(request.url) }),
};

/**
 * The Fastify logger option with the safe request serializer added, when the option is a
 * set of pino options; `false`, `true` and logger instances pass unchanged.
 */
export function withSafeSerializers(logger: FastifyServerOptions["logger"]): FastifyServerOptions["logger"] {
  if (typeof logger !== "object" || logger === null || typeof (logger as { info?: unknown }).info === "function") return logger;
  const options = logger as { serializers?: Record<string, unknown> };
  return { ...options, serializers: { ...safeSerializers, ...options.serializers } } as FastifyServerOptions["logger"];
}
