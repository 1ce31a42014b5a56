/**
 * `SessionStore` on PostgreSQL through `pg` (node-postgres, pure JavaScript), for
 * deployments of several instances on one database.
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
import { attemptValues, byDueTime, toCallbackStats, toPendingCallback, toStoredCallback } from "../callback-rows.js";
import { storedKeyOutcome } from "../idempotency-keys.js";
import { toExpiredSession, toStoredSession } from "../session-rows.js";
import { postgresDialect } from "../statements.js";
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
  MigrationReport,
  NewSession,
  PendingCallback,
  RedeliveryTarget,
  SessionStore,
  StoredCallback,
  StoredSession,
} from "../session-store.js";
import { AttemptBatch } from "./attempt-batch.js";
import { migratePostgres } from "./migrate.js";
import { PLANNED_PER_CALL, SQL } from "./statements.js";
import { OpenSessionBatch, openSessionValues } from "./open-session-batch.js";

/** The statements, for the plan test (test/integration/store/plans.test.ts). */
export { PLANNED_PER_CALL, SQL } from "./statements.js";

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

/** SQLSTATEs after which a single statement is simply run again: it was rolled back whole. */
const RETRYABLE = new Set(["40P01", "40001"]);

class PostgresSessionStore implements SessionStore {
  /**
   * A batch runs in the database and blocks no request of this process: aim at 200 ms, a
   * twentieth of the statement timeout, so that one batch never comes near it.
   */
  readonly batchBudget = { targetMs: 200, initialRows: 500, minRows: 50, maxRows: 5000, oneAtATime: true };
  private readonly openBatch: OpenSessionBatch;
  private readonly attempts: AttemptBatch;

  constructor(private readonly pool: pg.Pool) {
    this.attempts = new AttemptBatch(pool, async (callback, attempt, at) => {
      const result = await this.query("recordAttempt", [...attemptValues(attempt, at), at, callback.sessionId, callback.lease]);
      return result.rowCount === 1;
    });
    this.openBatch = new OpenSessionBatch({
      pool,
      single: (key, session) => this.openSessionAlone(key, session),
      existing: (key) => this.storedKey(key) as Promise<Idempotent<{ sessionId: string }> | undefined>,
    });
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

  migrate(): Promise<MigrationReport> {
    return migratePostgres(this.pool);
  }

  /** Classifies a key that was there already (the insert did nothing); undefined if it vanished meanwhile. */
  private async storedKey(key: IdempotencyKey): Promise<Idempotent<{ sessionId: string | null }> | undefined> {
    const stored = (await this.query("readKey", [key.partnerId, key.uuid])).rows[0];
    return stored ? storedKeyOutcome(key, stored) : undefined;
  }

  openSession(key: IdempotencyKey, session: NewSession): Promise<Idempotent<{ sessionId: string }>> {
    return this.openBatch.open(key, session);
  }

  /** `openSession` in a statement of its own. */
  private async openSessionAlone(key: IdempotencyKey, session: NewSession): Promise<Idempotent<{ sessionId: string }>> {
    for (;;) {
      const result = await this.query("openSession", openSessionValues(key, session));
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
      const result = await this.query("closeSessionsOnce", [
        filter.partnerId,
        filter.playerId,
        filter.gameId ?? null,
        filter.clearHistory,
        at,
        key.uuid,
        key.operationId,
        key.fingerprint,
      ]);
      if (result.rows[0]!.created === 1) return { outcome: "created", value: undefined };
      const stored = await this.storedKey(key);
      if (stored) return stored.outcome === "conflict" ? stored : { outcome: stored.outcome, value: undefined };
    }
  }

  async expireIdleSessions(
    idleBefore: number,
    at: number,
    callbackPartners: ReadonlySet<string>,
    limit: number,
  ): Promise<ExpiredSession[]> {
    const result = await this.query("expire", [at, idleBefore, [...callbackPartners], limit]);
    return result.rows.map(toExpiredSession);
  }

  async claimDueCallbacks(claim: CallbackClaim): Promise<PendingCallback[]> {
    const lease = randomUUID();
    const perPartner = [...(claim.perPartner ?? [])];
    if (!perPartner.some(([, limit]) => limit > 0) && (claim.others ?? 0) <= 0) return [];
    // Partners with limit 0 are listed too: `others` leaves every listed partner out.
    const names = perPartner.map(([partnerId]) => partnerId);
    const limits = perPartner.map(([, limit]) => Math.max(0, Math.floor(limit)));
    const result = await this.query("claimCallbacks", [
      claim.at,
      claim.leaseMs,
      names,
      limits,
      claim.others ?? 0,
      lease,
      Math.max(0, ...limits),
    ]);
    return byDueTime(result.rows).map((row) => toPendingCallback(row, lease));
  }

  recordCallbackAttempt(callback: Pick<PendingCallback, "sessionId" | "lease">, attempt: CallbackAttempt, at: number): Promise<boolean> {
    return this.attempts.record(callback, attempt, at);
  }

  async listCallbacks(filter: CallbackFilter): Promise<StoredCallback[]> {
    return (await this.query("listCallbacks", [filter.partnerId ?? null, filter.state ?? null, filter.limit])).rows.map(toStoredCallback);
  }

  async redeliverCallbacks(target: RedeliveryTarget, at: number): Promise<string[]> {
    const result =
      "sessionIds" in target
        ? await this.query("redeliverSessions", [at, postgresDialect.list(target.sessionIds)])
        : await this.query("redeliverFailed", [at, target.partnerId]);
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
