/**
 * Load shedding, for both servers: when the event loop runs more than
 * `maxEventLoopDelayMs` behind (the server has more work than it can do in time), a new
 * request is refused at once with 503 `G.08` and `Retry-After`, in its operation's failure
 * envelope (the default one off the API), instead of waiting in a queue until every
 * answer is late. The delay is sampled each second by @fastify/under-pressure
 * (`monitorEventLoopDelay`), so a burst sheds for about a second after it ends; the
 * first two seconds after the server starts listening, which the start-up's own work
 * would count as delay, shed nothing.
 * Requests already being served are answered; exempt paths (the health endpoints: a
 * probe must see the instance's state, not a refusal) are never shed.
 */
import underPressure, { type FastifyUnderPressureOptions } from "@fastify/under-pressure";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { defaultErrorEnvelope } from "../../generated/operations.js";
import { pathOf } from "./access-log.js";
import { envelopeFailure, operationEnvelope, type Side } from "../shared/failures.js";

/** How long after the server starts listening nothing is shed, milliseconds: two samples of the delay. */
const STARTUP_GRACE_MS = 2000;

/** When and how to shed load. */
export interface LoadShedding {
  /** Shed while the event loop is further behind than this, milliseconds; 0 never sheds. */
  maxEventLoopDelayMs: number;
  /** `Retry-After` of the 503, seconds. */
  retryAfterSeconds: number;
  /** Paths never shed. */
  exempt?: readonly string[];
}

/** Registers the shedding described above on `app`, which serves `side` of the contract. */
export function registerLoadShedding(app: FastifyInstance, side: Side, options: LoadShedding): void {
  if (options.maxEventLoopDelayMs <= 0) return;
  const exempt = new Set(options.exempt ?? []);
  // The first samples cover the start-up (loading, migrations), which holds the event loop
  // before any request could wait: nothing is shed until they are past.
  let sheddingFrom = Number.POSITIVE_INFINITY;
  app.server.once("listening", () => (sheddingFrom = Date.now() + STARTUP_GRACE_MS));
  void app.register(underPressure, {
    maxEventLoopDelay: options.maxEventLoopDelayMs,
    retryAfter: options.retryAfterSeconds,
    // The plugin sends what the handler returns, and serves the request when it returns
    // nothing (its types only allow the latter).
    pressureHandler: ((request: FastifyRequest, reply: FastifyReply) => {
      const path = pathOf(request.url);
      if (exempt.has(path) || Date.now() < sheddingFrom) return undefined;
      const detail = `the receiver is overloaded; retry after ${options.retryAfterSeconds} seconds`;
      const { status, body } = envelopeFailure("G.08", detail, operationEnvelope(side, path, request.method) ?? defaultErrorEnvelope);
      reply.code(status).header("retry-after", String(options.retryAfterSeconds)).header("content-type", "application/json");
      return JSON.stringify(body);
    }) as unknown as FastifyUnderPressureOptions["pressureHandler"],
  });
}
