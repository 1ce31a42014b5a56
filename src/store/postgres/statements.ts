/**
 * The PostgreSQL store's statements by name: those both stores share (../statements.ts) and
 * its own. Every write is ONE statement (data-modifying CTEs), atomic without an explicit
 * transaction. test/integration/store/plans.test.ts holds each to an index at a million
 * rows, as planned for its values and as planned once for any values (a prepared
 * statement's generic plan).
 */
import { claimedColumns } from "../callback-rows.js";
import { postgresDialect, sharedStatements } from "../statements.js";

/** The sessions a close call ends, with the filter in $1 partner, $2 player, $3 game (or NULL). */
const CLOSE_MATCH = "partner_id = $1 AND player_id = $2 AND ($3::text IS NULL OR game_id = $3)";
/** Clears history on the ended matching sessions and closes the active ones, if `key` holds a row ($4 clearHistory, $5 at). */
const CLOSE_CTES = `
  cleared AS (UPDATE sessions SET history_cleared = true
              WHERE $4 AND ${CLOSE_MATCH} AND status <> 'active' AND NOT history_cleared AND EXISTS (SELECT FROM key)),
  closed AS (UPDATE sessions SET status = 'closed', ended_at = $5, last_activity_at = $5, history_cleared = history_cleared OR $4
             WHERE ${CLOSE_MATCH} AND status = 'active' AND EXISTS (SELECT FROM key) RETURNING 1)`;

