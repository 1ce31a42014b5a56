import type { CloseSessionHandler } from "../../../generated/server.js";
import type { ProviderContext } from "./context.js";

/**
 * V4 close session (operationId `closeSession`, seeds 000 and 001): ends the active
 * sessions of player `secureLogin` (only those of `gameId` when given); with
 * `clearHistory` "1" the unfinished round may no longer be resumed. Idempotent: closing
 * nothing is still a success.
 */
export const closeSession: CloseSessionHandler<ProviderContext> = async ({ body }, context) => {
  await context.store.closeSessions(
    { partnerId: context.partner.memberId, playerId: body.secureLogin, gameId: body.gameId, clearHistory: body.clearHistory === "1" },
    context.now(),
  );
  return { status: 200, body: { error: 0, description: "Success" } };
};
