import type { CloseSessionKyrenHandler } from "../../../generated/server.js";
import { failure } from "../../shared/failures.js";
import { idempotencyKey, type ProviderContext } from "./context.js";

/**
 * Kyren CloseSession (operationId `closeSessionKyren`, seed 002): ends the active
 * sessions of player `userId` (only those of `gameId` when given), at most once per
 * `uuid`; a `uuid` reused with another body is refused with `G.03`.
 */
export const closeSessionKyren: CloseSessionKyrenHandler<ProviderContext> = async ({ body }, context) => {
  const outcome = await context.store.closeSessionsOnce(
    idempotencyKey(context, "closeSessionKyren", body),
    { partnerId: context.partner.memberId, playerId: body.userId, gameId: body.gameId, clearHistory: false },
    context.now(),
  );
  if (outcome.outcome === "conflict")
    return failure("closeSessionKyren", "G.03", `uuid ${body.uuid} was already used with a different body`);
  return { status: 200, body: { error: 0, description: "Success" } };
};