/** The statements of this store alone. */
const OWN = {
  openSession: `
    WITH key AS (
      INSERT INTO idempotency_keys (partner_id, uuid, operation_id, fingerprint, session_id, created_at)
      VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (partner_id, uuid) DO NOTHING RETURNING 1
    ), created AS (
      INSERT INTO sessions (id, partner_id, player_id, player_nickname, game_id, game_type, currency, language,
                            partner_session_id, player_ip, token_hash, status, created_at, last_activity_at)
      SELECT $5, $1, $7, $8, $9, $10, $11, $12, $13, $14, $15, 'active', $6, $6 FROM key RETURNING 1
    )
    SELECT (SELECT count(*) FROM created)::int AS created`,
  closeSessions: `WITH key AS (SELECT 1), ${CLOSE_CTES} SELECT (SELECT count(*) FROM closed)::int AS closed`,
  closeSessionsOnce: `
    WITH key AS (
      INSERT INTO idempotency_keys (partner_id, uuid, operation_id, fingerprint, session_id, created_at)
      VALUES ($1, $6, $7, $8, NULL, $5) ON CONFLICT (partner_id, uuid) DO NOTHING RETURNING 1
    ), ${CLOSE_CTES}
    SELECT (SELECT count(*) FROM key)::int AS created`,
  /** $1 at, $2 idle before, $3 partners with callbacks, $4 limit: the longest idle first, rows others hold skipped. */
  expire: `
    WITH batch AS (
      SELECT id FROM sessions WHERE status = 'active' AND last_activity_at < $2 ORDER BY last_activity_at LIMIT $4 FOR UPDATE SKIP LOCKED
    ), expired AS (
      UPDATE sessions SET status = 'expired', ended_at = $1 FROM batch
      WHERE sessions.id = batch.id AND sessions.status = 'active'
      RETURNING sessions.id, sessions.partner_id, sessions.player_id
    ), queued AS (
      INSERT INTO callbacks (session_id, partner_id, player_id, callback_id, created_at, state, attempts, next_attempt_at, updated_at)
      SELECT id, partner_id, player_id, gen_random_uuid()::text, $1, 'pending', 0, $1, $1 FROM expired WHERE partner_id = ANY ($3::text[])
    )
    SELECT id, partner_id, player_id FROM expired`,
  /**
   * $1 at, $2 lease ms, $3 partners, $4 their limits, $5 limit of the partners not listed,
   * $6 lease token, $7 the largest of $4. Each partner's due callbacks are read and locked
   * up to $7, a parameter the planner knows (a per-row `LIMIT quota.slots` made it sort
   * every due callback instead of walking the index), then cut to the partner's own limit;
   * the few locked beyond it are free again when the statement ends, and a concurrent claim
   * that passed over them leaves them to the next one.
   */
  claimCallbacks: `
    WITH quota AS (SELECT * FROM unnest($3::text[], $4::int[]) AS q(partner_id, slots)),
    listed AS (
      SELECT due.session_id FROM quota CROSS JOIN LATERAL (
        SELECT session_id, row_number() OVER (ORDER BY next_attempt_at) AS rank FROM (
          SELECT session_id, next_attempt_at FROM callbacks c
          WHERE c.partner_id = quota.partner_id AND c.state = 'pending' AND c.next_attempt_at <= $1 AND (c.leased_until IS NULL OR c.leased_until <= $1)
          ORDER BY c.next_attempt_at LIMIT $7 FOR UPDATE SKIP LOCKED) first) due
      WHERE due.rank <= quota.slots
    ), unlisted AS (
      SELECT due.session_id FROM (
        SELECT partner_id FROM callback_counts WHERE state = 'pending' AND count > 0 AND partner_id <> ALL ($3::text[]) AND $5 > 0) others
      CROSS JOIN LATERAL (
        SELECT session_id FROM callbacks c
        WHERE c.partner_id = others.partner_id AND c.state = 'pending' AND c.next_attempt_at <= $1 AND (c.leased_until IS NULL OR c.leased_until <= $1)
        ORDER BY c.next_attempt_at LIMIT $5 FOR UPDATE SKIP LOCKED) due
      LIMIT $5
    )
    UPDATE callbacks SET leased_until = $1::bigint + $2::bigint, lease = $6
    WHERE session_id IN (SELECT session_id FROM listed UNION ALL SELECT session_id FROM unlisted)
    RETURNING ${claimedColumns}`,
  /** The oldest callbacks of each state the filter allows ($1 partner, $2 state, $3 limit), each state's through an index, merged. */
  listCallbacks: `
    SELECT * FROM (${(["pending", "failed", "delivered"] as const)
      .map(
        (
          state,
        ) => `(SELECT * FROM callbacks WHERE state = '${state}' AND ($1::text IS NULL OR partner_id = $1) AND ($2::text IS NULL OR $2 = '${state}')
                        ORDER BY created_at LIMIT $3)`,
      )
      .join(" UNION ALL ")}) listed
    ORDER BY created_at, session_id LIMIT $3`,
  /**
   * $1 created before, $2 limit. The rows are chosen and locked by the index, then deleted
   * by their row address (a TID scan), a plan that stays the same for any limit.
   */
  forgetKeys: `
    DELETE FROM idempotency_keys WHERE ctid = ANY (ARRAY(
      SELECT ctid FROM idempotency_keys WHERE created_at < $1 ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED))`,
  /**
   * $1 ended before, $2 and $3 the cursor (ended_at, id), $4 limit: the next ended sessions
   * after the cursor, and of those deleted the ones no callback refers to.
   */
  forgetEnded: `
    WITH batch AS MATERIALIZED (
      SELECT id, ended_at FROM sessions WHERE status <> 'active' AND ended_at < $1 AND (ended_at, id) > ($2::bigint, $3::text)
      ORDER BY ended_at, id LIMIT $4
    ), doomed AS (
      SELECT s.id FROM sessions s JOIN batch ON batch.id = s.id
      WHERE NOT EXISTS (SELECT FROM callbacks c WHERE c.session_id = s.id) FOR UPDATE OF s SKIP LOCKED
    ), deleted AS (
      DELETE FROM sessions s USING doomed WHERE s.id = doomed.id AND s.status <> 'active' RETURNING 1
    ), last AS (SELECT ended_at, id FROM batch ORDER BY ended_at DESC, id DESC LIMIT 1)
    SELECT (SELECT count(*) FROM deleted)::int AS deleted, (SELECT count(*) FROM batch)::int AS visited,
           (SELECT ended_at FROM last) AS last_ended_at, (SELECT id FROM last) AS last_id`,
  // The rows are chosen and locked once by the index (a `LIMIT … FOR UPDATE` subquery under
  // IN may be re-run by the plan and pick more), then deleted by their row address (a TID
  // scan, the same plan for any limit); rows locked by a redelivery are skipped, and
  // `state = 'delivered'` is checked again on delete, so a callback re-queued meanwhile stays.
  forgetDelivered: `
    DELETE FROM callbacks WHERE ctid = ANY (ARRAY(
      SELECT ctid FROM callbacks WHERE state = 'delivered' AND delivered_at < $1 ORDER BY delivered_at LIMIT $2 FOR UPDATE SKIP LOCKED))
    AND state = 'delivered'`,
} as const;

/** Every statement of the PostgreSQL store, by name: each is prepared once per connection (exported for the plan test). */
export const SQL = { ...sharedStatements(postgresDialect), ...OWN } as const;

/**
 * Statements planned on every call for their values, never as a prepared statement with a
 * plan for any values: a generic plan of the merged list (a CLI command) reads whole
 * tables. test/integration/store/plans.test.ts holds every other statement's generic
 * plan to an index.
 */
export const PLANNED_PER_CALL: ReadonlySet<keyof typeof SQL> = new Set(["listCallbacks"]);
