import type { EnterGameSessionHandler } from "../../../generated/server.js";
import { failure } from "../../shared/failures.js";
import { newSessionId } from "../launch-tokens.js";
import { idempotencyKey, type ProviderContext } from "./context.js";
import { refusedValueIn } from "./refused-values.js";

/**
 * ENTER (operationId `enterGameSession`, seed 004): creates a game session and answers
 * its launch URL. The values the spec refuses (`x-refused-values`: `gametype` `table`) get
 * their code (`G.02`); a `uuid` reused with another body
 * is refused with `G.03`; a `uuid` reused with the same body replays the first URL.
 */
export const enterGameSession: EnterGameSessionHandler<ProviderContext> = async ({ body }, context) => {
  const refused = refusedValueIn("enterGameSession", body);
  if (refused) return failure("enterGameSession", refused.code, refused.detail);
  const createdAt = context.now();
  const sessionId = newSessionId(createdAt);
  const launch = context.launchTokens.issue(sessionId);
  const outcome = await context.store.openSession(idempotencyKey(context, "enterGameSession", body), {
    id: sessionId,
    partnerId: context.partner.memberId,
    playerId: body.player.id,
    playerNickname: body.player.nickname,
    gameId: body.gameid,
    gameType: body.gametype,
    currency: body.player.currency,
    language: body.player.language,
    partnerSessionId: body.player.session.id,
    playerIp: body.player.session.ip,
    tokenHash: launch.tokenHash,
    createdAt,
  });
  if (outcome.outcome === "conflict")
    return failure("enterGameSession", "G.03", `uuid ${body.uuid} was already used with a different body`);
  const url = outcome.outcome === "created" ? launch.url : context.launchTokens.issue(outcome.value.sessionId).url;
  return { status: 200, body: { url } };
};
