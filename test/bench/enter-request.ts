/**
 * The ENTER every benchmark sends (operation `enterGameSession`): a fresh `uuid`, a player
 * and an operator session numbered `n`, compact JSON, `HASH` over exactly those bytes.
 */
import { randomUUID } from "node:crypto";
import { requestSignature } from "@luckymonaco/session-api-client";
import type { BuiltRequest } from "./load.js";

/**
 * A new signed ENTER of `memberId`.
 *
 * @param n numbers the player and the operator session (default: random below 100,000)
 * @param withTimestamp add `timestamp` (epoch seconds, last), as the typed client sends it
 */
export function signedEnter(
  memberId: string,
  secret: string,
  n = Math.floor(Math.random() * 100_000),
  withTimestamp = false,
): BuiltRequest {
  const body = JSON.stringify({
    uuid: randomUUID(),
    gametype: "slot",
    gameid: "lm_monaco_riches",
    player: {
      id: `player-${n}`,
      nickname: "LuckyLuca",
      language: "en",
      currency: "EUR",
      session: { id: `op-session-${n}`, ip: "203.0.113.42" },
    },
    ...(withTimestamp ? { timestamp: Math.floor(Date.now() / 1000) } : {}),
  });
  return { path: `/api/session?MEMB_ID=${encodeURIComponent(memberId)}&HASH=${requestSignature(body, secret)}`, body };
}
