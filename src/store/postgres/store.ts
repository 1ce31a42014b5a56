/**
 * `SessionStore` on PostgreSQL through `pg` (node-postgres, pure JavaScript), for
 * deployments of several instances on one database (issue "Storage that outgrows one
 * machine").
 *
 * Every write is ONE statement (data-modifying CTEs), so it is atomic without an explicit
 * transaction and costs one round trip; the caller is answered after its COMMIT. ENTERs of
 * one event-loop turn share one statement (group commit, open-session-batch.ts).
 * - Idempotency: `INSERT … ON CONFLICT DO NOTHING` on the key's primary key. A concurrent
 *   insert of the same key, on any instance, waits for the first to commit and then finds
 *   it, so exactly one request takes effect; the others replay or conflict. The session
 *   and its key are inserted in the same statement: neither exists without the other.
 * - Expiry: `UPDATE … WHERE status = 'active'` over rows locked `FOR UPDATE SKIP LOCKED`;
 *   a session ends once, and its callback is queued in the same statement.
 * - Callbacks (the outbox): claimed per partner with `FOR UPDATE SKIP LOCKED` and a lease
 *   (`leased_until`, `lease`), in one statement for all partners; the attempts of one
 *   event-loop turn are recorded in one multi-row UPDATE (attempt-batch.ts).
 * - A statement that loses a deadlock or a serialization check (SQLSTATE 40P01, 40001) is
 *   retried, up to 3 times: it was rolled back whole.
 *
 * Faults: the pool's idle-connection errors (the server restarted, the network dropped)
 * are reported to `onBackgroundError` and never crash the process; a request during an
 * outage fails (the API answers 500 `G.01`), and the pool reconnects on its own once the
 * database is back. Waiting for a pooled connection or connecting gives up after
 * `connectTimeoutMs` (3 s), a statement after `statementTimeoutMs` (4 s, and the client 1 s
 * later when the server does not answer at all), so a request is answered, at worst with
 * 500 `G.01`, within about 8 s: inside the 10 s client timeout the docs recommend. A
 * failed batch is not retried call by call when the database is unreachable
 * (../group-commit.ts), which would add a timeout per call.
 */
import { randomUUID } from "node:crypto";
import pg from "pg";
import { attemptValues, byDueTime, claimedColumns, toCallbackStats, toPendingCallback, toStoredCallback } from "../callback-rows.js";
import { toStoredSession } from "../session-rows.js";
import type {
  CallbackAttempt,
  CallbackClaim,
  CallbackFilter,
  CallbackStats,
  CloseFilter,
  EndedSessionsBatch,
  EndedSessionsCursor,
  ExpiredSession,
  Idempotent,
  IdempotencyKey,
  NewSession,
  PendingCallback,
  RedeliveryTarget,
  SessionStore,
  StoredCallback,
  StoredSession,
} from "../session-store.js";
import { AttemptBatch } from "./attempt-batch.js";
import { migratePostgres } from "./migrations.js";
import { OpenSessionBatch } from "./open-session-batch.js";

/** Options of `openPostgresStore`. */
export interface PostgresStoreOptions {
  /** `postgres://user:password@host:port/database` (or `postgresql://`). */
  url: string;
  /** Connections in the pool. Default 10. */
  poolSize?: number;
  /** Give up waiting for a pooled connection, or connecting, after this long, milliseconds. Default 3000. */
  connectTimeoutMs?: number;
  /** Server-side `statement_timeout`, milliseconds; the client gives up 1 s later. Default 4000. */
  statementTimeoutMs?: number;
  /** Called with errors of idle pooled connections (which are then discarded). */
  onBackgroundError?: (error: Error) => void;
}

