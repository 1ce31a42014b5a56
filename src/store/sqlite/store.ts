/**
 * `SessionStore` on embedded SQLite through `libsql` (the libSQL fork of SQLite with a
 * better-sqlite3 API; its native part ships as a prebuilt registry package, so `npm ci`
 * compiles nothing). One process per database file.
 *
 * Writes go through a `WriteQueue`: the writes of one event-loop turn share one
 * transaction (group commit), and a caller is answered only after the COMMIT; if one
 * write of a group fails, the group is rolled back and each write is retried alone.
 * Statements are prepared once. The journal is WAL with `synchronous=NORMAL` by default: a
 * committed write survives a crash of the server process (kill -9), not necessarily a
 * power failure of the host; `synchronous: "FULL"` covers that too, at a cost per commit.
 * Automatic checkpoints are off on the request connection; a worker thread
 * (`wal-checkpointer.cjs`) checkpoints in the background, and `WalLimit` keeps the log
 * bounded under sustained load and lets it shrink when load stops (see wal-limit.ts).
 */
import { randomUUID } from "node:crypto";
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import Database from "libsql";
import { attemptValues, byDueTime, claimedColumns, toCallbackStats, toPendingCallback, toStoredCallback } from "../callback-rows.js";
import { toStoredSession } from "../session-rows.js";
import { migrations, sqliteUuidV4 } from "./migrations.js";
import { WalLimit, walLimits, type WalLimitOptions } from "./wal-limit.js";
import type {
  CallbackAttempt,
  CallbackClaim,
  CallbackFilter,
  CallbackStats,
  CloseFilter,
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
import { WriteQueue } from "./write-queue.js";

/** Options of `openSqliteStore`. */
export interface SqliteStoreOptions {
  /** A file path (relative to the working directory) or a `file:` URL; `:memory:` for tests. */
  location: string;
  /** SQLite `synchronous` setting; see the module comment. Default `NORMAL`. */
  synchronous?: "NORMAL" | "FULL";
  /**
   * Time between background WAL checkpoints, milliseconds. Default 50: the less they leave
   * behind, the shorter the writes wait when the WAL limit makes the log restart.
   */
  checkpointIntervalMs?: number;
  /** The worker empties the log once it has been idle (no writes) this long, milliseconds. Default 1000. */
  idleTruncateMs?: number;
  /** The WAL bound (see wal-limit.ts). */
  walLimit?: WalLimitOptions;
  /** Called with errors of the background checkpoints; the store goes on. */
  onBackgroundError?: (error: Error) => void;
}

/** `./data/x.db`, `file:./data/x.db` or `file:///abs/x.db` → a path; `:memory:` as is. */
function databasePath(location: string): string {
  if (location === ":memory:") return location;
  if (location.startsWith("file://")) return fileURLToPath(location);
  if (location.startsWith("file:")) return resolve(location.slice("file:".length));
  if (/^[a-z][a-z0-9+.-]+:\/\//i.test(location)) throw new Error(`unsupported database URL ${location}: this store takes a file path or a file: URL`);
  return resolve(location);
}

/**
 * Opens (and creates) the database; call `migrate()` before use.
 *
 * @throws Error when the location is not a file path or `file:` URL, or cannot be opened,
 *   or the WAL limits are out of order
 */
export async function openSqliteStore(options: SqliteStoreOptions): Promise<SessionStore> {
  const path = databasePath(options.location);
  const limits = walLimits(options.walLimit);
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.exec(`PRAGMA journal_mode = WAL; PRAGMA synchronous = ${options.synchronous ?? "NORMAL"}; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000`);
  if (path === ":memory:") return new SqliteSessionStore(db, undefined, undefined);
  const onError = options.onBackgroundError ?? (() => undefined);
  db.exec("PRAGMA wal_autocheckpoint = 0");
  const checkpointer = new Worker(new URL("./wal-checkpointer.cjs", import.meta.url), { workerData: { file: path, intervalMs: options.checkpointIntervalMs ?? 50, idleMs: options.idleTruncateMs ?? 1000 } });
  checkpointer.on("message", (message: { error?: string }) => message.error && onError(new Error(`WAL checkpoint failed: ${message.error}`)));
  checkpointer.on("error", (error) => onError(error));
  checkpointer.unref();
  const walLimit = new WalLimit(db, `${path}-wal`, checkpointer, limits, onError);
  return new SqliteSessionStore(db, checkpointer, walLimit);
}

type Row = Record<string, unknown>;


/** SQL that matches the sessions a close call ends (bound by `closeArgs`). */
const CLOSE_MATCH = "partner_id = ? AND player_id = ? AND (? IS NULL OR game_id = ?)";
const closeArgs = (filter: CloseFilter) => [filter.partnerId, filter.playerId, filter.gameId ?? null, filter.gameId ?? null];

const SQL = {
  insertKey: `INSERT INTO idempotency_keys (partner_id, uuid, operation_id, fingerprint, session_id, created_at)
              VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (partner_id, uuid) DO NOTHING`,
  readKey: "SELECT operation_id, fingerprint, session_id FROM idempotency_keys WHERE partner_id = ? AND uuid = ?",
  insertSession: `INSERT INTO sessions (id, partner_id, player_id, player_nickname, game_id, game_type, currency, language,
                    partner_session_id, player_ip, token_hash, status, created_at, last_activity_at)
                  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?)`,
  clearHistory: `UPDATE sessions SET history_cleared = 1 WHERE ${CLOSE_MATCH} AND status <> 'active'`,
  close: `UPDATE sessions SET status = 'closed', ended_at = ?, last_activity_at = ?, history_cleared = MAX(history_cleared, ?)
          WHERE ${CLOSE_MATCH} AND status = 'active'`,
  queueCallbacks: `INSERT INTO callbacks (session_id, partner_id, player_id, callback_id, created_at, state, attempts, next_attempt_at, updated_at)
                   SELECT id, partner_id, player_id, ${sqliteUuidV4}, ?, 'pending', 0, ?, ? FROM sessions
                   WHERE status = 'active' AND last_activity_at < ? AND partner_id IN (SELECT value FROM json_each(?))`,
  expire: "UPDATE sessions SET status = 'expired', ended_at = ? WHERE status = 'active' AND last_activity_at < ? RETURNING id, partner_id, player_id",
  /** Leases the due callbacks of one partner (bound: leased until, lease, partner, at, at, limit); index callbacks_due_by_partner. */
  claimPartner: `UPDATE callbacks SET leased_until = ?, lease = ?
                 WHERE session_id IN (SELECT session_id FROM callbacks
                                      WHERE partner_id = ? AND state = 'pending' AND next_attempt_at <= ? AND (leased_until IS NULL OR leased_until <= ?)
                                      ORDER BY next_attempt_at LIMIT ?)
                 RETURNING ${claimedColumns}`,
  /** Leases the due callbacks of the partners not in a JSON list (bound: leased until, lease, list, at, at, limit). */
  claimOthers: `UPDATE callbacks SET leased_until = ?, lease = ?
                WHERE session_id IN (SELECT session_id FROM callbacks
                                     WHERE partner_id NOT IN (SELECT value FROM json_each(?)) AND state = 'pending' AND next_attempt_at <= ?
                                       AND (leased_until IS NULL OR leased_until <= ?)
                                     ORDER BY next_attempt_at LIMIT ?)
                RETURNING ${claimedColumns}`,
  recordAttempt: `UPDATE callbacks SET state = ?, attempts = attempts + 1, next_attempt_at = COALESCE(?, next_attempt_at), last_error = ?, last_status = ?,
                                       delivered_at = COALESCE(?, delivered_at), updated_at = ?, leased_until = NULL, lease = NULL
                  WHERE session_id = ? AND lease = ?`,
  listCallbacks: `SELECT * FROM callbacks WHERE (? IS NULL OR partner_id = ?) AND (? IS NULL OR state = ?) ORDER BY created_at, session_id LIMIT ?`,
  redeliverSessions: `UPDATE callbacks SET state = 'pending', attempts = 0, next_attempt_at = ?, updated_at = ?
                      WHERE session_id IN (SELECT value FROM json_each(?)) RETURNING session_id`,
  redeliverFailed: `UPDATE callbacks SET state = 'pending', attempts = 0, next_attempt_at = ?, updated_at = ?
                    WHERE partner_id = ? AND state = 'failed' RETURNING session_id`,
  countCallbacks: "SELECT partner_id, state, count(*) AS count FROM callbacks WHERE state IN ('pending', 'failed') GROUP BY partner_id, state",
  oldestPending: "SELECT min(created_at) AS oldest FROM callbacks WHERE state = 'pending'",
  forgetKeys: "DELETE FROM idempotency_keys WHERE created_at < ?",
  forgetDelivered: `DELETE FROM callbacks WHERE state = 'delivered' AND session_id IN (
                      SELECT session_id FROM callbacks WHERE state = 'delivered' AND delivered_at < ? ORDER BY delivered_at LIMIT ?)`,
  sessionById: "SELECT * FROM sessions WHERE id = ?",
  sessionByTokenHash: "SELECT * FROM sessions WHERE token_hash = ?",
} as const;

class SqliteSessionStore implements SessionStore {
  private readonly statements = new Map<string, Database.Statement>();
  private writes: WriteQueue | undefined;

  constructor(
    private readonly db: Database.Database,
    private readonly checkpointer: Worker | undefined,
    private readonly walLimit: WalLimit | undefined,
  ) {}

  /** The prepared statement of `sql`, prepared on first use (after the migrations). */
  private statement(sql: string): Database.Statement {
    let prepared = this.statements.get(sql);
    if (!prepared) this.statements.set(sql, (prepared = this.db.prepare(sql)));
    return prepared;
  }

  private write<T>(work: () => T): Promise<T> {
    this.writes ??= new WriteQueue(this.db, this.walLimit ? () => this.walLimit!.afterCommit() : undefined);
    return this.writes.run(work);
  }

  async migrate(): Promise<void> {
    const applied = Number((this.db.prepare("PRAGMA user_version").get() as Row).user_version);
    if (applied > migrations.length) throw new Error(`the database has schema version ${applied}, newer than this server knows (${migrations.length}): upgrade the server`);
    for (let version = applied; version < migrations.length; version++) {
      this.db.exec(`BEGIN IMMEDIATE; ${migrations[version]}; PRAGMA user_version = ${version + 1}; COMMIT;`);
    }
  }

  /** Inserts the key; if it was there already, classifies the stored one. */
  private claimKey(key: IdempotencyKey, sessionId: string | null, at: number): Idempotent<{ sessionId: string | null }> {
    if (this.statement(SQL.insertKey).run(key.partnerId, key.uuid, key.operationId, key.fingerprint, sessionId, at).changes === 1) {
      return { outcome: "created", value: { sessionId } };
    }
    const stored = this.statement(SQL.readKey).get(key.partnerId, key.uuid) as Row;
    return stored.operation_id === key.operationId && stored.fingerprint === key.fingerprint
      ? { outcome: "replayed", value: { sessionId: stored.session_id as string | null } }
      : { outcome: "conflict" };
  }

  openSession(key: IdempotencyKey, session: NewSession): Promise<Idempotent<{ sessionId: string }>> {
    return this.write(() => {
      const claim = this.claimKey(key, session.id, session.createdAt);
      if (claim.outcome === "created") {
        this.statement(SQL.insertSession).run(
          session.id, session.partnerId, session.playerId, session.playerNickname ?? null, session.gameId, session.gameType, session.currency,
          session.language, session.partnerSessionId, session.playerIp, session.tokenHash, session.createdAt, session.createdAt,
        );
      }
      return claim as Idempotent<{ sessionId: string }>;
    });
  }

  private closeNow(filter: CloseFilter, at: number): number {
    if (filter.clearHistory) this.statement(SQL.clearHistory).run(...closeArgs(filter));
    return this.statement(SQL.close).run(at, at, filter.clearHistory ? 1 : 0, ...closeArgs(filter)).changes;
  }

  closeSessions(filter: CloseFilter, at: number): Promise<number> {
    return this.write(() => this.closeNow(filter, at));
  }

  closeSessionsOnce(key: IdempotencyKey, filter: CloseFilter, at: number): Promise<Idempotent<undefined>> {
    return this.write(() => {
      const claim = this.claimKey(key, null, at);
      if (claim.outcome === "created") this.closeNow(filter, at);
      return claim.outcome === "conflict" ? claim : { outcome: claim.outcome, value: undefined };
    });
  }

  expireIdleSessions(idleBefore: number, at: number, callbackPartners: ReadonlySet<string>): Promise<ExpiredSession[]> {
    return this.write(() => {
      this.statement(SQL.queueCallbacks).run(at, at, at, idleBefore, JSON.stringify([...callbackPartners]));
      const rows = this.statement(SQL.expire).all(at, idleBefore) as Row[];
      return rows.map((row) => ({ sessionId: row.id as string, partnerId: row.partner_id as string, playerId: row.player_id as string }));
    });
  }

  claimDueCallbacks(claim: CallbackClaim): Promise<PendingCallback[]> {
    const lease = randomUUID();
    const { at } = claim;
    return this.write(() => {
      const until = at + claim.leaseMs;
      const rows: Row[] = [];
      for (const [partnerId, limit] of claim.perPartner ?? []) {
        if (limit > 0) rows.push(...(this.statement(SQL.claimPartner).all(until, lease, partnerId, at, at, limit) as Row[]));
      }
      const listed = JSON.stringify([...(claim.perPartner?.keys() ?? [])]);
      if ((claim.others ?? 0) > 0) rows.push(...(this.statement(SQL.claimOthers).all(until, lease, listed, at, at, claim.others) as Row[]));
      return byDueTime(rows).map((row) => toPendingCallback(row, lease));
    });
  }

  recordCallbackAttempt(callback: Pick<PendingCallback, "sessionId" | "lease">, attempt: CallbackAttempt, at: number): Promise<boolean> {
    return this.write(() => this.statement(SQL.recordAttempt).run(...attemptValues(attempt, at), at, callback.sessionId, callback.lease).changes === 1);
  }

  async listCallbacks(filter: CallbackFilter): Promise<StoredCallback[]> {
    const partner = filter.partnerId ?? null;
    const state = filter.state ?? null;
    return (this.statement(SQL.listCallbacks).all(partner, partner, state, state, filter.limit) as Row[]).map(toStoredCallback);
  }

  redeliverCallbacks(target: RedeliveryTarget, at: number): Promise<string[]> {
    return this.write(() => {
      const rows = "sessionIds" in target ? this.statement(SQL.redeliverSessions).all(at, at, JSON.stringify(target.sessionIds)) : this.statement(SQL.redeliverFailed).all(at, at, target.partnerId);
      return (rows as Row[]).map((row) => row.session_id as string);
    });
  }

  async callbackStats(): Promise<CallbackStats> {
    return toCallbackStats(this.statement(SQL.countCallbacks).all() as Row[], (this.statement(SQL.oldestPending).get() as Row).oldest);
  }

  forgetDeliveredCallbacks(before: number, limit: number): Promise<number> {
    return this.write(() => this.statement(SQL.forgetDelivered).run(before, limit).changes);
  }

  forgetIdempotencyKeys(before: number): Promise<number> {
    return this.write(() => this.statement(SQL.forgetKeys).run(before).changes);
  }

  async getSession(id: string): Promise<StoredSession | undefined> {
    const row = this.statement(SQL.sessionById).get(id) as Row | undefined;
    return row ? toStoredSession(row) : undefined;
  }

  async findSessionByTokenHash(tokenHash: string): Promise<StoredSession | undefined> {
    const row = this.statement(SQL.sessionByTokenHash).get(tokenHash) as Row | undefined;
    return row ? toStoredSession(row) : undefined;
  }

  async ping(): Promise<void> {
    this.statement("SELECT 1").get();
  }

  async close(): Promise<void> {
    await this.write(() => undefined); // let the writes already queued commit first
    if (this.checkpointer) {
      const stopped = new Promise((resolve) => this.checkpointer!.once("exit", resolve));
      this.checkpointer.ref(); // else a process with nothing else to do exits before the worker does
      this.checkpointer.postMessage("stop");
      await stopped;
    }
    this.db.close();
  }
}
