/**
 * The storage interface of the reference server. Handlers and the expiry job talk to
 * this interface only; `openStore` (open-store.ts) picks the implementation from
 * `DATABASE_URL`: SQLite (`sqlite/`) or PostgreSQL (`postgres/`). Both pass the same
 * conformance suite (test/unit/store/store.test.ts). Times are epoch milliseconds (UTC); ids
 * are strings.
 *
 * Several server instances may share one PostgreSQL database: every operation below is
 * then safe to run concurrently from all of them (issue "Storage that outgrows one
 * machine"). Expiry ends each session once, and a callback is delivered by one instance at
 * a time: `claimDueCallbacks` hands it out with a lease that the other instances respect
 * until it runs out (so the work of an instance that dies is picked up by the others).
 * Lease times are the callers' clocks, which must agree to well within a lease.
 *
 * The `callbacks` table is the outbox of the session expired callback (issue 9): one row
 * per callback, written in the transaction that expires its session, with a stable
 * `callback_id` (UUID v4) and `created_at`; `pending` until delivered or given up
 * (`failed`, the dead letter). Pending and failed rows are never deleted; delivered ones
 * are deleted after their retention (`forgetDeliveredCallbacks`, CALLBACK_RETENTION_DAYS).
 *
 * Idempotency (spec: `Uuid4`, operations enterGameSession, closeSessionKyren, and
 * closeSession when it carries a `uuid`): a
 * request's `uuid` is remembered with a fingerprint of its body. The first request with
 * a key takes effect; a repeat with the same fingerprint is replayed; a repeat with a
 * different fingerprint is a conflict (409 `G.03`). A key is used up only by a request
 * that took effect: a rejected request does not store it.
 */
import type { OperationId } from "../../generated/operations.js";
import type { MigrationReport } from "./migrations/migrator.js";

/** A `uuid` of a request, scoped to the partner that sent it. */
export interface IdempotencyKey {
  partnerId: string;
  /** The request's `uuid`, lower-cased. */
  uuid: string;
  operationId: OperationId;
  /** SHA-256 hex of the request body in canonical form (see `idempotencyKey` in src/server/handlers/context.ts). */
  fingerprint: string;
}

/** Outcome of an idempotent write. */
export type Idempotent<Value> =
  | { outcome: "created"; value: Value }
  | { outcome: "replayed"; value: Value }
  | { outcome: "conflict" };

/** A game session as ENTER creates it (seed 004 fields plus the provider's own). */
export interface NewSession {
  /** Provider session id: 32 lowercase hex characters. */
  id: string;
  partnerId: string;
  playerId: string;
  playerNickname: string | undefined;
  gameId: string;
  gameType: "slot" | "table";
  currency: string;
  language: string;
  /** The partner's own session id (`player.session.id`). */
  partnerSessionId: string;
  playerIp: string;
  /** SHA-256 hex of the launch token; the token itself is never stored. */
  tokenHash: string;
  createdAt: number;
}

/** Lifecycle state of a session. */
export type SessionStatus = "active" | "closed" | "expired";

/** A stored session. */
export interface StoredSession extends NewSession {
  status: SessionStatus;
  lastActivityAt: number;
  /** True once close session asked with `clearHistory` "1": the unfinished round may not be resumed. */
  historyCleared: boolean;
  endedAt: number | undefined;
}

/** Which active sessions a close call ends. */
export interface CloseFilter {
  partnerId: string;
  playerId: string;
  /** Only this game's sessions; all of the player's when undefined. */
  gameId: string | undefined;
  clearHistory: boolean;
}

/** A session that the expiry job ended. */
export interface ExpiredSession {
  sessionId: string;
  partnerId: string;
  playerId: string;
}

/** Delivery state of a callback in the outbox: `failed` is the dead letter (kept until redelivered). */
export type CallbackState = "pending" | "delivered" | "failed";

/** The delivery states, for validation of input (CLI). */
export const callbackStates: readonly CallbackState[] = ["pending", "delivered", "failed"];

/** A session expired callback waiting to be (re)sent, claimed by one caller under a lease. */
export interface PendingCallback extends ExpiredSession {
  /** Stable id of the callback (UUID v4, lowercase): the same on every attempt, sent as `callbackId`. */
  callbackId: string;
  /** When the callback was first created (its session expired), epoch milliseconds; sent as `createdAt`. */
  createdAt: number;
  /** Attempts made so far (since it was queued or last redelivered). */
  attempts: number;
  /** Token of the claim: only its holder may record the attempt, and only until the lease runs out. */
  lease: string;
}

