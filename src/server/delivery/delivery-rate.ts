/**
 * The most callback attempts this instance starts a second (`CALLBACK_MAX_PER_SECOND`): a
 * token bucket that starts empty and holds at most a fifth of a second's worth, so that
 * neither a start-up with a backlog nor the end of a quiet spell sends a burst.
 *
 * Why: a backlog (100,000 sessions expired at once after an outage or a deploy) would
 * otherwise go out as fast as the receivers answer, and signing, sending and recording
 * those attempts takes the CPU that requests need. Measured at a million rows on two
 * cores (docs/benchmarks.md, "At a million rows"): unpaced, the backlog went out at about
 * 2,600 a second and took about a core while ENTER ran; paced, it costs a third of
 * that, and a backlog of 110,000 goes out in under two minutes. Requests come first. The pace also spares an operator's receiver the flood.
 *
 * While the process warms up (../warm-up.ts), the pace is the warm-up's share of this one.
 *
 * The clock is the process's monotonic one (`performance.now`), not the delivery's
 * business clock, which tests may freeze: the pace is about real time.
 */

import { NO_WARM_UP, type WarmUp } from "../warm-up.js";

/** The most attempts the bucket holds, in seconds of the pace. */
const BURST_SECONDS = 0.2;

/**
 * The fewest attempts a claim is made for, in seconds of the pace (at least one attempt):
 * a claim costs the database about the same for 2 callbacks as for 50, and attempts end
 * (and wake the loop) one by one.
 */
const BATCH_SECONDS = 0.05;

/** Options of `DeliveryRate`. */
export interface DeliveryRateOptions {
  /** Attempts a second, > 0. */
  perSecond: number;
  /** Monotonic clock, milliseconds. Default `performance.now`. */
  clock?: () => number;
  /** The process's warm-up: the pace is `perSecond` times its `share()`. Default: none. */
  warmUp?: Pick<WarmUp, "share">;
}

/** A token bucket of attempts (see the module comment). */
export class DeliveryRate {
  private tokens = 0;
  private at: number;
  private readonly perSecond: number;
  private readonly clock: () => number;
  private readonly warmUp: Pick<WarmUp, "share">;

  /** @throws RangeError when `perSecond` is not a finite number above 0 */
  constructor(options: DeliveryRateOptions) {
    if (!(Number.isFinite(options.perSecond) && options.perSecond > 0))
      throw new RangeError(`the delivery rate must be a number above 0, not ${options.perSecond}`);
    this.perSecond = options.perSecond;
    this.clock = options.clock ?? (() => performance.now());
    this.warmUp = options.warmUp ?? NO_WARM_UP;
    this.at = this.clock();
  }

  /** The pace now, attempts a second: `perSecond` times the warm-up's share. */
  private pace(): number {
    return this.perSecond * this.warmUp.share();
  }

  /** The fewest attempts a claim is made for at the pace now (`BATCH_SECONDS`, at least 1). */
  private batch(): number {
    return Math.max(1, this.pace() * BATCH_SECONDS);
  }

  /** Refills the bucket for the time since the last look (a clock that went back adds nothing). */
  private refill(): void {
    const now = this.clock();
    const pace = this.pace();
    this.tokens = Math.min(Math.max(1, pace * BURST_SECONDS), this.tokens + (Math.max(0, now - this.at) * pace) / 1000);
    this.at = now;
  }

  /** How many attempts may start now: a whole number, 0 until a batch's worth is there. */
  available(): number {
    this.refill();
    return this.tokens >= this.batch() ? Math.floor(this.tokens) : 0;
  }

  /** Counts `count` attempts as started (at most `available()` of them). */
  take(count: number): void {
    this.refill();
    this.tokens = Math.max(0, this.tokens - count);
  }

  /** Milliseconds until a batch's worth is there (`BATCH_SECONDS`); 0 when it is. */
  msUntilBatch(): number {
    this.refill();
    return Math.max(0, Math.ceil(((this.batch() - this.tokens) * 1000) / this.pace()));
  }
}
