/**
 * The outbox of the session expired callback: one row per callback, written in the
 * transaction that expires its session (sessions.ts), with a stable `callback_id` (UUID v4)
 * and `created_at`; `pending` until delivered or given up (`failed`, the dead letter).
 * Pending and failed rows are never deleted; delivered ones are deleted after their
 * retention (`forgetDeliveredCallbacks`, CALLBACK_RETENTION_DAYS). A callback is delivered
 * by one instance at a time: `claimDueCallbacks` hands it out with a lease that the other
 * instances respect until it runs out (so the work of an instance that dies is picked up by
 * the others). Lease times are the callers' clocks, which must agree to well within a lease.
 * Times are epoch milliseconds (UTC).
 */
import type { ExpiredSession } from "./sessions.js";

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

/** The outbox operations of the store (the delivery engine, `/health`, the `callbacks` CLI). */
export interface CallbackOutbox {
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
}
