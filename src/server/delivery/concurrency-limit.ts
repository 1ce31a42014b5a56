/**
 * The concurrency limit of each partner's session expired callbacks: how many attempts
 * this instance may have in flight to one receiver, learnt from its answers. A receiver
 * that is slow but keeps up (3 s an answer) needs many attempts in flight to drain a
 * backlog (Little's law: callbacks/s = in flight / latency; a fixed 8 gave it at most
 * 2.7/s); a receiver that is failing or overloaded needs fewer.
 *
 * **The rule: AIMD with a slow start**, as TCP Reno's congestion window (and Netflix's
 * AIMDLimit for requests), per partner, between 1 and the ceiling
 * (`CALLBACK_PARTNER_CONCURRENCY`):
 *
 * - A partner starts at `min(8, ceiling)` (`INITIAL_LIMIT`: the earlier fixed limit,
 *   which every receiver has taken), with its slow-start threshold at the ceiling.
 * - **Growth** comes only from an answer (delivered, or refused with a 4xx: the receiver
 *   is up and not overloaded) to an attempt that started while the partner had its whole
 *   limit in flight. A receiver that already gets all it asks for keeps its limit.
 *   - Below the threshold (slow start) each such answer adds 1: the limit doubles every
 *     round trip, so a 3 s receiver goes from 8 to 64 in three round trips (9 s) instead
 *     of 56 (almost 3 minutes) at one more per round trip.
 *   - At or above it (congestion avoidance) each adds `1 / limit`: one more per round
 *     trip, gently probing a receiver that has shown where it overloads.
 * - **Decrease** comes from a retryable failure (a timeout, a network error, a 5xx, 408,
 *   429, a 200 without the success body: what the circuit breaker counts as a failure):
 *   the limit halves (never below 1) and the threshold becomes the halved limit. One
 *   halving per round trip: the answers of attempts that started before the last change
 *   (under a higher limit) neither halve nor grow it again (`epoch`), as TCP halves once
 *   per window. So 64 attempts that time out together halve it once, not 64 times.
 * - **While the circuit breaker is not closed** (circuit-breaker.ts) the limit learns
 *   nothing: the breaker rations an outage to one probe per cool-down, and those probes'
 *   failures say nothing of what the receiver takes once it is back.
 * - **Restart.** When the breaker closes (the receiver answers again), the limit starts
 *   again at `min(8, threshold)` in a new epoch, keeping its threshold: slow start up to
 *   what it learnt before the outage, then one more per round trip (TCP after a
 *   retransmission timeout). A receiver that was fine at 64 and went down comes back
 *   8, 16, 32, then 33, 34 …; one that refused beyond 20 does not double past it again.
 *
 * Latency enters through the round trip (growth comes with the answers) and the deadline
 * (a timeout is a failure); a rule on latency itself (Vegas, Netflix's Gradient) was not
 * chosen because the receivers this serves are slow by nature, and a partner's callbacks
 * are not numerous enough for a steady baseline. The circuit breaker stays as it was
 * (circuit-breaker.ts): a dead or black-holed partner holds at most its current limit
 * until its attempts fail, then one probe per cool-down.
 *
 * With `adaptive` false every partner's limit is the ceiling, fixed (the behaviour before
 * this controller; `CALLBACK_ADAPTIVE_CONCURRENCY=false`). The state is per instance, in
 * memory.
 */

/** Where a partner starts (and, at most, restarts after an outage): the earlier fixed limit. */
export const INITIAL_LIMIT = 8;

/** One partner's controller state. */
export interface LimitState {
  /** Attempts allowed in flight; fractional between whole steps (the slots are its floor). */
  limit: number;
  /** Slow-start threshold: below it an answer adds 1, at or above it `1 / limit`. */
  threshold: number;
  /** Counts the changes of `limit` by a failure or restart: answers to attempts of an older epoch are ignored. */
  epoch: number;
}

/** What one attempt tells the controller. */
export interface LimitSample {
  /** The receiver answered (delivered, or a 4xx that stops retrying). False: a retryable failure. */
  ok: boolean;
  /** The claim that started the attempt filled the partner's whole limit (partner-slots.ts). */
  saturated: boolean;
  /** The partner's `epoch` when the attempt started. */
  epoch: number;
}