/**
 * Result of one delivery attempt of a callback. `status` is the HTTP status of the
 * receiver's answer, when there was one (none after a timeout or a network error).
 */
export type CallbackAttempt =
  | { state: "delivered"; status: number }
  | { state: "pending"; nextAttemptAt: number; error: string; status?: number }
  | { state: "failed"; error: string; status?: number };

/**
 * What `claimDueCallbacks` may hand out: due callbacks (`next_attempt_at <= at`) that
 * nobody holds a live lease on, oldest first, leased until `at + leaseMs`.
 */
export interface CallbackClaim {
  /** Now, epoch milliseconds. */
  at: number;
  /** Length of the lease, milliseconds: longer than one attempt plus its recording. */
  leaseMs: number;
  /** At most this many callbacks of each partner listed (0: none). */
  perPartner?: ReadonlyMap<string, number>;
  /** And at most this many in all of the partners NOT listed in `perPartner`. Default 0. */
  others?: number;
}

/** One row of the outbox, as `listCallbacks` shows it. */
export interface StoredCallback {
  callbackId: string;
  sessionId: string;
  partnerId: string;
  playerId: string;
  state: CallbackState;
  attempts: number;
  /** When the next attempt is due (pending), epoch milliseconds; for other states the last one planned. */
  nextAttemptAt: number;
  /** The lease's end while an instance holds it, epoch milliseconds. */
  leasedUntil: number | undefined;
  /** Why the last attempt did not deliver it (`HTTP 503`, `timeout …`, `network …`). */
  lastError: string | undefined;
  /** HTTP status of the last answer, if the last attempt got one. */
  lastStatus: number | undefined;
  createdAt: number;
  deliveredAt: number | undefined;
  updatedAt: number;
}

/** Which callbacks `listCallbacks` shows. */
export interface CallbackFilter {
  partnerId?: string;
  state?: CallbackState;
  /** At most this many, oldest first (by creation). */
  limit: number;
}

/** Which callbacks `redeliverCallbacks` re-queues: these sessions' (any state), or one partner's dead letters. */
export type RedeliveryTarget = { sessionIds: readonly string[] } | { partnerId: string; state: "failed" };

/** Counts of the outbox for `/health` and the metrics. */
export interface CallbackStats {
  /** Callbacks not yet delivered nor given up, by partner (partners with none are left out). */
  pendingByPartner: ReadonlyMap<string, number>;
  /** Callbacks given up (dead letters), by partner. */
  failedByPartner: ReadonlyMap<string, number>;
  /** Creation time of the oldest pending callback, epoch milliseconds; undefined when none. */
  oldestPendingCreatedAt: number | undefined;
}

/**
 * Where the retention of ended sessions stopped: sessions are visited in (ended time, id)
 * order, and the next batch starts after this one. Opaque to callers.
 */
export interface EndedSessionsCursor {
  endedAt: number;
  id: string;
}

/** What one batch of `forgetEndedSessions` did. */
export interface EndedSessionsBatch {
  /** Sessions deleted. */
  deleted: number;
  /** Ended sessions looked at (deleted, or kept because a callback of theirs is still in the outbox). */
  visited: number;
  /** Where the next batch starts; undefined when none was visited (none is left before the cutoff). */
  cursor: EndedSessionsCursor | undefined;
}

/**
 * How big a batch of background work should be on this store: the background jobs aim at
 * `targetMs` per batch and adapt the row count between `minRows` and `maxRows`
 * (src/server/background/batch-size.ts).
 */
export interface BatchBudget {
  /** Aim of one batch's duration, milliseconds. */
  targetMs: number;
  /** Rows of the first batch. */
  initialRows: number;
  minRows: number;
  maxRows: number;
}

