/**
 * The delivery loop of the session expired callback: it drains the outbox (the
 * `callbacks` table) on its own, apart from the expiry loop, so delivery problems never
 * delay expiry.
 *
 * - **Concurrency.** At most `concurrency` attempts run at once in this instance
 *   (`CALLBACK_CONCURRENCY`, 256). Each partner has a concurrency limit that adapts to
 *   its receiver's answers, from 1 up to `partnerConcurrency` (`CALLBACK_PARTNER_CONCURRENCY`,
 *   64): it grows while the receiver answers with all of its limit in flight, and halves
 *   on timeouts and retryable failures (concurrency-limit.ts). When several partners have
 *   callbacks to send they share the instance's slots fairly (slot-plan.ts). A claim asks
 *   the store for exactly the free slots of each partner (one statement for all of them),
 *   so a callback is claimed only when it can start at once, and its lease (the attempt's
 *   deadline + `leaseMarginMs`) covers one attempt and its recording. Partners are offered
 *   the free slots in turn, starting one further each claim.
 * - **Pace.** At most `maxPerSecond` attempts start a second in this instance
 *   (`CALLBACK_MAX_PER_SECOND`, delivery-rate.ts), so that a backlog never takes the CPU
 *   that requests need; a claim asks for no more than the pace allows, and when it has
 *   none left the loop looks again once a batch is allowed.
 * - **Isolation.** A black-holed partner holds at most its own limit (and one, once its
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
import type { LimitTicket } from "./concurrency-limit.js";
import type { AttemptOutcome, DeliveryMetrics } from "./metrics.js";
import type { WarmUp } from "../warm-up.js";
import { DeliveryRate } from "./delivery-rate.js";
import { PartnerSlots } from "./partner-slots.js";
import { nextPauseMs } from "./retry-policy.js";
import { createCallbackSender, type CallbackSender, type SendResult } from "./sender.js";
import { ErrorLogThrottle } from "../../shared/error-log-throttle.js";

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
  /**
   * Most attempts started a second in this instance (delivery-rate.ts); undefined or 0:
   * as fast as the receivers answer.
   */
  maxPerSecond?: number;
  /** The process's warm-up (../warm-up.ts): the pace is `maxPerSecond` times its share. Default: none. */
  warmUp?: Pick<WarmUp, "share">;
  /** Most attempts at once to one partner: the ceiling of its adaptive limit. */
  partnerConcurrency: number;
  /**
   * Whether each partner's limit adapts to its receiver (concurrency-limit.ts). False: it
   * is `partnerConcurrency`, fixed. Default true.
   */
  adaptiveConcurrency?: boolean;
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
const deliverable = (partner: Partner | undefined): partner is Deliverable =>
  Boolean(partner?.sessionExpiredCallback && partner.callbackUrl);

const outcomeLabel = (result: SendResult): AttemptOutcome =>
  result.outcome === "delivered"
    ? "delivered"
    : result.outcome === "rejected"
      ? "rejected"
      : result.kind === "status"
        ? "http_error"
        : result.kind === "timeout"
          ? "timeout"
          : "network_error";

/**
 * The outcome to record for an attempt's result at `at` (epoch ms), under the retry
 * schedule (retry-policy.ts); the attempt number includes this attempt.
 */
function attemptOutcome(
  result: SendResult,
  callback: PendingCallback,
  at: number,
  schedule: readonly number[],
  random: () => number,
): CallbackAttempt {
  if (result.outcome === "delivered") return { state: "delivered", status: result.status };
  if (result.outcome === "rejected") return { state: "failed", error: result.error, status: result.status };
  const made = callback.attempts + 1;
  const pause = nextPauseMs(schedule, made, random, result.retryAfterMs);
  const status = result.status === undefined ? {} : { status: result.status };
  if (pause === undefined) return { state: "failed", error: `gave up after ${made} attempts; last: ${result.error}`, ...status };
  return { state: "pending", nextAttemptAt: at + pause, error: result.error, ...status };
}

/** `items` from index `start` on, then those before it. */
const rotated = <T>(items: readonly T[], start: number): T[] => [...items.slice(start), ...items.slice(0, start)];

/** Logs a change of a partner's circuit breaker. */
function logBreaker(log: FastifyBaseLogger, partnerId: string, change: "opened" | "closed", threshold: number, cooldownMs: number): void {
  if (change === "opened")
    log.warn(
      { partnerId, cooldownMs },
      `session expired callbacks: circuit opened for partner ${partnerId} after ${threshold} failed attempts in a row; one probe per cool-down until it answers`,
    );
  else log.info({ partnerId }, `session expired callbacks: partner ${partnerId} answers again; circuit closed`);
}

/**
 * Records an attempt's outcome in the outbox and logs what became of the callback.
 * Never throws: a store error is logged (the lease then runs out and the callback is
 * attempted again).
 */
