/**
 * `SessionStore` on embedded SQLite through `libsql` (the libSQL fork of SQLite with a
 * better-sqlite3 API; its native part ships as a prebuilt registry package, so `npm ci`
 * compiles nothing). One process per database file.
 *
 * Writes go through group commit (transactions.ts): the writes of one event-loop turn share
 * one transaction, and a caller is answered only after the COMMIT; if one write of a group
 * fails, the group is rolled back and each write is retried alone.
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
import { attemptValues, byDueTime, toCallbackStats, toPendingCallback, toStoredCallback } from "../callback-rows.js";
import type { GroupCommit } from "../group-commit.js";
import { storedKeyOutcome } from "../idempotency-keys.js";
import { toExpiredSession, toStoredSession } from "../session-rows.js";
import { sqliteDialect } from "../statements.js";
import { migrateSqlite } from "./migrate.js";
import { closeArgs, SQL } from "./statements.js";
import { sqliteWrites, type Write } from "./transactions.js";
import { WalLimit, walLimits, type WalLimitOptions } from "./wal-limit.js";
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

/** The statements, for the plan test (test/integration/store/plans.test.ts). */
export { SQL } from "./statements.js";

/**
 * Most rows one write of a large close changes (closeLargeInBatches): about 5 ms each on a
 * table of a million sessions, measured.
 */
const CLOSE_BATCH = 200;

/**
 * Rows `ANALYZE` samples per index (`analysis_limit`): enough for the planner to tell the
 * indexes apart, about 6 ms for the whole database at a million sessions, at any size.
 * (`PRAGMA optimize` would analyze only the tables this connection has queried, and in
 * SQLite 3.45 cannot be told to look at all of them.)
 */
const ANALYSIS_LIMIT = 400;

/**
 * SQLite's page cache of the request connection, KiB (a negative `cache_size`): the hot
 * index pages of a table of millions of sessions stay in memory, which made a batch of
 * expiries a third cheaper than the 2 MiB default.
 */
const CACHE_KIB = 65_536;

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
  if (/^[a-z][a-z0-9+.-]+:\/\//i.test(location))
    throw new Error(`unsupported database URL ${location}: this store takes a file path or a file: URL`);
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
  db.exec(
    `PRAGMA journal_mode = WAL; PRAGMA synchronous = ${options.synchronous ?? "NORMAL"}; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA cache_size = -${CACHE_KIB}`,
  );
  if (path === ":memory:") return new SqliteSessionStore(db, path, undefined, undefined);
  const onError = options.onBackgroundError ?? (() => undefined);
  // No checkpoint and no truncation of the log on the event loop: the worker checkpoints,
  // and the log restarts inside its file (wal-limit.ts says why it is never cut under load).
  db.exec("PRAGMA wal_autocheckpoint = 0; PRAGMA journal_size_limit = -1");
  const checkpointer = new Worker(new URL("./wal-checkpointer.cjs", import.meta.url), {
    workerData: { file: path, intervalMs: options.checkpointIntervalMs ?? 50, idleMs: options.idleTruncateMs ?? 1000 },
  });
  checkpointer.on(
    "message",
    (message: { error?: string }) => message.error && onError(new Error(`WAL checkpoint failed: ${message.error}`)),
  );
  checkpointer.on("error", (error) => onError(error));
  checkpointer.unref();
  const pageBytes = Number((db.prepare("PRAGMA page_size").get() as { page_size: number }).page_size);
  const walLimit = new WalLimit(path, pageBytes, checkpointer, limits, (until) => store.holdWrites(until), onError);
  const store = new SqliteSessionStore(db, path, checkpointer, walLimit);
  return store;
}

type Row = Record<string, unknown>;

class SqliteSessionStore implements SessionStore {
  /**
   * A batch runs on the event loop, so every request that arrives meanwhile waits for it:
   * aim at 5 ms, and 10 ms for expiry, whose backlog has a deadline. The background queue
   * commits the batches of several jobs that fall in one turn together, so a request may
   * wait for a few of them (docs/operations.md, "Background jobs").
   */
  readonly batchBudget = { targetMs: 5, deadlineTargetMs: 10, initialRows: 100, minRows: 10, maxRows: 5000 };
  private readonly statements = new Map<string, Database.Statement>();
  private writes: Record<"requests" | "background", GroupCommit<Write, unknown>> | undefined;

  constructor(
    private readonly db: Database.Database,
    /** The database file (`:memory:` for tests), which migrations take turns on. */
    private readonly path: string,
    private readonly checkpointer: Worker | undefined,
    private readonly walLimit: WalLimit | undefined,
  ) {}

  /** The prepared statement of `sql`, prepared on first use (after the migrations). */
  private statement(sql: string): Database.Statement {
    let prepared = this.statements.get(sql);
    if (!prepared) {
      prepared = this.db.prepare(sql);
      this.statements.set(sql, prepared);
    }
    return prepared;
  }