/**
 * Creates the pool and checks that the database answers; call `migrate()` before use.
 *
 * @throws the driver's error when the database cannot be reached or refuses the
 *   credentials (describe it with `describePostgresError`)
 */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<SessionStore> {
  const statementTimeoutMs = options.statementTimeoutMs ?? 4000;
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 3000,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    statement_timeout: statementTimeoutMs,
    query_timeout: statementTimeoutMs + 1000,
    application_name: "session-api",
  });
  pool.on("error", (error) => options.onBackgroundError?.(error));
  try {
    await pool.query("SELECT 1");
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
  return new PostgresSessionStore(pool);
}

type Row = Record<string, unknown>;


/** The sessions a close call ends, with the filter in $1 partner, $2 player, $3 game (or NULL). */
const CLOSE_MATCH = "partner_id = $1 AND player_id = $2 AND ($3::text IS NULL OR game_id = $3)";
/** Clears history on the ended matching sessions and closes the active ones, if `key` holds a row ($4 clearHistory, $5 at). */
const CLOSE_CTES = `
  cleared AS (UPDATE sessions SET history_cleared = true
              WHERE $4 AND ${CLOSE_MATCH} AND status <> 'active' AND NOT history_cleared AND EXISTS (SELECT FROM key)),
  closed AS (UPDATE sessions SET status = 'closed', ended_at = $5, last_activity_at = $5, history_cleared = history_cleared OR $4
             WHERE ${CLOSE_MATCH} AND status = 'active' AND EXISTS (SELECT FROM key) RETURNING 1)`;

/** Statements by name: each is prepared once per connection (exported for the plan test). */
export const SQL = {
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
  readKey: "SELECT operation_id, fingerprint, session_id FROM idempotency_keys WHERE partner_id = $1 AND uuid = $2",
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
  recordAttempt: `
    UPDATE callbacks SET state = $1, attempts = attempts + 1, next_attempt_at = coalesce($2, next_attempt_at), last_error = $3, last_status = $4,
                         delivered_at = coalesce($5, delivered_at), updated_at = $6, leased_until = NULL, lease = NULL
    WHERE session_id = $7 AND lease = $8`,
  /** The oldest callbacks of each state the filter allows ($1 partner, $2 state, $3 limit), each state's through an index, merged. */
  listCallbacks: `
    SELECT * FROM (${(["pending", "failed", "delivered"] as const)
      .map((state) => `(SELECT * FROM callbacks WHERE state = '${state}' AND ($1::text IS NULL OR partner_id = $1) AND ($2::text IS NULL OR $2 = '${state}')
                        ORDER BY created_at LIMIT $3)`)
      .join(" UNION ALL ")}) listed
    ORDER BY created_at, session_id LIMIT $3`,
  redeliverSessions: `
    UPDATE callbacks SET state = 'pending', attempts = 0, next_attempt_at = $1, updated_at = $1
    WHERE session_id = ANY ($2::text[]) RETURNING session_id`,
  redeliverFailed: `
    UPDATE callbacks SET state = 'pending', attempts = 0, next_attempt_at = $1, updated_at = $1
    WHERE partner_id = $2 AND state = 'failed' RETURNING session_id`,
  countCallbacks: "SELECT partner_id, state, count FROM callback_counts WHERE count > 0",
  oldestPending: "SELECT min(created_at) AS oldest FROM callbacks WHERE state = 'pending'",
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
  sessionById: "SELECT * FROM sessions WHERE id = $1",
  sessionByTokenHash: "SELECT * FROM sessions WHERE token_hash = $1",
  ping: "SELECT 1",
  heartbeat: "UPDATE heartbeat SET at = $1 WHERE id = 1",
} as const;

/**
 * Statements planned on every call for their values, never as a prepared statement with a
 * plan for any values: a generic plan of the merged list (a CLI command) reads whole
 * tables. test/integration/store/plans.test.ts holds every other statement's generic
 * plan to an index.
 */
export const PLANNED_PER_CALL: ReadonlySet<keyof typeof SQL> = new Set(["listCallbacks"]);

/** SQLSTATEs after which a single statement is simply run again: it was rolled back whole. */
const RETRYABLE = new Set(["40P01", "40001"]);