/** The storage operations of the reference server. */
export interface SessionStore {
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
  /** ENTER: stores `session` at most once per key; a replay returns the session id stored first. */
  openSession(key: IdempotencyKey, session: NewSession): Promise<Idempotent<{ sessionId: string }>>;
  /** V4 close session without a `uuid`: ends the matching active sessions; returns how many. Idempotent by nature. */
  closeSessions(filter: CloseFilter, at: number): Promise<number>;
  /** Kyren CloseSession, and V4 close session with a `uuid`: the same, at most once per key (a replay closes nothing new). */
  closeSessionsOnce(key: IdempotencyKey, filter: CloseFilter, at: number): Promise<Idempotent<undefined>>;
  /**
   * Ends at most `limit` of the active sessions idle since before `idleBefore`, longest
   * idle first, and, for those whose partner is in `callbackPartners`, queues a session
   * expired callback due at `at`, in the same transaction. Call it again until it returns
   * fewer than `limit`: then none is left.
   */
  expireIdleSessions(idleBefore: number, at: number, callbackPartners: ReadonlySet<string>, limit: number): Promise<ExpiredSession[]>;
  /**
   * Claims due callbacks as `claim` allows (per partner, oldest first), leasing them until
   * `claim.at + claim.leaseMs`. Concurrent callers, also on other instances, never get the
   * same callback while its lease runs; an expired lease (its holder died or overran)
   * makes the callback claimable again. Returned oldest first.
   */
  claimDueCallbacks(claim: CallbackClaim): Promise<PendingCallback[]>;
  /**
   * Records the outcome of one delivery attempt (attempts + 1, the state, the next due
   * time, the error and status, the delivery time) and releases the lease. Attempts
   * recorded together may share one transaction (group commit).
   *
   * @returns false, recording nothing, when `callback.lease` is no longer the callback's
   *   lease (it ran out and another caller claimed the callback)
   */
  recordCallbackAttempt(callback: Pick<PendingCallback, "sessionId" | "lease">, attempt: CallbackAttempt, at: number): Promise<boolean>;
  /** The outbox rows that match `filter`, oldest first (CLI `callbacks list`). */
  listCallbacks(filter: CallbackFilter): Promise<StoredCallback[]>;
  /**
   * Re-queues callbacks (CLI `callbacks redeliver`): state `pending`, next attempt at `at`,
   * `attempts` reset to 0 so that they get the whole retry schedule again. The callback
   * id, creation time and last error/status are kept. A callback being attempted keeps
   * its lease; the attempt's outcome is then recorded over the re-queue.
   *
   * @returns the session ids of the callbacks re-queued (a session without a callback is left out)
   */
  redeliverCallbacks(target: RedeliveryTarget, at: number): Promise<string[]>;
  /**
   * Pending and failed counts and the oldest pending callback (`/health`, `/metrics`), at
   * the same cost whatever the size of the outbox: the counts are kept in the write path
   * (table `callback_counts`, maintained by triggers) and the oldest is the first entry of
   * an index.
   */
  callbackStats(): Promise<CallbackStats>;
  /**
   * Deletes at most `limit` callbacks delivered before `before` (epoch ms), oldest first.
   * Pending and failed callbacks (the dead letters) are never deleted.
   *
   * @returns how many were deleted (fewer than `limit`: none older is left)
   */
  forgetDeliveredCallbacks(before: number, limit: number): Promise<number>;
  /**
   * Forgets at most `limit` idempotency keys created before `before`, oldest first (they
   * are kept at least 24 hours; the caller passes 48).
   *
   * @returns how many were deleted (fewer than `limit`: none older is left)
   */
  forgetIdempotencyKeys(before: number, limit: number): Promise<number>;
  /**
   * Session retention (`SESSION_RETENTION_DAYS`): visits at most `limit` closed or expired
   * sessions that ended before `before`, in (ended time, id) order after `after`, and
   * deletes those of them that no callback refers to any more. Active sessions are never
   * deleted; a session whose callback is still in the outbox (pending, a dead letter, or
   * delivered and within its own retention) is kept and visited again by a later pass.
   */
  forgetEndedSessions(before: number, limit: number, after: EndedSessionsCursor | undefined): Promise<EndedSessionsBatch>;
  /**
   * Keeps the query planner's statistics current (SQLite: `ANALYZE`, bounded by
   * `analysis_limit`; PostgreSQL: nothing, autovacuum analyzes). Cheap; run it hourly.
   */
  optimize(): Promise<void>;
  /** One session by id, or undefined. */
  getSession(id: string): Promise<StoredSession | undefined>;
  /** The session a launch token opens (looked up by the token's SHA-256), or undefined. */
  findSessionByTokenHash(tokenHash: string): Promise<StoredSession | undefined>;
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
