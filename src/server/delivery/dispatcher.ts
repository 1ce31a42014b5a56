/**
 * The delivery loop of the session expired callback (issue 9): it drains the outbox (the
 * `callbacks` table) on its own, apart from the expiry loop, so delivery problems never
 * delay expiry.
 *
 * - **Concurrency.** At most `concurrency` attempts run at once in this instance
 *   (`CALLBACK_CONCURRENCY`, 64), and at most `partnerConcurrency` per partner
 *   (`CALLBACK_PARTNER_CONCURRENCY`, 8). A claim asks the store for exactly the free slots
 *   of each partner (one statement for all of them), so a callback is claimed only when
 *   it can start at once, and its lease (the attempt's deadline + `leaseMarginMs`) covers
 *   one attempt and its recording.
 *   Partners are offered the free slots in turn, starting one further each claim.
 * - **Isolation.** A black-holed partner holds at most its own slots (and one, once its
 *   circuit breaker opens, circuit-breaker.ts); the others keep theirs, so it delays no
 *   other partner's callbacks by more than one attempt timeout.
 * - **Throughput.** Claims are serialised: while one runs, the slots freed meanwhile add
 *   up, so the next claim is a batch. Outcomes are recorded as each attempt ends; the
 *   store groups those of one event-loop turn (SQLite group commit, PostgreSQL multi-row
 *   UPDATE). Connections are kept alive (sender.ts).
 * - **Polling.** When nothing is due it looks again every `pollIntervalMs` (250 ms), and at
 *   once when `wake()` is called (the expiry loop does, after it queued callbacks) or an
 *   attempt ends. Other instances' callbacks and retries that come due are found by the poll.
 * - **Faults.** A claim that fails (database down) is tried again at the next poll. An
 *   outcome that cannot be recorded is logged; the lease then runs out and the callback is
 *   attempted again (at least once). A callback whose partner has callbacks off (or is not
 *   configured on this instance) is given up at once with that reason, to be redelivered
 *   once its configuration is fixed.
 */
import type { FastifyBaseLogger } from "fastify";
import type { Partner, PartnerDirectory } from "../../partners/directory.js";
import type { CallbackAttempt, PendingCallback, SessionStore } from "../../store/session-store.js";
import { CircuitBreakers } from "./circuit-breaker.js";
import type { AttemptOutcome, DeliveryMetrics } from "./metrics.js";
import { nextPauseMs } from "./retry-policy.js";
import { createCallbackSender, type SendResult } from "./sender.js";
import { ErrorLogThrottle } from "../../http/error-log-throttle.js";

/** Options of `startCallbackDelivery`; the defaults are those of config.ts. */
export interface CallbackDeliveryOptions {
  store: SessionStore;
  partners: PartnerDirectory;
  log: FastifyBaseLogger;
  /** `providerId` of the callbacks. */
  providerId: string;
  /** Pauses between attempts, seconds (`CALLBACK_RETRY_SCHEDULE`; retry-policy.ts). */
  retrySchedule: readonly number[];
  /** Hard deadline of one attempt, milliseconds (`CALLBACK_TIMEOUT_MS`). */
  attemptTimeoutMs: number;
  /** Most attempts at once in this instance. */
  concurrency: number;
  /** Most attempts at once to one partner. */
  partnerConcurrency: number;
  /** Consecutive failures that open a partner's circuit breaker. */
  breakerThreshold: number;
  /** How long an open breaker waits before one probe, milliseconds. */
  breakerCooldownMs: number;
  /**
   * How long a lease outlives the attempt's deadline, milliseconds (time to record the
   * outcome): after deadline + margin, another instance may take the callback over.
   * Default 10000.
   */
  leaseMarginMs?: number;
  /** Time between looks at the outbox when nothing is due, milliseconds. Default 250. */
  pollIntervalMs?: number;
  metrics?: DeliveryMetrics;
  /** Clock, epoch milliseconds. Default `Date.now`. */
  now?: () => number;
  /** Uniform random numbers in [0, 1) for the jitter. Default `Math.random`. */
  random?: () => number;
}

/** The running delivery loop. */
export interface CallbackDelivery {
  /** Looks at the outbox now (callbacks were queued). */
  wake(): void;
  /**
   * Claims and attempts every callback due now, and waits until their attempts are
   * recorded and nothing more is due (except what a breaker holds back). For tests and
   * the benchmark; the loop does this on its own.
   */
  drain(): Promise<void>;
  /** Stops claiming, waits for the attempts in flight (at most one deadline) and closes the connections. */
  stop(): Promise<void>;
}

