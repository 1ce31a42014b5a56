import type { CloseSessionHandler } from "../../../generated/server.js";
import { failure } from "../../shared/failures.js";
import { idempotencyKey, type ProviderContext } from "./context.js";

/**
 * V4 close session (operationId `closeSession`, seeds 000 and 001): ends the active
 * sessions of player `secureLogin` (only those of `gameId` when given); with
 * `clearHistory` "1" the unfinished round may no longer be resumed. Closing nothing is
 * still a success. With a `uuid` (optional: spec `CloseSessionRequest`, decision 17) it
 * closes at most once per `uuid`: a repeat with the same body is answered from the
 * idempotency record and closes nothing new, and the same `uuid` with another body is
 * refused with `G.03`. Without one, every call closes what is active at that moment.
 */
export const closeSession: CloseSessionHandler<ProviderContext> = async ({ body }, context) => {
  const filter = {
    partnerId: context.partner.memberId,
    playerId: body.secureLogin,
    gameId: body.gameId,
    clearHistory: body.clearHistory === "1",
  };
  if (body.uuid === undefined) {
    await context.store.closeSessions(filter, context.now());
  } else {
    const outcome = await context.store.closeSessionsOnce(
      idempotencyKey(context, "closeSession", body as typeof body & { uuid: string }),
      filter,
      context.now(),
    );
    if (outcome.outcome === "conflict") return failure("closeSession", "G.03", `uuid ${body.uuid} was already used with a different body`);
  }
  return { status: 200, body: { error: 0, description: "Success" } };
};
