/**
 * What the delivery loop knows of each partner between claims: its attempts in flight,
 * whether its last claim was filled (more may be due), its circuit breaker
 * (circuit-breaker.ts) and its adaptive concurrency limit (concurrency-limit.ts). It
 * turns them into each claim's slots (slot-plan.ts) and learns from each attempt's end.
 * The state is per instance, in memory.
 */
import { CircuitBreakers } from "./circuit-breaker.js";
import { ConcurrencyLimits, type LimitTicket } from "./concurrency-limit.js";
import { planSlots } from "./slot-plan.js";

/** Options of `PartnerSlots`. */
export interface PartnerSlotOptions {
  /** Highest concurrency limit of one partner (`CALLBACK_PARTNER_CONCURRENCY`). */
  ceiling: number;
  /** False: each partner's limit is the ceiling, fixed (`CALLBACK_ADAPTIVE_CONCURRENCY`). */
  adaptive: boolean;
  /** Consecutive failures that open a partner's circuit breaker. */
  breakerThreshold: number;
  /** How long an open breaker waits before one probe, milliseconds. */
  breakerCooldownMs: number;
  /** Told each partner's slots when they change (the `/metrics` gauge); `undefined` once the partner is gone. */
  onLimit?: (partnerId: string, slots: number | undefined) => void;
}

/** How an attempt ended, for its partner's breaker and limit. */
export interface AttemptEnd {
  /** The receiver answered (delivered, or a 4xx); false: a retryable failure. */
  ok: boolean;
  /** Epoch milliseconds. */
  at: number;
}

/** The slots of one claim, and the partners whose whole limit they fill. */
export interface ClaimPlan {
  /** Callbacks to ask the store for, per configured partner (0 for none). */
  slots: Map<string, number>;
  /** Partners whose in flight reach their concurrency limit once these slots are filled. */
  fills: ReadonlySet<string>;
}

/** The ticket of a callback whose partner is not configured on this instance. */
const UNLIMITED: LimitTicket = { saturated: false, epoch: -1 };

/** The per-partner bookkeeping of one delivery loop. */
export class PartnerSlots {
  readonly limits: ConcurrencyLimits;
  private readonly breakers: CircuitBreakers;
  private readonly inFlight = new Map<string, number>();
  private readonly backlogged = new Set<string>();

  constructor(options: PartnerSlotOptions) {
    this.breakers = new CircuitBreakers({ threshold: options.breakerThreshold, cooldownMs: options.breakerCooldownMs });
    this.limits = new ConcurrencyLimits({ ceiling: options.ceiling, adaptive: options.adaptive, onChange: options.onLimit });
  }

  /** Attempts of this partner in flight now. */
  inFlightOf(partnerId: string): number {
    return this.inFlight.get(partnerId) ?? 0;
  }

  /**
   * The slots of one claim (slot-plan.ts).
   *
   * @param partnerIds the configured partners, in this claim's order
   * @param total most attempts in flight in the instance
   * @param inFlight attempts in flight in the instance now
   */
  plan(partnerIds: readonly string[], at: number, total: number, inFlight: number): ClaimPlan {
    const loads = partnerIds.map((partnerId) => ({
      partnerId,
      cap: this.breakers.cap(partnerId, at, this.limits.slots(partnerId)),
      inFlight: this.inFlightOf(partnerId),
      backlogged: this.backlogged.has(partnerId),
    }));
    const slots = planSlots(loads, total, inFlight);
    // Judged now, not when the claim returns: answers that come meanwhile raise the limit.
    const fills = loads.filter(
      (load) => slots.get(load.partnerId)! > 0 && load.inFlight + slots.get(load.partnerId)! >= this.limits.slots(load.partnerId),
    );
    return { slots, fills: new Set(fills.map((load) => load.partnerId)) };
  }

  /**
   * Takes in what a claim returned (every callback in it is about to start): notes which
   * partners' claims were filled, counts the attempts in flight, and gives each its ticket.
   * An attempt is saturated when its plan filled its partner's whole limit and the store
   * had that many due.
   *
   * @param partnerIds the partner of each claimed callback, in order
   * @returns one ticket per claimed callback, in the same order
   */
  claimed(plan: ClaimPlan, partnerIds: readonly string[]): LimitTicket[] {
    const got = new Map<string, number>();
    for (const partnerId of partnerIds) got.set(partnerId, (got.get(partnerId) ?? 0) + 1);
    for (const [partnerId, slots] of plan.slots) {
      if (slots === 0) continue;
      if ((got.get(partnerId) ?? 0) >= slots) this.backlogged.add(partnerId);
      else this.backlogged.delete(partnerId);
    }
    const tickets = new Map<string, LimitTicket>();
    for (const [partnerId, count] of got) {
      this.inFlight.set(partnerId, this.inFlightOf(partnerId) + count);
      // A partner that is not configured here has no limit: its callbacks are given up unsent.
      const configured = plan.slots.has(partnerId);
      tickets.set(
        partnerId,
        configured ? this.limits.ticket(partnerId, plan.fills.has(partnerId) && this.backlogged.has(partnerId)) : UNLIMITED,
      );
    }
    return partnerIds.map((partnerId) => tickets.get(partnerId)!);
  }

  /**
   * Learns from an attempt that was sent: its partner's breaker, and its limit while the
   * breaker is closed (the limit restarts when the breaker closes again).
   *
   * @returns the breaker's change, for the log: "opened" or "closed"
   */
  answered(partnerId: string, ticket: LimitTicket, end: AttemptEnd): "opened" | "closed" | undefined {
    // During an outage the breaker rations the attempts; the limit learns nothing from them.
    if (this.breakers.state(partnerId, end.at) === "closed") this.limits.record(partnerId, ticket, end.ok);
    const change = this.breakers.record(partnerId, end.ok, end.at);
    if (change === "closed") this.limits.restart(partnerId);
    return change;
  }

  /** Counts out an attempt that `claimed` counted in (it was sent or given up, and recorded). */
  finished(partnerId: string): void {
    this.inFlight.set(partnerId, this.inFlightOf(partnerId) - 1);
  }

  /** Forgets the limits and backlogs of partners not in `partnerIds` (they left the partners file). */
  retain(partnerIds: ReadonlySet<string>): void {
    this.limits.retain(partnerIds);
    for (const partnerId of [...this.backlogged]) if (!partnerIds.has(partnerId)) this.backlogged.delete(partnerId);
  }
}
