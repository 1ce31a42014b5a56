/**
 * An operator's receiver of the session expired callback (operationId `sessionExpired`,
 * seed 003): the example for operators, and the target of the contract tests.
 *
 * It is the same stack as the provider's server, for the other side of the contract:
 * `HASH` and the body `hash` are checked by `authenticateSignedRequest` (exported from
 * this package for operators' own code), the body by the spec, and the handler records
 * each expiry once (the callback is delivered at least once, so repeats are counted,
 * not recorded twice). Unknown fields are accepted, as the spec requires of receivers.
 */
import Fastify, { type FastifyInstance, type FastifyServerOptions } from "fastify";
import type { OperatorHandlers, SessionExpiredInput } from "../../generated/server.js";
import type { OpenApiDocument } from "../spec-document.js";
import { contractPlugin } from "../http/contract-plugin.js";
import type { Partner, PartnerDirectory } from "../partners/directory.js";

/** One session expiry as the receiver recorded it. */
export interface ReceivedExpiry {
  /** The partner (`MEMB_ID`) whose secret signed the callback. */
  memberId: string;
  body: SessionExpiredInput["body"];
  /** When it first arrived, epoch milliseconds. */
  receivedAt: number;
  /** How many times it arrived. */
  deliveries: number;
}

/** A built receiver. */
export interface OperatorReceiver {
  app: FastifyInstance;
  /** What arrived so far, in order of first arrival. */
  received(): ReceivedExpiry[];
}

/** Builds the receiver; call `app.listen` on it. */
export async function buildOperatorReceiver(options: { spec: OpenApiDocument; partners: PartnerDirectory; logger: FastifyServerOptions["logger"] }): Promise<OperatorReceiver> {
  const received = new Map<string, ReceivedExpiry>();
  const handlers: OperatorHandlers<{ partner: Partner }> = {
    async sessionExpired({ body }, { partner }) {
      const key = `${partner.memberId}/${body.sessionId}`;
      const seen = received.get(key);
      if (seen) seen.deliveries += 1;
      else received.set(key, { memberId: partner.memberId, body, receivedAt: Date.now(), deliveries: 1 });
      return { status: 200, body: { error: 0, description: "Success" } };
    },
  };
  const app = Fastify({ logger: options.logger });
  await app.register(contractPlugin, { spec: options.spec, side: "operator", handlers, partners: options.partners, context: (_request, partner) => ({ partner }) });
  return { app, received: () => [...received.values()] };
}