async function recordAttempt(
  options: CallbackDeliveryOptions,
  errors: ErrorLogThrottle,
  callback: PendingCallback,
  outcome: CallbackAttempt,
  at: number,
): Promise<void> {
  const log = options.log;
  const identity = {
    sessionId: callback.sessionId,
    partnerId: callback.partnerId,
    callbackId: callback.callbackId,
    attempt: callback.attempts + 1,
  };
  let recorded: boolean;
  try {
    recorded = await options.store.recordCallbackAttempt(callback, outcome, at);
  } catch (error) {
    errors.error(
      log,
      identity,
      error,
      "session expired callback: the attempt could not be recorded; it will be attempted again once its lease runs out",
    );
    return;
  }
  if (!recorded) {
    log.warn(identity, "session expired callback: the lease ran out during the attempt; another claim owns the callback now");
    return;
  }
  if (outcome.state === "pending")
    log.warn(
      { ...identity, error: outcome.error, nextAttemptAt: new Date(outcome.nextAttemptAt).toISOString() },
      "session expired callback not delivered; retry scheduled",
    );
  else {
    options.metrics?.result(callback.partnerId, outcome.state);
    if (outcome.state === "failed")
      log.warn(
        { ...identity, error: outcome.error },
        "session expired callback given up (failed): `npm run callbacks -- redeliver` re-queues it",
      );
  }
}

/**
 * Starts the delivery loop (see the file comment): it claims due callbacks from the
 * outbox, sends each with the sender's deadline, and records each outcome under the retry
 * schedule, within the per-instance limit, the partners' adaptive limits and fair shares,
 * and their circuit breakers (operation `sessionExpired`). Never throws: a store error is
 * logged and the loop tries again on its next tick.
 *
 * @returns the loop: `wake()` claims now (after a sweep queued callbacks), `stop()` waits for the attempts in flight
 */
export function startCallbackDelivery(options: CallbackDeliveryOptions): CallbackDelivery {
  const loop = new DeliveryLoop(options);
  loop.wake();
  return { wake: loop.wake, drain: () => loop.drain(), stop: () => loop.stop() };
}