class PostgresSessionStore implements SessionStore {
  /**
   * A batch runs in the database and blocks no request of this process: aim at 200 ms, a
   * twentieth of the statement timeout, so that one batch never comes near it.
   */
  readonly batchBudget = { targetMs: 200, initialRows: 500, minRows: 50, maxRows: 5000 };
  private readonly openBatch: OpenSessionBatch;
  private readonly attempts: AttemptBatch;

  constructor(private readonly pool: pg.Pool) {
    this.attempts = new AttemptBatch(pool, async (callback, attempt, at) => {
      const result = await this.query("recordAttempt", [...attemptValues(attempt, at), at, callback.sessionId, callback.lease]);
      return result.rowCount === 1;
    });
    this.openBatch = new OpenSessionBatch({ pool, single: (key, session) => this.openSessionAlone(key, session), existing: (key) => this.storedKey(key) as Promise<Idempotent<{ sessionId: string }> | undefined> });
  }

  /** Runs the named statement, again (up to 3 times in all) if it lost a deadlock or serialization check. */
  private async query(name: keyof typeof SQL, values: unknown[] = []): Promise<pg.QueryResult<Row>> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.pool.query<Row>(PLANNED_PER_CALL.has(name) ? { text: SQL[name], values } : { name, text: SQL[name], values });
      } catch (error) {
        if (attempt >= 3 || !RETRYABLE.has((error as { code?: string }).code ?? "")) throw error;
      }
    }
  }

  migrate(): Promise<void> {
    return migratePostgres(this.pool);
  }

  /** Classifies a key that was there already (the insert did nothing); undefined if it vanished meanwhile. */
  private async storedKey(key: IdempotencyKey): Promise<Idempotent<{ sessionId: string | null }> | undefined> {
    const stored = (await this.query("readKey", [key.partnerId, key.uuid])).rows[0];
    if (!stored) return undefined;
    return stored.operation_id === key.operationId && stored.fingerprint === key.fingerprint
      ? { outcome: "replayed", value: { sessionId: stored.session_id as string | null } }
      : { outcome: "conflict" };
  }

  openSession(key: IdempotencyKey, session: NewSession): Promise<Idempotent<{ sessionId: string }>> {
    return this.openBatch.open(key, session);
  }

  /** `openSession` in a statement of its own. */
  private async openSessionAlone(key: IdempotencyKey, session: NewSession): Promise<Idempotent<{ sessionId: string }>> {
    for (;;) {
      const result = await this.query("openSession", [
        key.partnerId, key.uuid, key.operationId, key.fingerprint, session.id, session.createdAt,
        session.playerId, session.playerNickname ?? null, session.gameId, session.gameType, session.currency, session.language,
        session.partnerSessionId, session.playerIp, session.tokenHash,
      ]);
      if (result.rows[0]!.created === 1) return { outcome: "created", value: { sessionId: session.id } };
      // The key existed; read it. If it was forgotten in between (older than 48 h), try again.
      const stored = await this.storedKey(key);
      if (stored) return stored as Idempotent<{ sessionId: string }>;
    }
  }

  async closeSessions(filter: CloseFilter, at: number): Promise<number> {
    const result = await this.query("closeSessions", [filter.partnerId, filter.playerId, filter.gameId ?? null, filter.clearHistory, at]);
    return result.rows[0]!.closed as number;
  }

  async closeSessionsOnce(key: IdempotencyKey, filter: CloseFilter, at: number): Promise<Idempotent<undefined>> {
    for (;;) {
      const result = await this.query("closeSessionsOnce", [filter.partnerId, filter.playerId, filter.gameId ?? null, filter.clearHistory, at, key.uuid, key.operationId, key.fingerprint]);
      if (result.rows[0]!.created === 1) return { outcome: "created", value: undefined };
      const stored = await this.storedKey(key);
      if (stored) return stored.outcome === "conflict" ? stored : { outcome: stored.outcome, value: undefined };
    }
  }

  async expireIdleSessions(idleBefore: number, at: number, callbackPartners: ReadonlySet<string>, limit: number): Promise<ExpiredSession[]> {
    const result = await this.query("expire", [at, idleBefore, [...callbackPartners], limit]);
    return result.rows.map((row) => ({ sessionId: row.id as string, partnerId: row.partner_id as string, playerId: row.player_id as string }));
  }

  async claimDueCallbacks(claim: CallbackClaim): Promise<PendingCallback[]> {
    const lease = randomUUID();
    const perPartner = [...(claim.perPartner ?? [])];
    if (!perPartner.some(([, limit]) => limit > 0) && (claim.others ?? 0) <= 0) return [];
    // Partners with limit 0 are listed too: `others` leaves every listed partner out.
    const names = perPartner.map(([partnerId]) => partnerId);
    const limits = perPartner.map(([, limit]) => Math.max(0, Math.floor(limit)));
    const result = await this.query("claimCallbacks", [claim.at, claim.leaseMs, names, limits, claim.others ?? 0, lease, Math.max(0, ...limits)]);
    return byDueTime(result.rows).map((row) => toPendingCallback(row, lease));
  }

  recordCallbackAttempt(callback: Pick<PendingCallback, "sessionId" | "lease">, attempt: CallbackAttempt, at: number): Promise<boolean> {
    return this.attempts.record(callback, attempt, at);
  }

  async listCallbacks(filter: CallbackFilter): Promise<StoredCallback[]> {
    return (await this.query("listCallbacks", [filter.partnerId ?? null, filter.state ?? null, filter.limit])).rows.map(toStoredCallback);
  }

  async redeliverCallbacks(target: RedeliveryTarget, at: number): Promise<string[]> {
    const result = "sessionIds" in target ? await this.query("redeliverSessions", [at, [...target.sessionIds]]) : await this.query("redeliverFailed", [at, target.partnerId]);
    return result.rows.map((row) => row.session_id as string);
  }

  async callbackStats(): Promise<CallbackStats> {
    const [counts, oldest] = await Promise.all([this.query("countCallbacks"), this.query("oldestPending")]);
    return toCallbackStats(counts.rows, oldest.rows[0]?.oldest);
  }

  async forgetDeliveredCallbacks(before: number, limit: number): Promise<number> {
    return (await this.query("forgetDelivered", [before, limit])).rowCount ?? 0;
  }

  async forgetIdempotencyKeys(before: number, limit: number): Promise<number> {
    return (await this.query("forgetKeys", [before, limit])).rowCount ?? 0;
  }

  async forgetEndedSessions(before: number, limit: number, after: EndedSessionsCursor | undefined): Promise<EndedSessionsBatch> {
    const from = after ?? { endedAt: Number.MIN_SAFE_INTEGER, id: "" };
    const row = (await this.query("forgetEnded", [before, from.endedAt, from.id, limit])).rows[0]!;
    const cursor = row.last_id === null ? undefined : { endedAt: Number(row.last_ended_at), id: row.last_id as string };
    return { deleted: row.deleted as number, visited: row.visited as number, cursor };
  }

  /** Autovacuum keeps PostgreSQL's statistics; nothing to do. */
  async optimize(): Promise<void> {}

  async getSession(id: string): Promise<StoredSession | undefined> {
    const row = (await this.query("sessionById", [id])).rows[0];
    return row ? toStoredSession(row) : undefined;
  }

  async findSessionByTokenHash(tokenHash: string): Promise<StoredSession | undefined> {
    const row = (await this.query("sessionByTokenHash", [tokenHash])).rows[0];
    return row ? toStoredSession(row) : undefined;
  }

  async ping(): Promise<void> {
    await this.query("ping");
  }

  async heartbeat(at: number): Promise<void> {
    await this.query("heartbeat", [at]);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
