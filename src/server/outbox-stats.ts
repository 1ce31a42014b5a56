/**
 * The callback outbox's counts as `/health` and the outbox gauges of `/metrics` show them,
 * read from the store at most once per `refreshMs` whatever the polling rate.
 *
 * A probe is answered from the last reading while it is younger than `maxAgeMs`; when it
 * is older than `refreshMs`, one reading starts in the background for the next probe
 * (never two at once). So a load balancer polling every 100 ms on every instance costs
 * the database one small read a second per instance, and a probe never waits behind the
 * database's busiest moment. Only a probe that finds no reading younger than `maxAgeMs`
 * waits for a new one (within `deadlineMs`), so counts are never older than that, and a
 * store that cannot be read still fails the probe within `maxAgeMs + deadlineMs`.
 *
 * The freshness promised (docs/operations.md, "Health and metrics at constant cost"):
 * counts at most `refreshMs` plus one reading old while probes keep coming, and never
 * older than `maxAgeMs`.
 */
import type { CallbackStats } from "../store/callback-outbox.js";
import { PROBE_DEADLINE_MS, withDeadline } from "./deadline.js";

/** Options of `OutboxStats`. */
export interface OutboxStatsOptions {
  /** A reading older than this starts a new one in the background, milliseconds. Default 1000; 0 reads on every call. */
  refreshMs?: number;
  /** A reading older than this is not answered: the call waits for a new one, milliseconds. Default 5000 (0 with `refreshMs` 0). */
  maxAgeMs?: number;
  /** Longest wait for the store's answer, milliseconds. Default `PROBE_DEADLINE_MS`. */
  deadlineMs?: number;
  /** Clock, epoch milliseconds. Default `Date.now`. */
  now?: () => number;
}

/** The outbox's counts with a bounded read rate (see the module comment). */
export class OutboxStats {
  private last: { stats: CallbackStats; at: number } | undefined;
  private reading: Promise<CallbackStats> | undefined;
  private readonly refreshMs: number;
  private readonly maxAgeMs: number;
  private readonly deadlineMs: number;
  private readonly now: () => number;

  /** @param read the store's `callbackStats` */
  constructor(
    private readonly read: () => Promise<CallbackStats>,
    options: OutboxStatsOptions = {},
  ) {
    this.refreshMs = options.refreshMs ?? 1000;
    this.maxAgeMs = this.refreshMs === 0 ? 0 : Math.max(this.refreshMs, options.maxAgeMs ?? 5000);
    this.deadlineMs = options.deadlineMs ?? PROBE_DEADLINE_MS;
    this.now = options.now ?? Date.now;
  }

  /**
   * The counts: the last reading while it is young enough, else a new one.
   *
   * @throws Error `the database did not answer within … ms`, or the store's error, when a
   *   new reading was needed and failed
   */
  get(): Promise<CallbackStats> {
    const age = this.last === undefined ? Number.POSITIVE_INFINITY : this.now() - this.last.at;
    if (age < this.refreshMs) return Promise.resolve(this.last!.stats);
    const reading = this.refresh();
    if (age < this.maxAgeMs) {
      reading.catch(() => undefined); // the next call that needs it sees the failure
      return Promise.resolve(this.last!.stats);
    }
    return reading;
  }

  /** One reading at a time; a successful one becomes the last. */
  private refresh(): Promise<CallbackStats> {
    this.reading ??= withDeadline(this.read(), this.deadlineMs, "the database")
      .then((stats) => {
        this.last = { stats, at: this.now() };
        return stats;
      })
      .finally(() => {
        this.reading = undefined;
      });
    return this.reading;
  }
}
