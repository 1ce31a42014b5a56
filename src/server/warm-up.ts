/**
 * The warm-up of a new server process (`BACKGROUND_WARM_UP_SECONDS`): over its first
 * seconds, background work (expiry, retention, the callbacks' pace) takes a share of its
 * full pace that rises in a straight line from a tenth to all of it.
 *
 * Why: a new process runs its code unoptimized and its database connections and caches
 * cold, and it meets the backlog of the outage or the deploy that restarted it (idle
 * sessions to expire, callbacks to deliver) together with the traffic of the load
 * balancer. Measured at a million rows on PostgreSQL and two cores (docs/benchmarks.md,
 * "At a million rows"): with every job at full pace from the first moment, ENTER's p99 in
 * the first second was 100 – 143 ms against 10 – 25 ms later; with no background work,
 * 32 – 38 ms. Requests come first while the process warms; the backlog starts draining at
 * once and is late by about half the warm-up.
 *
 * The clock is the process's monotonic one (`performance.now`), not a business clock that
 * tests may freeze: the warm-up is about real time.
 */

/** The share of its pace that background work takes at the start of the warm-up. */
export const WARM_UP_FIRST_SHARE = 0.1;

/** Options of `WarmUp`. */
export interface WarmUpOptions {
  /** How long the warm-up lasts, milliseconds; 0: none (every share is 1). */
  durationMs: number;
  /** Monotonic clock, milliseconds. Default `performance.now`. */
  clock?: () => number;
}

/** The warm-up of this process, started when it is made (see the module comment). */
export class WarmUp {
  private readonly started: number;
  private readonly durationMs: number;
  private readonly clock: () => number;

  /** @throws RangeError when `durationMs` is negative or not finite */
  constructor(options: WarmUpOptions) {
    if (!(Number.isFinite(options.durationMs) && options.durationMs >= 0))
      throw new RangeError(`the warm-up must last 0 ms or more, not ${options.durationMs}`);
    this.durationMs = options.durationMs;
    this.clock = options.clock ?? (() => performance.now());
    this.started = this.clock();
  }

  /**
   * The share of its full pace that background work may take now: `WARM_UP_FIRST_SHARE`
   * at the start, rising in a straight line to 1 at the end of the warm-up, then 1. A
   * clock that went back counts as the start.
   */
  share(): number {
    if (this.durationMs === 0) return 1;
    const done = Math.max(0, this.clock() - this.started) / this.durationMs;
    return done >= 1 ? 1 : WARM_UP_FIRST_SHARE + (1 - WARM_UP_FIRST_SHARE) * done;
  }
}

/** No warm-up: every share is 1 (the default of the jobs and the delivery, and of tests). */
export const NO_WARM_UP: Pick<WarmUp, "share"> = { share: () => 1 };