/** Most callbacks of unconfigured partners claimed at once (they are given up without a request). */
const UNCONFIGURED_BATCH = 50;
/**
 * How often claims also look for callbacks of unconfigured partners, milliseconds: that
 * search cannot use the per-partner index, so it is not made on every claim.
 */
const UNCONFIGURED_EVERY_MS = 1000;

type Deliverable = Partner & { callbackUrl: string };
const deliverable = (partner: Partner | undefined): partner is Deliverable => Boolean(partner?.sessionExpiredCallback && partner.callbackUrl);

const outcomeLabel = (result: SendResult): AttemptOutcome =>
  result.outcome === "delivered" ? "delivered" : result.outcome === "rejected" ? "rejected" : result.kind === "status" ? "http_error" : result.kind === "timeout" ? "timeout" : "network_error";

/**
 * Starts the delivery loop (see the file comment): it claims due callbacks from the
 * outbox, sends each with the sender's deadline, and records each outcome under the retry
 * schedule, within the per-instance and per-partner concurrency limits and the partners'
 * circuit breakers (operation `sessionExpired`). Never throws: a store error is logged and
 * the loop tries again on its next tick.
 *
 * @returns the loop: `wake()` claims now (after a sweep queued callbacks), `stop()` waits for the attempts in flight
 */