  /**
   * The write queues (transactions.ts), made on first use, after the migrations: one for
   * the requests' writes and one for the background jobs'. Each commits its own group, so
   * a request's transaction never carries a job's batch: its answer is written before the
   * batches of the same turn run.
   */
  private queues(): Record<"requests" | "background", GroupCommit<Write, unknown>> {
    if (!this.writes) {
      const afterCommit = this.walLimit ? () => this.walLimit!.afterCommit() : undefined;
      this.writes = { requests: sqliteWrites(this.db, afterCommit), background: sqliteWrites(this.db, afterCommit) };
    }
    return this.writes;
  }

  /** Runs `work` in the requests' next group commit. */
  private write<T>(work: () => T): Promise<T> {
    return this.queues().requests.run(work) as Promise<T>;
  }

  /**
   * Runs `work` in the background jobs' next group commit (expiry, retention, delivery),
   * once no restart of the log is under way (wal-limit.ts): these writes can wait, so
   * that the requests' writes wait less.
   */
  private async backgroundWrite<T>(work: () => T): Promise<T> {
    await this.walLimit?.backgroundTurn();
    return this.queues().background.run(work) as Promise<T>;
  }

  /** Holds every write until `until` settles (the WAL limit's held checkpoint). */
  holdWrites(until: Promise<void>): void {
    for (const queue of Object.values(this.queues())) queue.hold(until);
  }

  migrate(): Promise<MigrationReport> {
    return migrateSqlite(this.db, this.path);
  }

  /** Inserts the key; if it was there already, classifies the stored one. */
  private claimKey(key: IdempotencyKey, sessionId: string | null, at: number): Idempotent<{ sessionId: string | null }> {
    if (this.statement(SQL.insertKey).run(key.partnerId, key.uuid, key.operationId, key.fingerprint, sessionId, at).changes === 1) {
      return { outcome: "created", value: { sessionId } };
    }
    return storedKeyOutcome(key, this.statement(SQL.readKey).get(key.partnerId, key.uuid) as Row);
  }

  openSession(key: IdempotencyKey, session: NewSession): Promise<Idempotent<{ sessionId: string }>> {
    return this.write(() => {
      const claim = this.claimKey(key, session.id, session.createdAt);
      if (claim.outcome === "created") {
        this.statement(SQL.insertSession).run(
          session.id,
          session.partnerId,
          session.playerId,
          session.playerNickname ?? null,
          session.gameId,
          session.gameType,
          session.currency,
          session.language,
          session.partnerSessionId,
          session.playerIp,
          session.tokenHash,
          session.createdAt,
          session.createdAt,
        );
      }
      return claim as Idempotent<{ sessionId: string }>;
    });
  }

  /** Clears history and closes what a close call matches, in the caller's transaction. */
  private closeNow(filter: CloseFilter, at: number): number {
    if (filter.clearHistory) this.statement(SQL.clearHistoryAll).run(...closeArgs(filter));
    return this.statement(SQL.closeAll).run(at, at, filter.clearHistory ? 1 : 0, ...closeArgs(filter)).changes;
  }

  /**
   * Brings a close down to at most CLOSE_BATCH rows to change: while more than that
   * match, clears and closes them CLOSE_BATCH at a time, each batch its own write, so a
   * player with thousands of sessions never holds the event loop. The usual close (a few
   * sessions) skips this and stays one transaction with its idempotency key; a large one
   * is made of batches that each leave the store valid, and closing twice changes nothing.
   *
   * @returns how many sessions the batches closed
   */
  private async closeLargeInBatches(filter: CloseFilter, at: number): Promise<number> {
    const flag = filter.clearHistory ? 1 : 0;
    let closed = 0;
    for (const [probe, change] of [
      [SQL.unclearedBatch, (rows: string) => this.statement(SQL.clearHistory).run(rows).changes],
      [SQL.activeBatch, (rows: string) => this.statement(SQL.closeRows).run(at, at, flag, rows).changes],
    ] as const) {
      if (probe === SQL.unclearedBatch && !filter.clearHistory) continue;
      for (;;) {
        const changed = await this.write(() => {
          const rows = (this.statement(probe).all(...closeArgs(filter), CLOSE_BATCH + 1) as Row[]).map((row) => row.rowid);
          return rows.length > CLOSE_BATCH ? change(JSON.stringify(rows.slice(0, CLOSE_BATCH))) : undefined;
        });
        if (changed === undefined) break;
        if (probe === SQL.activeBatch) closed += changed;
      }
    }
    return closed;
  }

  async closeSessions(filter: CloseFilter, at: number): Promise<number> {
    const batched = await this.closeLargeInBatches(filter, at);
    return batched + (await this.write(() => this.closeNow(filter, at)));
  }

  async closeSessionsOnce(key: IdempotencyKey, filter: CloseFilter, at: number): Promise<Idempotent<undefined>> {
    // A known key is answered without touching a session (replay or conflict).
    if (!this.statement(SQL.readKey).get(key.partnerId, key.uuid)) await this.closeLargeInBatches(filter, at);
    return this.write(() => {
      const claim = this.claimKey(key, null, at);
      if (claim.outcome === "created") this.closeNow(filter, at);
      return claim.outcome === "conflict" ? claim : { outcome: claim.outcome, value: undefined };
    });
  }

