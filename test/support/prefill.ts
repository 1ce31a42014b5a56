/**
 * Realistic data at size, for the plan test (test/integration/store/plans.test.ts) and the
 * benchmark at size (`npm run bench -- --rows N`): a database as it looks after years of
 * service, filled with one `INSERT … SELECT` per kind of row (a recursive CTE on SQLite,
 * `generate_series` on PostgreSQL), a million rows in seconds. Call it on a migrated,
 * empty database.
 *
 * Of `sessions` rows (fractions of it, rounded down):
 * - `idle`: active sessions of `callbackPartner`, idle for 2 hours (an expiry backlog: they
 *   expire at the first sweep, and each gets a callback);
 * - `yearOld`: sessions closed a year ago, with no callback (session retention removes them);
 * - `oldCallbacks`: sessions expired 40 days ago, each with a callback delivered then (past
 *   the 30-day callback retention; the session itself is within a 90-day retention);
 * - `deadLetters`: sessions expired 40 days ago whose callback failed (never deleted);
 * - the rest: sessions closed within the last hour.
 * Plus `oldKeys` idempotency keys created 3 days ago (past the 48 h pruning) and one recent
 * key per recent session. Players are spread over 100,000 ids per partner; ids and token
 * hashes are random hex, as years of ENTERs before time-ordered ids would have left them.
 */

/** How much of each kind to write. */
export interface PrefillShape {
  sessions: number;
  idle: number;
  yearOld: number;
  oldCallbacks: number;
  deadLetters: number;
  oldKeys: number;
  /** Partner of the idle sessions and the callbacks (callbacks switched on). */
  callbackPartner: string;
  /** Partner of the other sessions. */
  otherPartner: string;
  /** Now, epoch milliseconds. */
  now: number;
  /**
   * `random` (default): ids and token hashes are random hex, as years of ENTERs before
   * time-ordered ids left them: the benchmark's worst case. `sequential`: distinct hex in
   * row order, which fills several times faster (for the plan test, where the planner's
   * choices depend on counts, not on the order of keys).
   */
  keys?: "random" | "sequential";
}

/**
 * The shape of the growth issue's acceptance scenario, scaled to `sessions` rows:
 * 1,000,000 gives 100,000 idle, 300,000 closed a year ago, 550,000 old delivered
 * callbacks, 1,000 dead letters and 250,000 old keys.
 */
