/**
 * The storage interface of the reference server. Handlers and the expiry job talk to
 * this interface only; `openStore` (open-store.ts) picks the implementation from
 * `DATABASE_URL`: SQLite (`sqlite/`) or PostgreSQL (`postgres/`). Both pass the same
 * conformance suite (test/server/store.test.ts). Times are epoch milliseconds (UTC); ids
 * are strings.
 *
 * Several server instances may share one PostgreSQL database: every operation below is
 * then safe to run concurrently from all of them (issue "Storage that outgrows one
 * machine"). Expiry ends each session once, and a callback is delivered by one instance at
 * a time: `claimDueCallbacks` hands it out with a lease that the other instances respect
 * until it runs out (so the work of an instance that dies is picked up by the others).
 * Lease times are the callers' clocks, which must agree to well within a lease.
 *
 * Idempotency (spec: `Uuid4`, operations enterGameSession and closeSessionKyren): a
 * request's `uuid` is remembered with a fingerprint of its body. The first request with
 * a key takes effect; a repeat with the same fingerprint is replayed; a repeat with a
 * different fingerprint is a conflict (409 `G.03`). A key is used up only by a request
 * that took effect: a rejected request does not store it.
 */
import type { OperationId } from "../../generated/operations.js";

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

/** A session expired callback waiting to be (re)sent, claimed by one caller under a lease. */
export interface PendingCallback extends ExpiredSession {
  /** Attempts made so far. */
  attempts: number;
  /** Token of the claim: only its holder may record the attempt, and only until the lease runs out. */
  lease: string;
}

/** Result of one delivery attempt of a callback. */
export type CallbackAttempt =
  | { state: "delivered" }
  | { state: "pending"; nextAttemptAt: number; error: string }
  | { state: "failed"; error: string };

/** The storage operations of the reference server. */
export interface SessionStore {
  /**
   * Creates the tables or brings them up to date (`npm run migrate`; the server also runs
   * it on start). Safe to call on every start, and from several instances at once.
   *
   * @throws Error when the database's schema is newer than this code knows
   */
  migrate(): Promise<void>;
  /** ENTER: stores `session` at most once per key; a replay returns the session id stored first. */
  openSession(key: IdempotencyKey, session: NewSession): Promise<Idempotent<{ sessionId: string }>>;
  /** V4 close session: ends the matching active sessions; returns how many. Idempotent by nature. */
  closeSessions(filter: CloseFilter, at: number): Promise<number>;
  /** Kyren CloseSession: the same, at most once per key. */
  closeSessionsOnce(key: IdempotencyKey, filter: CloseFilter, at: number): Promise<Idempotent<undefined>>;
  /**
   * Ends the active sessions idle since before `idleBefore` and, for those whose partner
   * is in `callbackPartners`, queues a session expired callback due at `at`.
   */
  expireIdleSessions(idleBefore: number, at: number, callbackPartners: ReadonlySet<string>): Promise<ExpiredSession[]>;
  /**
   * Claims up to `limit` callbacks due at `at` (oldest first) that no one else holds a
   * live lease on, leasing them until `at + leaseMs`. Concurrent callers, also on other
   * instances, never get the same callback while its lease runs; an expired lease (its
   * holder died or overran) makes the callback claimable again.
   */
  claimDueCallbacks(at: number, limit: number, leaseMs: number): Promise<PendingCallback[]>;
  /**
   * Records the outcome of one delivery attempt and releases the lease.
   *
   * @returns false, recording nothing, when `callback.lease` is no longer the callback's
   *   lease (it ran out and another caller claimed the callback)
   */
  recordCallbackAttempt(callback: Pick<PendingCallback, "sessionId" | "lease">, attempt: CallbackAttempt, at: number): Promise<boolean>;
  /** Forgets idempotency keys created before `before` (they are kept at least 24 hours). */
  forgetIdempotencyKeys(before: number): Promise<number>;
  /** One session by id, or undefined. */
  getSession(id: string): Promise<StoredSession | undefined>;
  /** The session a launch token opens (looked up by the token's SHA-256), or undefined. */
  findSessionByTokenHash(tokenHash: string): Promise<StoredSession | undefined>;
  /** Cheap liveness query for the health check. */
  ping(): Promise<void>;
  /** Lets the writes already queued finish, then releases the connections. */
  close(): Promise<void>;
}
