/**
 * Session expiry and the session expired callback (spec: operation `sessionExpired`,
 * seed 003). The reference server has no game client, so it has no activity signal: a
 * session's last activity is its ENTER (or its close), and "idle" means "that long since
 * launch". A real provider updates `last_activity_at` from game rounds. On each sweep it:
 *   1. expires the active sessions idle for longer than the idle timeout, queueing a
 *      callback for each partner that has callbacks switched on (same transaction);
 *   2. sends the due callbacks with the typed client (signed like any partner call) and
 *      records each attempt: delivered on HTTP 200 with `error: 0`; retried after a
 *      network error, a 5 s timeout or a 5xx, at most 3 attempts in all with growing
 *      pauses; given up after a 4xx. Delivery is at least once. Each callback is claimed
 *      under a lease (the attempt timeout plus 30 s), so that instances sharing one
 *      database never send the same callback at the same time, and a callback claimed by
 *      an instance that died is sent by another once the lease runs out;
 *   3. forgets idempotency keys older than 48 hours (the spec promises at least 24).
 */
import type { FastifyBaseLogger } from "fastify";
import { createSessionApiClient } from "../client.js";
import type { PartnerDirectory } from "../partners/directory.js";
import type { CallbackAttempt, PendingCallback, SessionStore } from "../store/session-store.js";

/** Options of `startSessionExpiry`. */
export interface SessionExpiryOptions {
  store: SessionStore;
  partners: PartnerDirectory;
  log: FastifyBaseLogger;
  /** `providerId` of the callbacks. */
  providerId: string;
  /** Idle time after which a session expires, milliseconds. */
  idleTimeoutMs: number;
  /** Time between sweeps, milliseconds. */
  sweepIntervalMs: number;
  /** Pauses before the 2nd and 3rd attempt, milliseconds. Default [1000, 10000]. */
  retryDelaysMs?: readonly number[];
  /** Timeout of one delivery attempt, milliseconds. Default 5000. */
  attemptTimeoutMs?: number;
  now?: () => number;
}

/** A running expiry job. */
export interface SessionExpiry {
  /** Runs one sweep now (the timer keeps running). */
  sweep(): Promise<void>;
  /** Stops the timer and waits for a sweep in progress. */
  stop(): Promise<void>;
}

const IDEMPOTENCY_RETENTION_MS = 48 * 3600 * 1000;
/** Callbacks delivered per sweep at most; the rest wait for the next sweep. */
const CALLBACKS_PER_SWEEP = 100;
/** Time a claim outlives the attempt's timeout: for recording the attempt. */
const LEASE_MARGIN_MS = 30_000;

/** Starts the periodic sweep. */
export function startSessionExpiry(options: SessionExpiryOptions): SessionExpiry {
  const now = options.now ?? Date.now;
  const retryDelays = options.retryDelaysMs ?? [1000, 10_000];
  const maxAttempts = retryDelays.length + 1;
  const attemptTimeoutMs = options.attemptTimeoutMs ?? 5000;
  const leaseMs = attemptTimeoutMs + LEASE_MARGIN_MS;
  let running: Promise<void> | undefined;

  async function deliver(callback: PendingCallback): Promise<CallbackAttempt> {
    const partner = options.partners.get(callback.partnerId);
    if (!partner?.callbackUrl || !partner.sessionExpiredCallback) return { state: "failed", error: "callbacks are switched off for this partner" };
    // The client adds the attempt's `timestamp` (from the same clock as the sweep) and signs.
    const client = createSessionApiClient({ baseUrl: partner.callbackUrl.replace(/\/+$/, ""), partnerId: partner.memberId, secret: partner.secret, now });
    const attempt = callback.attempts + 1;
    const retry = (error: string): CallbackAttempt =>
      attempt < maxAttempts ? { state: "pending", nextAttemptAt: now() + retryDelays[attempt - 1]!, error } : { state: "failed", error };
    // A timer we hold, not AbortSignal.timeout: on Node 20 a garbage collection can drop
    // the latter's timer, and an attempt that outlives its lease could be sent twice.
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(new Error(`no answer within ${attemptTimeoutMs} ms`)), attemptTimeoutMs);
    try {
      const { data, response } = await client.POST("/V4/sessionexpired", {
        body: { providerId: options.providerId, sessionId: callback.sessionId, playerId: callback.playerId },
        signal: abort.signal,
      });
      if (response.status === 200 && data?.error === 0) return { state: "delivered" };
      const error = `HTTP ${response.status}`;
      return response.status >= 500 ? retry(error) : { state: "failed", error };
    } catch (error) {
      return retry((error as Error).message);
    } finally {
      clearTimeout(timer);
    }
  }

  async function sweepOnce(): Promise<void> {
    const at = now();
    const callbackPartners = new Set(options.partners.all().filter((partner) => partner.sessionExpiredCallback).map((partner) => partner.memberId));
    const expired = await options.store.expireIdleSessions(at - options.idleTimeoutMs, at, callbackPartners);
    if (expired.length > 0) options.log.info({ expired: expired.length }, "expired idle sessions");
    for (let sent = 0; sent < CALLBACKS_PER_SWEEP; sent++) {
      // One at a time, so that each claim's lease covers one attempt only.
      const [callback] = await options.store.claimDueCallbacks(now(), 1, leaseMs);
      if (!callback) break;
      const attempt = await deliver(callback);
      if (!(await options.store.recordCallbackAttempt(callback, attempt, now()))) {
        options.log.warn({ sessionId: callback.sessionId, partnerId: callback.partnerId }, "session expired callback: lease ran out during the attempt; another instance owns it now");
        continue;
      }
      if (attempt.state !== "delivered") options.log.warn({ sessionId: callback.sessionId, partnerId: callback.partnerId, ...attempt }, "session expired callback not delivered");
      // Retry when due rather than at the next sweep, so the pauses are the documented ones.
      if (attempt.state === "pending") setTimeout(() => void sweep(), Math.max(0, attempt.nextAttemptAt - now())).unref();
    }
    await options.store.forgetIdempotencyKeys(at - IDEMPOTENCY_RETENTION_MS);
  }

  function sweep(): Promise<void> {
    running ??= sweepOnce()
      .catch((error: unknown) => options.log.error({ err: error }, "session expiry sweep failed"))
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