/** The state of a partner seen for the first time: `min(INITIAL_LIMIT, ceiling)`, threshold at the ceiling. */
export const initialState = (ceiling: number, epoch = 0): LimitState => ({
  limit: Math.min(INITIAL_LIMIT, ceiling),
  threshold: ceiling,
  epoch,
});

/**
 * One step of the rule (see the module comment); pure.
 *
 * @param ceiling the highest limit (`CALLBACK_PARTNER_CONCURRENCY`), >= 1
 * @returns the next state (the same object when nothing changes)
 */
export function nextLimit(state: LimitState, sample: LimitSample, ceiling: number): LimitState {
  if (sample.epoch !== state.epoch) return state;
  if (!sample.ok) {
    const halved = Math.max(1, state.limit / 2);
    return { limit: halved, threshold: halved, epoch: state.epoch + 1 };
  }
  if (!sample.saturated || state.limit >= ceiling) return state;
  const step = state.limit < state.threshold ? 1 : 1 / state.limit;
  return { ...state, limit: Math.min(ceiling, state.limit + step) };
}

/**
 * The state of a partner whose receiver answers again after an outage: the limit at
 * `min(INITIAL_LIMIT, threshold)` (at least 1), the threshold kept, a new epoch; pure.
 */
export const restarted = (state: LimitState, ceiling: number): LimitState => ({
  limit: Math.max(1, Math.min(INITIAL_LIMIT, ceiling, state.threshold)),
  threshold: state.threshold,
  epoch: state.epoch + 1,
});

/** What an attempt carries from its start to its end (`LimitSample` without the outcome). */
export type LimitTicket = Omit<LimitSample, "ok">;

/** Options of `ConcurrencyLimits`. */
export interface ConcurrencyLimitOptions {
  /** Highest limit of one partner, >= 1 (`CALLBACK_PARTNER_CONCURRENCY`). */
  ceiling: number;
  /** False: every partner's limit is the ceiling, fixed. */
  adaptive: boolean;
  /** Called when a partner's slots (the whole part of its limit) change, and when a partner is first seen; `undefined` when it is forgotten. */
  onChange?: (partnerId: string, slots: number | undefined) => void;
}

/** The limits of all partners of this instance. */
export class ConcurrencyLimits {
  private readonly partners = new Map<string, LimitState>();

  constructor(private readonly options: ConcurrencyLimitOptions) {}

  private of(partnerId: string): LimitState {
    let state = this.partners.get(partnerId);
    if (!state) {
      state = this.options.adaptive
        ? initialState(this.options.ceiling)
        : { limit: this.options.ceiling, threshold: this.options.ceiling, epoch: 0 };
      this.partners.set(partnerId, state);
      this.options.onChange?.(partnerId, Math.floor(state.limit));
    }
    return state;
  }

  private set(partnerId: string, before: LimitState, after: LimitState): void {
    if (after === before) return;
    this.partners.set(partnerId, after);
    if (Math.floor(after.limit) !== Math.floor(before.limit)) this.options.onChange?.(partnerId, Math.floor(after.limit));
  }

  /** The attempts a partner may have in flight now (1 … ceiling). */
  slots(partnerId: string): number {
    return Math.floor(this.of(partnerId).limit);
  }

  /**
   * What an attempt of this partner carries until its end; call as it starts.
   *
   * @param saturated the claim that starts this attempt fills the partner's whole limit (`slots`)
   */
  ticket(partnerId: string, saturated: boolean): LimitTicket {
    return { saturated, epoch: this.of(partnerId).epoch };
  }

  /** Records how an attempt ended (`ok`: the receiver answered; false: a retryable failure). */
  record(partnerId: string, ticket: LimitTicket, ok: boolean): void {
    if (!this.options.adaptive) return;
    const before = this.of(partnerId);
    this.set(partnerId, before, nextLimit(before, { ok, ...ticket }, this.options.ceiling));
  }

  /** Starts a partner again (its circuit breaker closed after an outage): see `restarted`. */
  restart(partnerId: string): void {
    if (!this.options.adaptive) return;
    const before = this.of(partnerId);
    this.set(partnerId, before, restarted(before, this.options.ceiling));
  }

  /** Forgets the partners not in `partnerIds` (they left the partners file). */
  retain(partnerIds: ReadonlySet<string>): void {
    for (const partnerId of [...this.partners.keys()]) {
      if (partnerIds.has(partnerId)) continue;
      this.partners.delete(partnerId);
      this.options.onChange?.(partnerId, undefined);
    }
  }
}
