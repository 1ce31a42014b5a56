/**
 * A circuit breaker per partner: if one partner keeps failing, back off that partner
 * rather than spending the whole pool on it.
 *
 * - closed: the partner gets up to its concurrency limit of attempts at once
 *   (concurrency-limit.ts);
 * - after `threshold` consecutive failed attempts (`CALLBACK_BREAKER_THRESHOLD`, default
 *   5: a timeout, a network error or a retryable status) it opens: none of that partner's
 *   callbacks is attempted during `cooldownMs` (`CALLBACK_BREAKER_COOLDOWN_SECONDS`,
 *   default 5 s). They wait in the outbox without using up their retry schedule;
 * - then it is half-open: ONE attempt (the probe) goes out. If it delivers (or the
 *   receiver answers a 4xx, which shows it is up), the breaker closes and the partner's
 *   due callbacks go out at full concurrency; if it fails, the breaker opens again.
 *
 * So a dead or black-holed partner holds at most one slot of the pool, one attempt per
 * cool-down, and its retries are rationed to those probes: its callbacks may be given up
 * later than the schedule says, never earlier. The state is per instance (in memory).
 */

/** State of one partner's breaker, as the metrics show it. */
export type BreakerState = "closed" | "open" | "half-open";

interface PartnerBreaker {
  failures: number;
  /** Epoch ms until which the breaker is open; 0 when closed. */
  openUntil: number;
}

/** Options of `CircuitBreakers`. */
export interface CircuitBreakerOptions {
  /** Consecutive failures that open a partner's breaker (>= 1). */
  threshold: number;
  /** How long an open breaker stays open before a probe, milliseconds. */
  cooldownMs: number;
}

/** The breakers of all partners. */
export class CircuitBreakers {
  private readonly partners = new Map<string, PartnerBreaker>();

  constructor(private readonly options: CircuitBreakerOptions) {}

  private of(partnerId: string): PartnerBreaker {
    let breaker = this.partners.get(partnerId);
    if (!breaker) {
      breaker = { failures: 0, openUntil: 0 };
      this.partners.set(partnerId, breaker);
    }
    return breaker;
  }

  /** The state of a partner's breaker at `now` (epoch ms). */
  state(partnerId: string, now: number): BreakerState {
    const breaker = this.partners.get(partnerId);
    if (!breaker || breaker.openUntil === 0) return "closed";
    return now < breaker.openUntil ? "open" : "half-open";
  }

  /**
   * How many attempts of this partner may be in flight now: its concurrency limit while
   * closed, 0 while open, 1 (the probe) while half-open.
   *
   * @param concurrency the partner's concurrency limit
   */
  cap(partnerId: string, now: number, concurrency: number): number {
    switch (this.state(partnerId, now)) {
      case "closed":
        return concurrency;
      case "open":
        return 0;
      case "half-open":
        return 1;
    }
  }

  /**
   * How many more attempts of this partner may start now: `cap` less those in flight.
   *
   * @param concurrency the partner's concurrency limit
   * @param inFlight its attempts running now
   */
  slots(partnerId: string, now: number, concurrency: number, inFlight: number): number {
    return Math.max(0, this.cap(partnerId, now, concurrency) - inFlight);
  }

  /**
   * Records the end of an attempt: `ok` when the receiver answered (delivered, or refused
   * with a 4xx). Returns the change it made, for the log: "opened" or "closed".
   */
  record(partnerId: string, ok: boolean, now: number): "opened" | "closed" | undefined {
    const breaker = this.of(partnerId);
    if (ok) {
      const wasOpen = breaker.openUntil !== 0;
      breaker.failures = 0;
      breaker.openUntil = 0;
      return wasOpen ? "closed" : undefined;
    }
    breaker.failures += 1;
    const probeFailed = breaker.openUntil !== 0 && now >= breaker.openUntil;
    if (breaker.failures >= this.options.threshold && (breaker.openUntil === 0 || probeFailed)) {
      breaker.openUntil = now + this.options.cooldownMs;
      return "opened";
    }
    return undefined;
  }
}
