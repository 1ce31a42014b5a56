/**
 * An operator's receiver of the session expired callback (operationId `sessionExpired`,
 * seed 003): the example for operators, and the target of the contract tests.
 *
 * It is the same stack as the provider's server, for the other side of the contract:
 * `HASH`, the body `hash` and the freshness of `timestamp` are checked by
 * `authenticateSignedRequest` (exported from this package for operators' own code), the
 * body by the spec, and the handler records each callback once: it is delivered at least
 * once, so a repeat (the same partner and `callbackId`, or `sessionId` when the body has
 * no `callbackId`: `sessionExpiredDedupeKey`) is acknowledged with 200 and counted, never
 * recorded twice. Unknown fields are accepted, as the spec requires of
 * receivers. What comes before routing is answered in the contract
 * (`src/http/transport-answers.ts`) and nothing secret is logged (`src/http/access-log.ts`).
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyServerOptions } from "fastify";
import type { OperatorHandlers, SessionExpiredInput } from "../../generated/server.js";
import type { OpenApiDocument } from "../shared/spec-document.js";
import { DEFAULT_TOLERANCE_SECONDS } from "@luckymonaco/session-api-client";
import { contractPlugin } from "../http/contract-plugin.js";
import { contractServerOptions, registerTransportAnswers, type Protection } from "../http/transport-answers.js";
import type { Partner, PartnerDirectory } from "../partners/directory.js";
import { sessionExpiredDedupeKey } from "@luckymonaco/session-api-client";

/** One session expiry as the receiver recorded it. */
export interface ReceivedExpiry {
  /** The partner (`MEMB_ID`) whose secret signed the callback. */
  memberId: string;
  body: SessionExpiredInput["body"];
  /** When it first arrived, epoch milliseconds. */
  receivedAt: number;
  /** How many times it arrived (the same `callbackId`, or `sessionId` without one). */
  deliveries: number;
}

/** A built receiver. */
export interface OperatorReceiver {
  app: FastifyInstance;
  /** What arrived so far, in order of first arrival. */
  received(): ReceivedExpiry[];
}

/** Options of `buildOperatorReceiver`. */
export interface OperatorReceiverOptions {
  /** The bundled spec (`generated/openapi.json`). */
  spec: OpenApiDocument;
  /** The partners whose callbacks it trusts (the provider signs with each partner's secret). */
  partners: PartnerDirectory;
  /** True when it trusts only the public sandbox partner: a `G.00` then names what failed. */
  sandbox: boolean;
  logger: FastifyServerOptions["logger"];
  /** The receiver's clock, epoch milliseconds (default `Date.now`): freshness and `receivedAt`. */
  now?: () => number;
  /** Largest distance of a callback's `timestamp` from `now`, seconds (default 300). */
  toleranceSeconds?: number;
  /** Longest time to receive a whole request, milliseconds (default 10000): then 408 `G.07`. */
  requestTimeoutMs?: number;
  /** Load shedding and the connection cap (default: those of transport-answers.ts). */
  protection?: Protection;
  /** Validate every response body against the spec before it is sent (default false, as the provider's server). */
  validateResponses?: boolean;
}

/**
 * Builds the example receiver of the session expired callback (operation `sessionExpired`,
 * `x-implemented-by: operator`) on the contract plugin: the spec's order of checks,
 * authentication with `options.partners`, freshness, schema validation, and the dedupe
 * rule (`sessionExpiredDedupeKey`). Call `app.listen` on it.
 *
 * @throws what registering the contract plugin throws (fastify-openapi-glue on a bundle it cannot route)
 */
export async function buildOperatorReceiver(options: OperatorReceiverOptions): Promise<OperatorReceiver> {
  const now = options.now ?? Date.now;
  const received = new Map<string, ReceivedExpiry>();
  const handlers: OperatorHandlers<{ partner: Partner; log: FastifyBaseLogger }> = {
    async sessionExpired({ body }, { partner, log }) {
      const key = sessionExpiredDedupeKey(partner.memberId, body);
      const seen = received.get(key);
      if (seen) seen.deliveries += 1;
      else received.set(key, { memberId: partner.memberId, body, receivedAt: now(), deliveries: 1 });
      // Only what identifies the expiry: the body's hash is a signature.
      const entry = {
        memberId: partner.memberId,
        sessionId: body.sessionId,
        callbackId: body.callbackId,
        playerId: body.playerId,
        deliveries: seen?.deliveries ?? 1,
      };
      log.info(entry, seen ? "session expired repeated: acknowledged, not recorded again" : "session expired recorded");
      return { status: 200, body: { error: 0, description: "Success" } };
    },
  };
  const { serverOptions, inFlight } = contractServerOptions({
    side: "operator",
    logger: options.logger,
    requestTimeoutMs: options.requestTimeoutMs,
  });
  const app = Fastify(serverOptions);
  registerTransportAnswers(app, "operator", inFlight, options.protection);
  await app.register(contractPlugin, {
    spec: options.spec,
    side: "operator",
    handlers,
    partners: options.partners,
    sandbox: options.sandbox,
    freshness: { now, toleranceSeconds: options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS },
    context: (request, partner) => ({ partner, log: request.log }),
    validateResponses: options.validateResponses ?? false,
  });
  return { app, received: () => [...received.values()] };
}
