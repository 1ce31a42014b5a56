/**
 * The maintenance and lifecycle part of a store: its schema (migrations), its planner's
 * statistics, the size of its background batches, liveness and write probes, and closing.
 */
import type { MigrationReport } from "./migrations/migrator.js";

export type { MigrationReport } from "./migrations/migrator.js";

/**
 * How big a batch of background work should be on this store: the background jobs aim at
 * `targetMs` per batch and adapt the row count between `minRows` and `maxRows`
 * (src/server/background/batch-size.ts).
 */
export interface BatchBudget {
  /** Aim of one batch's duration, milliseconds. */
  targetMs: number;
  /**
   * Aim of one batch of a job with a deadline (expiry: idle sessions are owed their
   * callbacks), milliseconds; default `targetMs`. Longer than `targetMs` on SQLite, so that
   * expiry keeps its pace while retention's batches, which have no deadline, stay short.
   */
  deadlineTargetMs?: number;
  /** Rows of the first batch. */
  initialRows: number;
  minRows: number;
  maxRows: number;
  /**
   * Run the background jobs' batches one at a time, expiry's first (PostgreSQL: on a few
   * cores, several jobs' statements at once left the requests' statements waiting for a
   * core); else each job runs its own.
   */
  oneAtATime?: boolean;
}

/** Migrate, maintain, probe and close a store. */
export interface StoreLifecycle {
  /**
   * The size of a batch of background work on this store. On SQLite a batch runs on the
   * event loop, so it is short (every request waits for it); on PostgreSQL it runs in the
   * database, far from the statement timeout.
   */
  readonly batchBudget: BatchBudget;
  /**
   * Creates the tables or brings them up to date (`npm run migrate`; the server also runs
   * it on start). Safe to call on every start, and from several instances at once.
   *
   * @returns the migration files applied (none when the schema was up to date) and the schema version reached
   * @throws Error when the database's schema is newer than this code knows, or a migration failed
   */
  migrate(): Promise<MigrationReport>;
  /**
   * Keeps the query planner's statistics current (SQLite: `ANALYZE`, bounded by
   * `analysis_limit`; PostgreSQL: nothing, autovacuum analyzes). Cheap; run it hourly.
   */
  optimize(): Promise<void>;
  /** Cheap liveness query for the health check. */
  ping(): Promise<void>;
  /**
   * Writes the heartbeat row (one row, `at` epoch milliseconds): the smallest write, made
   * every few seconds so that readiness knows whether the store can write
   * (src/server/readiness.ts).
   */
  heartbeat(at: number): Promise<void>;
  /** Lets the writes already queued finish, then releases the connections. */
  close(): Promise<void>;
}
