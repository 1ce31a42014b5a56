/**
 * The background jobs (expiry, retention) and the callback delivery loop of the reference
 * server, in-process, for tests: `sweepAndDeliver()` runs every job to its end and then
 * delivers every callback due (waiting for their attempts), so a test can use a fake
 * clock. Always `stop()` them.
 */
import type { FastifyBaseLogger } from "fastify";
import { partnerDirectory, type Partner } from "../../src/partners/directory.js";
import { startCallbackDelivery, type CallbackDelivery, type CallbackDeliveryOptions } from "../../src/server/delivery/dispatcher.js";
import { startBackgroundJobs, type BackgroundJobs, type BackgroundRun } from "../../src/server/background/jobs.js";
import type { SessionStore } from "../../src/store/session-store.js";

/** Both loops. */
export interface CallbackLoops {
  expiry: BackgroundJobs;
  delivery: CallbackDelivery;
  /** One run of every background job, then every due callback delivered (or retried, or given up). */
  sweepAndDeliver(): Promise<BackgroundRun>;
  stop(): Promise<void>;
}

/** What a test sets; the delivery options it leaves out take small test values. */
export interface CallbackLoopOptions extends Partial<Omit<CallbackDeliveryOptions, "store" | "partners" | "log" | "now">> {
  store: SessionStore;
  partners: readonly Partner[];
  log: FastifyBaseLogger;
  now: () => number;
  idleTimeoutMs: number;
}

/**
 * Starts both loops with timers that never fire on their own during a test (a sweep an
 * hour; a delivery poll a minute): the test drives them. Jitter is off (`random` 0.5).
 */
export function startCallbackLoops(options: CallbackLoopOptions): CallbackLoops {
  const { store, partners, log, now, idleTimeoutMs, ...delivery } = options;
  const directory = partnerDirectory(partners);
  const loops = startCallbackDelivery({
    providerId: "luckymonaco",
    retrySchedule: [1, 5],
    attemptTimeoutMs: 2000,
    concurrency: 16,
    partnerConcurrency: 4,
    breakerThreshold: 100,
    breakerCooldownMs: 1000,
    pollIntervalMs: 60_000,
    random: () => 0.5,
    ...delivery,
    store,
    partners: directory,
    log,
    now,
  });
  const expiry = startBackgroundJobs({ store, partners: directory, log, idleTimeoutMs, sweepIntervalMs: 3_600_000, now });
  return {
    expiry,
    delivery: loops,
    async sweepAndDeliver() {
      const expired = await expiry.sweep();
      await loops.drain();
      return expired;
    },
    async stop() {
      await expiry.stop();
      await loops.stop();
    },
  };
}