  expireIdleSessions(idleBefore: number, at: number, callbackPartners: ReadonlySet<string>, limit: number): Promise<ExpiredSession[]> {
    return this.backgroundWrite(() => {
      const ids = JSON.stringify((this.statement(SQL.idleBatch).all(idleBefore, limit) as Row[]).map((row) => row.id));
      this.statement(SQL.queueCallbacks).run(at, at, at, ids, JSON.stringify([...callbackPartners]));
      return (this.statement(SQL.expire).all(at, ids) as Row[]).map(toExpiredSession);
    });
  }

  claimDueCallbacks(claim: CallbackClaim): Promise<PendingCallback[]> {
    const lease = randomUUID();
    const { at } = claim;
    return this.backgroundWrite(() => {
      const until = at + claim.leaseMs;
      const rows: Row[] = [];
      for (const [partnerId, limit] of claim.perPartner ?? []) {
        if (limit > 0) rows.push(...(this.statement(SQL.claimPartner).all(until, lease, partnerId, at, at, limit) as Row[]));
      }
      let others = claim.others ?? 0;
      if (others > 0) {
        for (const { partner_id: partnerId } of this.statement(SQL.partnersWithPending).all() as Row[]) {
          if (others <= 0) break;
          if (claim.perPartner?.has(partnerId as string)) continue;
          const claimed = this.statement(SQL.claimPartner).all(until, lease, partnerId, at, at, others) as Row[];
          rows.push(...claimed);
          others -= claimed.length;
        }
      }
      return byDueTime(rows).map((row) => toPendingCallback(row, lease));
    });
  }

  recordCallbackAttempt(callback: Pick<PendingCallback, "sessionId" | "lease">, attempt: CallbackAttempt, at: number): Promise<boolean> {
    return this.backgroundWrite(
      () => this.statement(SQL.recordAttempt).run(...attemptValues(attempt, at), at, callback.sessionId, callback.lease).changes === 1,
    );
  }

  async listCallbacks(filter: CallbackFilter): Promise<StoredCallback[]> {
    return (this.statement(SQL.listCallbacks).all(filter.partnerId ?? null, filter.state ?? null, filter.limit) as Row[]).map(
      toStoredCallback,
    );
  }

  redeliverCallbacks(target: RedeliveryTarget, at: number): Promise<string[]> {
    return this.write(() => {
      const rows =
        "sessionIds" in target
          ? this.statement(SQL.redeliverSessions).all(at, sqliteDialect.list(target.sessionIds))
          : this.statement(SQL.redeliverFailed).all(at, target.partnerId);
      return (rows as Row[]).map((row) => row.session_id as string);
    });
  }

  async callbackStats(): Promise<CallbackStats> {
    return toCallbackStats(this.statement(SQL.countCallbacks).all() as Row[], (this.statement(SQL.oldestPending).get() as Row).oldest);
  }

  forgetDeliveredCallbacks(before: number, limit: number): Promise<number> {
    return this.backgroundWrite(() => this.statement(SQL.forgetDelivered).run(before, limit).changes);
  }

  forgetIdempotencyKeys(before: number, limit: number): Promise<number> {
    return this.backgroundWrite(() => this.statement(SQL.forgetKeys).run(before, limit).changes);
  }

  forgetEndedSessions(before: number, limit: number, after: EndedSessionsCursor | undefined): Promise<EndedSessionsBatch> {
    const from = after ?? { endedAt: Number.MIN_SAFE_INTEGER, id: "" };
    return this.backgroundWrite(() => {
      const rows = this.statement(SQL.endedBatch).all(before, from.endedAt, from.endedAt, from.id, limit) as Row[];
      if (rows.length === 0) return { deleted: 0, visited: 0, cursor: undefined };
      const deleted = this.statement(SQL.forgetEnded).run(JSON.stringify(rows.map((row) => row.id))).changes;
      const last = rows.at(-1)!;
      return { deleted, visited: rows.length, cursor: { endedAt: Number(last.ended_at), id: last.id as string } };
    });
  }

  optimize(): Promise<void> {
    return this.backgroundWrite(() => void this.db.exec(`PRAGMA analysis_limit = ${ANALYSIS_LIMIT}; ANALYZE`));
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
    this.statement(SQL.ping).get();
  }

  heartbeat(at: number): Promise<void> {
    return this.write(() => void this.statement(SQL.heartbeat).run(at));
  }

  async close(): Promise<void> {
    // Let the writes already queued commit first.
    await Promise.all(Object.values(this.queues()).map((queue) => queue.run(() => undefined)));
    if (this.checkpointer) {
      const stopped = new Promise((resolve) => this.checkpointer!.once("exit", resolve));
      this.checkpointer.ref(); // else a process with nothing else to do exits before the worker does
      this.checkpointer.postMessage("stop");
      await stopped;
    }
    this.walLimit?.close();
    this.db.close();
  }
}