/** The state and steps of one delivery loop (`startCallbackDelivery`). */
class DeliveryLoop {
  private readonly now: () => number;
  private readonly random: () => number;
  // A database outage fails every claim and every record alike: one stack per kind and minute.
  private readonly errors = new ErrorLogThrottle();
  private readonly leaseMs: number;
  private readonly sender: CallbackSender;
  private readonly slots: PartnerSlots;
  private readonly rate: DeliveryRate | undefined;
  /** Whether the last claim found the pace used up (the next look waits for a batch). */
  private paced = false;
  private readonly attempts = new Set<Promise<void>>();
  /** The directory's partner list that `slots` was last told about. */
  private known: readonly Partner[] | undefined;
  private rotation = 0;
  private unconfiguredDueAt = 0;
  private stopped = false;
  private claiming: Promise<number> | undefined;
  private again = false;
  private pollTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: CallbackDeliveryOptions) {
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.leaseMs = options.attemptTimeoutMs + (options.leaseMarginMs ?? 10_000);
    this.sender = createCallbackSender({
      providerId: options.providerId,
      timeoutMs: options.attemptTimeoutMs,
      connectionsPerPartner: options.partnerConcurrency,
      now: this.now,
    });
    this.rate = options.maxPerSecond ? new DeliveryRate({ perSecond: options.maxPerSecond, warmUp: options.warmUp }) : undefined;
    this.slots = new PartnerSlots({
      ceiling: options.partnerConcurrency,
      adaptive: options.adaptiveConcurrency ?? true,
      breakerThreshold: options.breakerThreshold,
      breakerCooldownMs: options.breakerCooldownMs,
      onLimit: (partnerId, limit) => options.metrics?.concurrencyLimit(partnerId, limit),
    });
  }

  /** Sends one claimed callback (or gives it up when its partner is not deliverable here) and records the outcome. */
  private async attempt(callback: PendingCallback, ticket: LimitTicket): Promise<void> {
    const { options, errors } = this;
    const partner = options.partners.get(callback.partnerId);
    if (!deliverable(partner)) {
      options.metrics?.attempt(callback.partnerId, "not_configured", undefined);
      const error = `callbacks are switched off for partner ${callback.partnerId} (no callbackUrl, or sessionExpiredCallback is false, on this instance)`;
      return recordAttempt(options, errors, callback, { state: "failed", error }, this.now());
    }
    const started = performance.now();
    const result = await this.sender.send(partner, callback);
    const at = this.now();
    options.metrics?.attempt(callback.partnerId, outcomeLabel(result), (performance.now() - started) / 1000);
    const change = this.slots.answered(callback.partnerId, ticket, { ok: result.outcome !== "retry", at });
    if (change) {
      options.metrics?.circuitOpen(callback.partnerId, change === "opened");
      logBreaker(options.log, callback.partnerId, change, options.breakerThreshold, options.breakerCooldownMs);
    }
    await recordAttempt(options, errors, callback, attemptOutcome(result, callback, at, options.retrySchedule, this.random), this.now());
  }

  private start(callback: PendingCallback, ticket: LimitTicket): void {
    const running: Promise<void> = this.attempt(callback, ticket)
      .catch((error: unknown) =>
        this.errors.error(
          this.options.log,
          { sessionId: callback.sessionId },
          error,
          "session expired callback attempt failed unexpectedly",
        ),
      )
      .finally(() => {
        this.slots.finished(callback.partnerId);
        this.attempts.delete(running);
        this.options.metrics?.inFlight(this.attempts.size);
        this.wake();
      });
    this.attempts.add(running);
    this.options.metrics?.inFlight(this.attempts.size);
  }

  /** The partners this instance delivers to, in configuration order; forgets the state of those that left. */
  private configured(): Deliverable[] {
    const all = this.options.partners.all();
    const partners = all.filter(deliverable);
    if (all !== this.known) {
      this.known = all;
      this.slots.retain(new Set(partners.map((partner) => partner.memberId)));
    }
    return partners;
  }

  /** One claim for the free slots; returns how many callbacks it started. */
  private async claimOnce(): Promise<number> {
    const allowed = this.rate?.available() ?? Number.POSITIVE_INFINITY;
    this.paced = allowed < 1;
    const total = Math.min(this.options.concurrency, this.attempts.size + allowed);
    if (this.stopped || this.attempts.size >= total) return 0;
    const at = this.now();
    const partners = this.configured();
    const order = rotated(
      partners.map((partner) => partner.memberId),
      this.rotation % Math.max(1, partners.length),
    );
    this.rotation = (this.rotation + 1) % Math.max(1, partners.length);
    const plan = this.slots.plan(order, at, total, this.attempts.size);
    const perPartner = plan.slots;
    let others = 0;
    if (at >= this.unconfiguredDueAt) {
      let planned = 0;
      for (const count of perPartner.values()) planned += count;
      others = Math.min(total - this.attempts.size - planned, UNCONFIGURED_BATCH);
      this.unconfiguredDueAt = at + UNCONFIGURED_EVERY_MS;
    }
    const claimed = await this.options.store.claimDueCallbacks({ at, leaseMs: this.leaseMs, perPartner, others });
    const tickets = this.slots.claimed(
      plan,
      claimed.map((callback) => callback.partnerId),
    );
    this.rate?.take(claimed.length);
    for (const [index, callback] of claimed.entries()) this.start(callback, tickets[index]!);
    return claimed.length;
  }

  /** Milliseconds until the pace allows a batch, when the last claim found it used up; otherwise undefined. */
  private paceWaitMs(): number | undefined {
    return this.paced && this.rate ? this.rate.msUntilBatch() : undefined;
  }

  /** Runs claims one at a time until one starts nothing; then waits for the poll or a wake. */
  readonly wake = (): void => {
    if (this.stopped) return;
    if (this.claiming) {
      this.again = true;
      return;
    }
    clearTimeout(this.pollTimer);
    const claim = this.serialised(() =>
      this.claimOnce().catch((error: unknown) => {
        this.errors.error(
          this.options.log,
          {},
          error,
          "session expired callbacks: claiming from the outbox failed; trying again at the next poll",
        );
        return 0;
      }),
    );
    void claim.then((started) => {
      const more = this.again || (started > 0 && this.attempts.size < this.options.concurrency);
      this.again = false;
      if (this.stopped) return;
      if (more) setImmediate(this.wake);
      else {
        const pollMs = this.options.pollIntervalMs ?? 250;
        this.pollTimer = setTimeout(this.wake, Math.min(pollMs, this.paceWaitMs() ?? pollMs));
        this.pollTimer.unref();
      }
    });
  };

  /** Runs `claim` as the one claim in progress (`claiming`) until it settles. */
  private serialised(claim: () => Promise<number>): Promise<number> {
    const running: Promise<number> = claim().finally(() => {
      if (this.claiming === running) this.claiming = undefined;
    });
    this.claiming = running;
    return running;
  }

  /** `CallbackDelivery.drain`. */
  async drain(): Promise<void> {
    this.unconfiguredDueAt = 0; // the first claim looks for everything due
    for (;;) {
      while (this.claiming) await this.claiming;
      const started = await this.serialised(() => this.claimOnce());
      await Promise.all([...this.attempts]);
      const paceWaitMs = this.paceWaitMs();
      if (paceWaitMs !== undefined) {
        await new Promise((resolve) => setTimeout(resolve, paceWaitMs));
        continue;
      }
      // An attempt that just ended woke a claim of its own: wait for what it starts too.
      if (started === 0 && this.attempts.size === 0 && !this.claiming) return;
    }
  }

  /** `CallbackDelivery.stop`. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.pollTimer);
    await this.claiming;
    await Promise.all([...this.attempts]);
    await this.sender.close();
  }
}