export function startCallbackDelivery(options: CallbackDeliveryOptions): CallbackDelivery {
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  // A database outage fails every claim and every record alike: one stack per kind and minute.
  const errors = new ErrorLogThrottle();
  const pollIntervalMs = options.pollIntervalMs ?? 250;
  const leaseMs = options.attemptTimeoutMs + (options.leaseMarginMs ?? 10_000);
  const log = options.log;
  const sender = createCallbackSender({ providerId: options.providerId, timeoutMs: options.attemptTimeoutMs, connectionsPerPartner: options.partnerConcurrency, now });
  const breakers = new CircuitBreakers({ threshold: options.breakerThreshold, cooldownMs: options.breakerCooldownMs });
  const inFlightByPartner = new Map<string, number>();
  const attempts = new Set<Promise<void>>();
  let rotation = 0;
  let unconfiguredDueAt = 0;
  let stopped = false;
  let claiming: Promise<number> | undefined;
  let again = false;
  let pollTimer: NodeJS.Timeout | undefined;

  /** The outcome to record for an attempt's result; the attempt number includes it. */
  function toAttempt(result: SendResult, callback: PendingCallback, at: number): CallbackAttempt {
    if (result.outcome === "delivered") return { state: "delivered", status: result.status };
    if (result.outcome === "rejected") return { state: "failed", error: result.error, status: result.status };
    const made = callback.attempts + 1;
    const pause = nextPauseMs(options.retrySchedule, made, random, result.retryAfterMs);
    const status = result.status === undefined ? {} : { status: result.status };
    if (pause === undefined) return { state: "failed", error: `gave up after ${made} attempts; last: ${result.error}`, ...status };
    return { state: "pending", nextAttemptAt: at + pause, error: result.error, ...status };
  }

  async function attempt(callback: PendingCallback): Promise<void> {
    const partner = options.partners.get(callback.partnerId);
    let outcome: CallbackAttempt;
    if (!deliverable(partner)) {
      outcome = { state: "failed", error: `callbacks are switched off for partner ${callback.partnerId} (no callbackUrl, or sessionExpiredCallback is false, on this instance)` };
      options.metrics?.attempt(callback.partnerId, "not_configured", undefined);
    } else {
      const started = performance.now();
      const result = await sender.send(partner, callback);
      const at = now();
      options.metrics?.attempt(callback.partnerId, outcomeLabel(result), (performance.now() - started) / 1000);
      const change = breakers.record(callback.partnerId, result.outcome !== "retry", at);
      if (change) {
        options.metrics?.circuitOpen(callback.partnerId, change === "opened");
        if (change === "opened") log.warn({ partnerId: callback.partnerId, cooldownMs: options.breakerCooldownMs }, `session expired callbacks: circuit opened for partner ${callback.partnerId} after ${options.breakerThreshold} failed attempts in a row; one probe per cool-down until it answers`);
        else log.info({ partnerId: callback.partnerId }, `session expired callbacks: partner ${callback.partnerId} answers again; circuit closed`);
      }
      outcome = toAttempt(result, callback, at);
    }
    const identity = { sessionId: callback.sessionId, partnerId: callback.partnerId, callbackId: callback.callbackId, attempt: callback.attempts + 1 };
    let recorded: boolean;
    try {
      recorded = await options.store.recordCallbackAttempt(callback, outcome, now());
    } catch (error) {
      errors.error(log, identity, error, "session expired callback: the attempt could not be recorded; it will be attempted again once its lease runs out");
      return;
    }
    if (!recorded) {
      log.warn(identity, "session expired callback: the lease ran out during the attempt; another claim owns the callback now");
      return;
    }
    if (outcome.state === "pending") log.warn({ ...identity, error: outcome.error, nextAttemptAt: new Date(outcome.nextAttemptAt).toISOString() }, "session expired callback not delivered; retry scheduled");
    else {
      options.metrics?.result(callback.partnerId, outcome.state);
      if (outcome.state === "failed") log.warn({ ...identity, error: outcome.error }, "session expired callback given up (failed): `npm run callbacks -- redeliver` re-queues it");
    }
  }

  function start(callback: PendingCallback): void {
    inFlightByPartner.set(callback.partnerId, (inFlightByPartner.get(callback.partnerId) ?? 0) + 1);
    const running: Promise<void> = attempt(callback)
      .catch((error: unknown) => errors.error(log, { sessionId: callback.sessionId }, error, "session expired callback attempt failed unexpectedly"))
      .finally(() => {
        inFlightByPartner.set(callback.partnerId, inFlightByPartner.get(callback.partnerId)! - 1);
        attempts.delete(running);
        options.metrics?.inFlight(attempts.size);
        wake();
      });
    attempts.add(running);
    options.metrics?.inFlight(attempts.size);
  }

  /** One claim for the free slots; returns how many callbacks it started. */
  async function claimOnce(): Promise<number> {
    let free = options.concurrency - attempts.size;
    if (stopped || free <= 0) return 0;
    const at = now();
    const configured = options.partners.all().filter(deliverable);
    const perPartner = new Map<string, number>();
    for (let index = 0; index < configured.length; index++) {
      const partner = configured[(rotation + index) % configured.length]!;
      const slots = Math.min(free, breakers.slots(partner.memberId, at, options.partnerConcurrency, inFlightByPartner.get(partner.memberId) ?? 0));
      perPartner.set(partner.memberId, slots);
      free -= slots;
    }
    rotation = (rotation + 1) % Math.max(1, configured.length);
    let others = 0;
    if (at >= unconfiguredDueAt) {
      others = Math.min(free, UNCONFIGURED_BATCH);
      unconfiguredDueAt = at + UNCONFIGURED_EVERY_MS;
    }
    const claimed = await options.store.claimDueCallbacks({ at, leaseMs, perPartner, others });
    for (const callback of claimed) start(callback);
    return claimed.length;
  }

  /** Runs claims one at a time until one starts nothing; then waits for the poll or a wake. */
  function wake(): void {
    if (stopped) return;
    if (claiming) {
      again = true;
      return;
    }
    clearTimeout(pollTimer);
    const claim = serialised(() =>
      claimOnce().catch((error: unknown) => {
        errors.error(log, {}, error, "session expired callbacks: claiming from the outbox failed; trying again at the next poll");
        return 0;
      }),
    );
    void claim.then((started) => {
      const more = again || (started > 0 && attempts.size < options.concurrency);
      again = false;
      if (stopped) return;
      if (more) setImmediate(wake);
      else {
        pollTimer = setTimeout(wake, pollIntervalMs);
        pollTimer.unref();
      }
    });
  }

  /** Runs `claim` as the one claim in progress (`claiming`) until it settles. */
  function serialised(claim: () => Promise<number>): Promise<number> {
    const running: Promise<number> = claim().finally(() => {
      if (claiming === running) claiming = undefined;
    });
    claiming = running;
    return running;
  }

  wake();
  return {
    wake,
    async drain() {
      unconfiguredDueAt = 0; // the first claim looks for everything due
      for (;;) {
        while (claiming) await claiming;
        const started = await serialised(claimOnce);
        await Promise.all([...attempts]);
        if (started === 0 && attempts.size === 0) return;
      }
    },
    async stop() {
      stopped = true;
      clearTimeout(pollTimer);
      await claiming;
      await Promise.all([...attempts]);
      await sender.close();
    },
  };
}
