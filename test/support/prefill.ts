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
 * - `pending`: sessions expired 10 minutes ago whose callback is pending and due (a live
 *   outbox);
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
  pending: number;
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
 * The shape of the scenario at size (test/bench/size-benchmark.ts), scaled to `sessions` rows:
 * 1,000,000 gives 100,000 idle, 300,000 closed a year ago, 550,000 old delivered
 * callbacks, 1,000 dead letters, 10,000 pending callbacks and 250,000 old keys.
 */
export function scenarioShape(sessions: number, now = Date.now()): PrefillShape {
  const share = (fraction: number) => Math.floor(sessions * fraction);
  return {
    sessions,
    idle: share(0.1),
    yearOld: share(0.3),
    oldCallbacks: share(0.55),
    deadLetters: share(0.001),
    pending: share(0.01),
    oldKeys: share(0.25),
    callbackPartner: "bench-callbacks",
    otherPartner: "bench-enter",
    now,
  };
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * Ranges [from, to) of the row number `i` (1-based) that each kind of session takes. Times
 * add the row number in milliseconds to keep rows distinct; the pending ones add their
 * number within their own range, so that they end (and are due) 10 minutes ago plus at
 * most their count in milliseconds, never in the future.
 */
function ranges(shape: PrefillShape) {
  const idleEnd = shape.idle;
  const yearEnd = idleEnd + shape.yearOld;
  const callbacksEnd = yearEnd + shape.oldCallbacks;
  const deadEnd = callbacksEnd + shape.deadLetters;
  const pendingEnd = deadEnd + shape.pending;
  if (pendingEnd > shape.sessions) throw new Error(`prefill: the kinds add up to ${pendingEnd} sessions, more than ${shape.sessions}`);
  return { idleEnd, yearEnd, callbacksEnd, deadEnd, pendingEnd };
}

/**
 * The SQL expressions (over the row number `i` and `sessions` columns) that both dialects
 * share; `int` casts a number for the dialect (`::bigint` on PostgreSQL).
 */
function kinds(shape: PrefillShape, int: (value: number) => string) {
  const { idleEnd, yearEnd, callbacksEnd, deadEnd, pendingEnd } = ranges(shape);
  const { now } = shape;
  const old = now - 40 * DAY;
  const recent = now - 10 * 60_000;
  return {
    partner: `CASE WHEN i <= ${idleEnd} OR (i > ${yearEnd} AND i <= ${pendingEnd}) THEN '${shape.callbackPartner}' ELSE '${shape.otherPartner}' END`,
    status: `CASE WHEN i <= ${idleEnd} THEN 'active' WHEN i <= ${yearEnd} OR i > ${pendingEnd} THEN 'closed' ELSE 'expired' END`,
    ended: `CASE WHEN i <= ${idleEnd} THEN NULL WHEN i <= ${yearEnd} THEN ${int(now - 365 * DAY)} + i WHEN i <= ${deadEnd} THEN ${int(old)} + i
                 WHEN i <= ${pendingEnd} THEN ${int(recent)} + (i - ${deadEnd}) ELSE ${int(now - HOUR)} + i % ${HOUR} END`,
    created: `CASE WHEN i <= ${idleEnd} THEN ${int(now - 2 * HOUR)} + i % 1000 WHEN i <= ${yearEnd} THEN ${int(now - 365 * DAY - HOUR)} + i
                   WHEN i <= ${deadEnd} THEN ${int(old - HOUR)} + i WHEN i <= ${pendingEnd} THEN ${int(recent - HOUR)} + (i - ${deadEnd}) ELSE ${int(now - 2 * HOUR)} + i % ${HOUR} END`,
    /** A callback's state from its session's end (over `sessions.ended_at`). */
    callbackState: `CASE WHEN ended_at > ${int(now - DAY)} THEN 'pending' WHEN ended_at > ${int(old + callbacksEnd)} THEN 'failed' ELSE 'delivered' END`,
  };
}

/**
 * The SQL statements that fill a migrated SQLite database (run them in one transaction;
 * `db.exec` of the joined text does).
 */
export function sqlitePrefill(shape: PrefillShape): string[] {
  const { now } = shape;
  const kind = kinds(shape, String);
  const series = (count: number) => `WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ${count})`;
  const hex = (bytes: number, salt: number) =>
    shape.keys === "sequential" ? `printf('%0${bytes * 2}x', i * 4 + ${salt})` : `lower(hex(randomblob(${bytes})))`;
  return [
    `${series(shape.sessions)}
     INSERT INTO sessions (id, partner_id, player_id, player_nickname, game_id, game_type, currency, language, partner_session_id, player_ip,
                           token_hash, status, history_cleared, created_at, last_activity_at, ended_at)
     SELECT ${hex(16, 0)}, ${kind.partner}, 'player-' || (abs(random()) % 100000), 'LuckyLuca', 'lm_monaco_riches', 'slot', 'EUR', 'en', 'op-session-' || i,
            '203.0.113.42', ${hex(32, 0)}, ${kind.status}, 0, ${kind.created}, COALESCE(${kind.ended}, ${kind.created}), ${kind.ended}
     FROM s`,
    `INSERT INTO callbacks (session_id, partner_id, player_id, callback_id, created_at, state, attempts, next_attempt_at, last_status, delivered_at, last_error, updated_at)
     SELECT id, partner_id, player_id, ${shape.keys === "sequential" ? "id" : "lower(hex(randomblob(16)))"}, ended_at, state, CASE state WHEN 'pending' THEN 0 ELSE 1 END,
            ended_at, CASE state WHEN 'delivered' THEN 200 WHEN 'failed' THEN 400 END, CASE state WHEN 'delivered' THEN ended_at + 100 END,
            CASE state WHEN 'failed' THEN 'HTTP 400' END, ended_at + 100
     FROM (SELECT *, ${kind.callbackState} AS state FROM sessions WHERE status = 'expired')`,
    `${series(shape.oldKeys)}
     INSERT INTO idempotency_keys (partner_id, uuid, operation_id, fingerprint, session_id, created_at)
     SELECT '${shape.otherPartner}', ${hex(16, 1)}, 'enterGameSession', ${hex(32, 1)}, NULL, ${now - 3 * DAY} + i FROM s`,
    `INSERT INTO idempotency_keys (partner_id, uuid, operation_id, fingerprint, session_id, created_at)
     SELECT partner_id, id, 'enterGameSession', token_hash, id, created_at FROM sessions WHERE created_at > ${now - 3 * HOUR}`,
  ];
}

/** The SQL statements that fill a migrated PostgreSQL database (each its own statement). */
export function postgresPrefill(shape: PrefillShape): string[] {
  const { now } = shape;
  const kind = kinds(shape, (value) => `${value}::bigint`);
  const hex = (bytes: number, salt = 0) =>
    shape.keys === "sequential" ? `lpad(to_hex(i * 4 + ${salt}), ${bytes * 2}, '0')` : `encode(gen_random_bytes(${bytes}), 'hex')`;
  return [
    "CREATE EXTENSION IF NOT EXISTS pgcrypto",
    `INSERT INTO sessions (id, partner_id, player_id, player_nickname, game_id, game_type, currency, language, partner_session_id, player_ip,
                           token_hash, status, history_cleared, created_at, last_activity_at, ended_at)
     SELECT ${hex(16)}, ${kind.partner}, 'player-' || floor(random() * 100000)::int, 'LuckyLuca', 'lm_monaco_riches', 'slot', 'EUR', 'en', 'op-session-' || i,
            '203.0.113.42', ${hex(32)}, ${kind.status}, false, ${kind.created}, COALESCE(${kind.ended}, ${kind.created}), ${kind.ended}
     FROM generate_series(1, ${shape.sessions}) AS s(i)`,
    `INSERT INTO callbacks (session_id, partner_id, player_id, callback_id, created_at, state, attempts, next_attempt_at, last_status, delivered_at, last_error, updated_at)
     SELECT id, partner_id, player_id, ${shape.keys === "sequential" ? "id" : "gen_random_uuid()::text"}, ended_at, state, CASE state WHEN 'pending' THEN 0 ELSE 1 END,
            ended_at, CASE state WHEN 'delivered' THEN 200 WHEN 'failed' THEN 400 END, CASE state WHEN 'delivered' THEN ended_at + 100 END,
            CASE state WHEN 'failed' THEN 'HTTP 400' END, ended_at + 100
     FROM (SELECT *, ${kind.callbackState} AS state FROM sessions WHERE status = 'expired') expired`,
    `INSERT INTO idempotency_keys (partner_id, uuid, operation_id, fingerprint, session_id, created_at)
     SELECT '${shape.otherPartner}', ${hex(16, 1)}, 'enterGameSession', ${hex(32, 1)}, NULL, ${now - 3 * DAY}::bigint + i FROM generate_series(1, ${shape.oldKeys}) AS s(i)`,
    `INSERT INTO idempotency_keys (partner_id, uuid, operation_id, fingerprint, session_id, created_at)
     SELECT partner_id, id, 'enterGameSession', token_hash, id, created_at FROM sessions WHERE created_at > ${now - 3 * HOUR}`,
  ];
}

/**
 * Fills a migrated SQLite database (`db`, a libsql connection) with `shape`, fast: the
 * indexes the migrations made are dropped during the fill and built again from their own
 * definitions afterwards (sorting once beats a million random inserts into each).
 */
export function fillSqlite(db: { exec(sql: string): unknown; prepare(sql: string): { all(): unknown[] } }, shape: PrefillShape): void {
  const indexes = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL").all() as {
    name: string;
    sql: string;
  }[];
  db.exec("BEGIN");
  for (const index of indexes) db.exec(`DROP INDEX ${index.name}`);
  for (const statement of sqlitePrefill(shape)) db.exec(statement);
  for (const index of indexes) db.exec(index.sql);
  db.exec("COMMIT");
}

/**
 * Fills a migrated PostgreSQL database with `shape`, fast: its secondary indexes (not those
 * of a constraint) are dropped during the fill and built again from `pg_indexes`, then
 * the tables are analyzed.
 */
export async function fillPostgres(
  query: (sql: string) => Promise<{ rows: Record<string, unknown>[] }>,
  shape: PrefillShape,
): Promise<void> {
  const { rows } =
    await query(`SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename IN ('sessions', 'callbacks', 'idempotency_keys')
                                  AND indexname NOT IN (SELECT conname FROM pg_constraint)`);
  for (const row of rows) await query(`DROP INDEX ${row.indexname}`);
  for (const statement of postgresPrefill(shape)) await query(statement);
  for (const row of rows) await query(row.indexdef as string);
  await query("ANALYZE");
}
