/**
 * The expiry loop (spec: operation `sessionExpired`, seed 003). The reference server has
 * no game client, so it has no activity signal: a session's last activity is its ENTER (or
 * its close), and "idle" means "that long since launch". A real provider updates
 * `last_activity_at` from game rounds. Every `sweepIntervalMs` it:
 *   1. expires the active sessions idle for longer than the idle timeout and, in the same
 *      transaction, writes a callback into the outbox for each one whose partner has
 *      callbacks switched on (store: `expireIdleSessions`);
 *   2. tells the delivery loop (`onQueued`), which sends them on its own (delivery/);
 *   3. forgets idempotency keys older than 48 hours (the spec promises at least 24);
 *   4. deletes callbacks delivered longer ago than the retention (`CALLBACK_RETENTION_DAYS`),
 *      at most `FORGET_BATCH` per sweep; pending and failed ones (dead letters) stay.
 * It never waits on a delivery: a stuck receiver cannot hold up expiry (issue 9).
 * Sweeps do not overlap; a failed sweep is logged and the next one runs on time.
 */
import type { FastifyBaseLogger } from "fastify";
import type { PartnerDirectory } from "../partners/directory.js";
import type { ExpiredSession, SessionStore } from "../store/session-store.js";
import { ErrorLogThrottle } from "../http/error-log-throttle.js";

/** Options of `startExpiry`. */
export interface ExpiryOptions {
  store: SessionStore;
  partners: PartnerDirectory;
  log: FastifyBaseLogger;
  /** Idle time after which a session expires, milliseconds (`SESSION_IDLE_TIMEOUT_SECONDS`). */
  idleTimeoutMs: number;
  /** Time between sweeps, milliseconds (`EXPIRY_SWEEP_SECONDS`). */
  sweepIntervalMs: number;
  /** How long a delivered callback is kept, milliseconds (`CALLBACK_RETENTION_DAYS`); 0 keeps them forever. Default 0. */
  callbackRetentionMs?: number;
  /** Called after a sweep queued callbacks (the delivery loop's `wake`). */
  onQueued?: () => void;
  /** Clock, epoch milliseconds. Default `Date.now`. */
  now?: () => number;
}

/** The running expiry loop. */
export interface Expiry {
  /** Runs one sweep now (or joins the one in progress); resolves to the sessions it expired ([] after a failure, which is logged). */
  sweep(): Promise<ExpiredSession[]>;
  /** Stops the timer and waits for a sweep in progress. */
  stop(): Promise<void>;
}

/** How long idempotency keys are kept, milliseconds (the spec promises at least 24 hours). */
const IDEMPOTENCY_RETENTION_MS = 48 * 3600 * 1000;

/** Most delivered callbacks deleted by one sweep, so that one sweep's write stays short. */
const FORGET_BATCH = 10_000;

/**
 * Starts the periodic sweep (see the file comment), one every `options.sweepIntervalMs`;
 * the timer does not keep the process alive. Never throws: a failed sweep is logged and
 * the next one runs on time.
 *
 * @returns the loop: `sweep()` runs one now, `stop()` ends the timer and waits for a sweep in progress
 */
export function startExpiry(options: ExpiryOptions): Expiry {
  const now = options.now ?? Date.now;
  let running: Promise<ExpiredSession[]> | undefined;
  const errors = new ErrorLogThrottle();

  async function sweepOnce(): Promise<ExpiredSession[]> {
    const at = now();
    const callbackPartners = new Set(options.partners.all().filter((partner) => partner.sessionExpiredCallback).map((partner) => partner.memberId));
    const expired = await options.store.expireIdleSessions(at - options.idleTimeoutMs, at, callbackPartners);
    if (expired.length > 0) {
      const queued = expired.filter((session) => callbackPartners.has(session.partnerId)).length;
      options.log.info({ expired: expired.length, callbacksQueued: queued }, "expired idle sessions");
      if (queued > 0) options.onQueued?.();
    }
    await options.store.forgetIdempotencyKeys(at - IDEMPOTENCY_RETENTION_MS);
    if (options.callbackRetentionMs) {
      const forgotten = await options.store.forgetDeliveredCallbacks(at - options.callbackRetentionMs, FORGET_BATCH);
      if (forgotten > 0) options.log.info({ forgotten }, "deleted delivered callbacks past their retention");
    }
    return expired;
  }

  function sweep(): Promise<ExpiredSession[]> {
    running ??= sweepOnce()
      .catch((error: unknown) => {
        errors.error(options.log, {}, error, "session expiry sweep failed");
        return [];
      })
      .finally(() => (running = undefined));
    return running;
  }

  const timer = setInterval(() => void sweep(), options.sweepIntervalMs);
  timer.unref();
  return {
    sweep,
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
