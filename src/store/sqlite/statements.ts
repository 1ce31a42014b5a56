/**
 * The SQLite store's statements by purpose: those both stores share (../statements.ts) and
 * its own. Every statement of the background jobs (expiry, the retention of keys, callbacks
 * and sessions) takes a `LIMIT` and walks one index, named with `INDEXED BY` where the
 * planner could pick another before its first `ANALYZE`; test/integration/store/plans.test.ts
 * holds each statement here to an index at a million rows. Parameters are bound in order
 * (`?`), or by number (`?1`) where one is used twice.
 */
import { claimedColumns } from "../callback-rows.js";
import type { CloseFilter } from "../session-store.js";
import { sharedStatements, sqliteDialect } from "../statements.js";

/**
 * SQL that makes a random UUID v4 in lowercase (RFC 9562 layout: version nibble 4, variant
 * 8–b), from SQLite's `randomblob` (its CSPRNG). Evaluated once per row.
 */
export const sqliteUuidV4 = `lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' ||
  substr('89ab', 1 + (random() & 3), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))`;

/** SQL that matches the sessions a close call ends (bound by `closeArgs`). */
const CLOSE_MATCH = "partner_id = ? AND player_id = ? AND (? IS NULL OR game_id = ?)";
/** The values of `CLOSE_MATCH` for `filter`. */
export const closeArgs = (filter: CloseFilter) => [filter.partnerId, filter.playerId, filter.gameId ?? null, filter.gameId ?? null];

/** The statements of this store alone. */
const OWN = {
  insertKey: `INSERT INTO idempotency_keys (partner_id, uuid, operation_id, fingerprint, session_id, created_at)
              VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (partner_id, uuid) DO NOTHING`,
  insertSession: `INSERT INTO sessions (id, partner_id, player_id, player_nickname, game_id, game_type, currency, language,
                    partner_session_id, player_ip, token_hash, status, created_at, last_activity_at)
                  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?)`,
  /** The ended sessions of a close whose history is not cleared yet, at most `limit` + 1 (bound: match, limit). */
  unclearedBatch: `SELECT rowid FROM sessions WHERE ${CLOSE_MATCH} AND status <> 'active' AND history_cleared = 0 LIMIT ?`,
  /** The active sessions of a close, at most `limit` + 1 (bound: match, limit). */
  activeBatch: `SELECT rowid FROM sessions WHERE ${CLOSE_MATCH} AND status = 'active' LIMIT ?`,
  clearHistory: "UPDATE sessions SET history_cleared = 1 WHERE rowid IN (SELECT value FROM json_each(?)) AND history_cleared = 0",
  closeRows: `UPDATE sessions SET status = 'closed', ended_at = ?, last_activity_at = ?, history_cleared = MAX(history_cleared, ?)
              WHERE rowid IN (SELECT value FROM json_each(?)) AND status = 'active'`,
  clearHistoryAll: `UPDATE sessions SET history_cleared = 1 WHERE ${CLOSE_MATCH} AND status <> 'active' AND history_cleared = 0`,
  closeAll: `UPDATE sessions SET status = 'closed', ended_at = ?, last_activity_at = ?, history_cleared = MAX(history_cleared, ?)
             WHERE ${CLOSE_MATCH} AND status = 'active'`,
  /** The oldest idle active sessions (bound: idle before, limit); index sessions_by_idleness. */
  idleBatch:
    "SELECT id FROM sessions INDEXED BY sessions_by_idleness WHERE status = 'active' AND last_activity_at < ? ORDER BY last_activity_at LIMIT ?",
  queueCallbacks: `INSERT INTO callbacks (session_id, partner_id, player_id, callback_id, created_at, state, attempts, next_attempt_at, updated_at)
                   SELECT id, partner_id, player_id, ${sqliteUuidV4}, ?, 'pending', 0, ?, ? FROM sessions
                   WHERE id IN (SELECT value FROM json_each(?)) AND status = 'active' AND partner_id IN (SELECT value FROM json_each(?))`,
  expire:
    "UPDATE sessions SET status = 'expired', ended_at = ? WHERE id IN (SELECT value FROM json_each(?)) AND status = 'active' RETURNING id, partner_id, player_id",
  /** Leases the due callbacks of one partner (bound: leased until, lease, partner, at, at, limit); index callbacks_due_by_partner. */
  claimPartner: `UPDATE callbacks SET leased_until = ?, lease = ?
                 WHERE session_id IN (SELECT session_id FROM callbacks INDEXED BY callbacks_due_by_partner
                                      WHERE partner_id = ? AND state = 'pending' AND next_attempt_at <= ? AND (leased_until IS NULL OR leased_until <= ?)
                                      ORDER BY next_attempt_at LIMIT ?)
                 RETURNING ${claimedColumns}`,
  /** The partners with pending callbacks, from the counters (a few rows): those not listed in a claim are claimed one by one. */
  partnersWithPending: "SELECT partner_id FROM callback_counts WHERE state = 'pending' AND count > 0",
  /**
   * The oldest callbacks of each state the filter allows, each state's through index
   * callbacks_by_age and at most the limit, merged (bound: partner, partner, state, limit).
   */
  listCallbacks: `SELECT * FROM (${(["pending", "failed", "delivered"] as const)
    .map(
      (
        state,
      ) => `SELECT * FROM (SELECT * FROM callbacks INDEXED BY callbacks_by_age WHERE state = '${state}' AND (?1 IS NULL OR partner_id = ?1)
                       AND (?2 IS NULL OR ?2 = '${state}') ORDER BY created_at LIMIT ?3)`,
    )
    .join(" UNION ALL ")}) ORDER BY created_at, session_id LIMIT ?3`,
  /** Bound: created before, limit; index idempotency_keys_by_age. */
  forgetKeys: `DELETE FROM idempotency_keys WHERE rowid IN (
                 SELECT rowid FROM idempotency_keys INDEXED BY idempotency_keys_by_age WHERE created_at < ? ORDER BY created_at LIMIT ?)`,
  /** Bound: delivered before, limit; index callbacks_delivered_by_time. */
  forgetDelivered: `DELETE FROM callbacks WHERE state = 'delivered' AND rowid IN (
                      SELECT rowid FROM callbacks INDEXED BY callbacks_delivered_by_time
                      WHERE state = 'delivered' AND delivered_at < ? ORDER BY delivered_at LIMIT ?)`,
  /** The next ended sessions in (ended_at, id) order after a cursor (bound: ended before, cursor time, cursor time, cursor id, limit). */
  endedBatch: `SELECT id, ended_at FROM sessions INDEXED BY sessions_ended_by_time
               WHERE status <> 'active' AND ended_at < ? AND (ended_at > ? OR (ended_at = ? AND id > ?)) ORDER BY ended_at, id LIMIT ?`,
  /** Deletes the listed sessions that no callback refers to any more (bound: JSON list of ids). */
  forgetEnded: `DELETE FROM sessions WHERE id IN (SELECT value FROM json_each(?)) AND status <> 'active'
                  AND NOT EXISTS (SELECT 1 FROM callbacks WHERE callbacks.session_id = sessions.id)`,
} as const;

/** Every statement of the SQLite store, by name (exported for the plan test). */
export const SQL = { ...sharedStatements(sqliteDialect), ...OWN } as const;