export function scenarioShape(sessions: number, now = Date.now()): PrefillShape {
  const share = (fraction: number) => Math.floor(sessions * fraction);
  return {
    sessions,
    idle: share(0.1),
    yearOld: share(0.3),
    oldCallbacks: share(0.55),
    deadLetters: share(0.001),
    oldKeys: share(0.25),
    callbackPartner: "bench-callbacks",
    otherPartner: "bench-enter",
    now,
  };
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Ranges [from, to) of the row number `i` (1-based) that each kind of session takes. */
function ranges(shape: PrefillShape) {
  const idleEnd = shape.idle;
  const yearEnd = idleEnd + shape.yearOld;
  const callbacksEnd = yearEnd + shape.oldCallbacks;
  const deadEnd = callbacksEnd + shape.deadLetters;
  if (deadEnd > shape.sessions) throw new Error(`prefill: the kinds add up to ${deadEnd} sessions, more than ${shape.sessions}`);
  return { idleEnd, yearEnd, callbacksEnd, deadEnd };
}

/**
 * The SQL statements that fill a migrated SQLite database (run them in one transaction;
 * `db.exec` of the joined text does).
 */
export function sqlitePrefill(shape: PrefillShape): string[] {
  const { idleEnd, yearEnd, callbacksEnd, deadEnd } = ranges(shape);
  const { now } = shape;
  const failedAfter = now - 40 * DAY + callbacksEnd;
  const series = (count: number) => `WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ${count})`;
  const hex = (bytes: number, salt: number) => (shape.keys === "sequential" ? `printf('%0${bytes * 2}x', i * 4 + ${salt})` : `lower(hex(randomblob(${bytes})))`);
  const status = `CASE WHEN i <= ${idleEnd} THEN 'active' WHEN i <= ${yearEnd} OR i > ${deadEnd} THEN 'closed' ELSE 'expired' END`;
  const ended = `CASE WHEN i <= ${idleEnd} THEN NULL WHEN i <= ${yearEnd} THEN ${now - 365 * DAY} + i WHEN i <= ${deadEnd} THEN ${now - 40 * DAY} + i ELSE ${now - HOUR} + i % ${HOUR} END`;
  const created = `CASE WHEN i <= ${idleEnd} THEN ${now - 2 * HOUR} + i % 1000 WHEN i <= ${yearEnd} THEN ${now - 365 * DAY - HOUR} + i WHEN i <= ${deadEnd} THEN ${now - 40 * DAY - HOUR} + i ELSE ${now - 2 * HOUR} + i % ${HOUR} END`;
  return [
    `${series(shape.sessions)}
     INSERT INTO sessions (id, partner_id, player_id, player_nickname, game_id, game_type, currency, language, partner_session_id, player_ip,
                           token_hash, status, history_cleared, created_at, last_activity_at, ended_at)
     SELECT ${hex(16, 0)}, CASE WHEN i <= ${idleEnd} OR (i > ${yearEnd} AND i <= ${deadEnd}) THEN '${shape.callbackPartner}' ELSE '${shape.otherPartner}' END,
            'player-' || (abs(random()) % 100000), 'LuckyLuca', 'lm_monaco_riches', 'slot', 'EUR', 'en', 'op-session-' || i, '203.0.113.42',
            ${hex(32, 0)}, ${status}, 0, ${created}, COALESCE(${ended}, ${created}), ${ended}
     FROM s`,
    `INSERT INTO callbacks (session_id, partner_id, player_id, callback_id, created_at, state, attempts, next_attempt_at, last_status, delivered_at, last_error, updated_at)
     SELECT id, partner_id, player_id, ${shape.keys === "sequential" ? "id" : "lower(hex(randomblob(16)))"}, ended_at,
            CASE WHEN ended_at > ${failedAfter} THEN 'failed' ELSE 'delivered' END,
            1, ended_at, 200, CASE WHEN ended_at > ${failedAfter} THEN NULL ELSE ended_at + 100 END,
            CASE WHEN ended_at > ${failedAfter} THEN 'HTTP 400' END, ended_at + 100
     FROM sessions WHERE status = 'expired'`,
    `${series(shape.oldKeys)}
     INSERT INTO idempotency_keys (partner_id, uuid, operation_id, fingerprint, session_id, created_at)
     SELECT '${shape.otherPartner}', ${hex(16, 1)}, 'enterGameSession', ${hex(32, 1)}, NULL, ${now - 3 * DAY} + i FROM s`,
    `INSERT INTO idempotency_keys (partner_id, uuid, operation_id, fingerprint, session_id, created_at)
     SELECT partner_id, id, 'enterGameSession', token_hash, id, created_at FROM sessions WHERE created_at > ${now - 3 * HOUR}`,
  ];
}

/** The SQL statements that fill a migrated PostgreSQL database (each its own statement). */
export function postgresPrefill(shape: PrefillShape): string[] {
  const { idleEnd, yearEnd, callbacksEnd, deadEnd } = ranges(shape);
  const { now } = shape;
  const hex = (bytes: number, salt = 0) => (shape.keys === "sequential" ? `lpad(to_hex(i * 4 + ${salt}), ${bytes * 2}, '0')` : `encode(gen_random_bytes(${bytes}), 'hex')`);
  const status = `CASE WHEN i <= ${idleEnd} THEN 'active' WHEN i <= ${yearEnd} OR i > ${deadEnd} THEN 'closed' ELSE 'expired' END`;
  const ended = `CASE WHEN i <= ${idleEnd} THEN NULL WHEN i <= ${yearEnd} THEN ${now - 365 * DAY}::bigint + i WHEN i <= ${deadEnd} THEN ${now - 40 * DAY}::bigint + i ELSE ${now - HOUR}::bigint + i % ${HOUR} END`;
  const created = `CASE WHEN i <= ${idleEnd} THEN ${now - 2 * HOUR}::bigint + i % 1000 WHEN i <= ${yearEnd} THEN ${now - 365 * DAY - HOUR}::bigint + i WHEN i <= ${deadEnd} THEN ${now - 40 * DAY - HOUR}::bigint + i ELSE ${now - 2 * HOUR}::bigint + i % ${HOUR} END`;
  const failedAfter = now - 40 * DAY + callbacksEnd;
  return [
    "CREATE EXTENSION IF NOT EXISTS pgcrypto",
    `INSERT INTO sessions (id, partner_id, player_id, player_nickname, game_id, game_type, currency, language, partner_session_id, player_ip,
                           token_hash, status, history_cleared, created_at, last_activity_at, ended_at)
     SELECT ${hex(16)}, CASE WHEN i <= ${idleEnd} OR (i > ${yearEnd} AND i <= ${deadEnd}) THEN '${shape.callbackPartner}' ELSE '${shape.otherPartner}' END,
            'player-' || floor(random() * 100000)::int, 'LuckyLuca', 'lm_monaco_riches', 'slot', 'EUR', 'en', 'op-session-' || i, '203.0.113.42',
            ${hex(32)}, ${status}, false, ${created}, COALESCE(${ended}, ${created}), ${ended}
     FROM generate_series(1, ${shape.sessions}) AS s(i)`,
    `INSERT INTO callbacks (session_id, partner_id, player_id, callback_id, created_at, state, attempts, next_attempt_at, last_status, delivered_at, last_error, updated_at)
     SELECT id, partner_id, player_id, ${shape.keys === "sequential" ? "id" : "gen_random_uuid()::text"}, ended_at,
            CASE WHEN ended_at > ${failedAfter} THEN 'failed' ELSE 'delivered' END, 1, ended_at, 200,
            CASE WHEN ended_at > ${failedAfter} THEN NULL ELSE ended_at + 100 END,
            CASE WHEN ended_at > ${failedAfter} THEN 'HTTP 400' END, ended_at + 100
     FROM sessions WHERE status = 'expired'`,
    `INSERT INTO idempotency_keys (partner_id, uuid, operation_id, fingerprint, session_id, created_at)
     SELECT '${shape.otherPartner}', ${hex(16, 1)}, 'enterGameSession', ${hex(32, 1)}, NULL, ${now - 3 * DAY}::bigint + i FROM generate_series(1, ${shape.oldKeys}) AS s(i)`,
    `INSERT INTO idempotency_keys (partner_id, uuid, operation_id, fingerprint, session_id, created_at)
     SELECT partner_id, id, 'enterGameSession', token_hash, id, created_at FROM sessions WHERE created_at > ${now - 3 * HOUR}`,
    "ANALYZE",
  ];
}
