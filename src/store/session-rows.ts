/**
 * Rows of the `sessions` table as both stores read them: the column names are the same on
 * SQLite and PostgreSQL; times are epoch milliseconds (`INTEGER` / `bigint`, which the
 * drivers may hand back as numbers, strings or bigints), and `history_cleared` is an
 * `INTEGER` 0/1 on SQLite and a `boolean` on PostgreSQL.
 */
import type { ExpiredSession, SessionStatus, StoredSession } from "./sessions.js";

/** A `SELECT *` row of `sessions` as a `StoredSession`. */
export function toStoredSession(row: Record<string, unknown>): StoredSession {
  return {
    id: row.id as string,
    partnerId: row.partner_id as string,
    playerId: row.player_id as string,
    playerNickname: (row.player_nickname as string | null) ?? undefined,
    gameId: row.game_id as string,
    gameType: row.game_type as "slot" | "table",
    currency: row.currency as string,
    language: row.language as string,
    partnerSessionId: row.partner_session_id as string,
    playerIp: row.player_ip as string,
    tokenHash: row.token_hash as string,
    createdAt: Number(row.created_at),
    status: row.status as SessionStatus,
    lastActivityAt: Number(row.last_activity_at),
    historyCleared: row.history_cleared === true || Number(row.history_cleared) === 1,
    endedAt: row.ended_at === null || row.ended_at === undefined ? undefined : Number(row.ended_at),
  };
}

/** A row `{ id, partner_id, player_id }` of a session the expiry ended. */
export function toExpiredSession(row: Record<string, unknown>): ExpiredSession {
  return { sessionId: row.id as string, partnerId: row.partner_id as string, playerId: row.player_id as string };
}
