/**
 * Game sessions: ENTER opens one (at most once per idempotency key), close calls end a
 * player's active sessions, the expiry job ends idle ones (queueing their session expired
 * callbacks in the same transaction, callback-outbox.ts), and retention deletes ended ones.
 * Times are epoch milliseconds (UTC).
 */
import type { Idempotent, IdempotencyKey } from "./idempotency-keys.js";

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

/** The session operations of the store. */
export interface Sessions {
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
   * Session retention (`SESSION_RETENTION_DAYS`): visits at most `limit` closed or expired
   * sessions that ended before `before`, in (ended time, id) order after `after`, and
   * deletes those of them that no callback refers to any more. Active sessions are never
   * deleted; a session whose callback is still in the outbox (pending, a dead letter, or
   * delivered and within its own retention) is kept and visited again by a later pass.
   */
  forgetEndedSessions(before: number, limit: number, after: EndedSessionsCursor | undefined): Promise<EndedSessionsBatch>;
  /** One session by id, or undefined. */
  getSession(id: string): Promise<StoredSession | undefined>;
  /** The session a launch token opens (looked up by the token's SHA-256), or undefined. */
  findSessionByTokenHash(tokenHash: string): Promise<StoredSession | undefined>;
}
