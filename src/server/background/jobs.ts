/**
 * The background jobs of the reference server. Each is a batched job (job-runner.ts): it
 * runs every `sweepIntervalMs` to its end in batches that each take about the store's
 * `batchBudget.targetMs` (expiry's: `deadlineTargetMs`), so on SQLite no request waits
 * longer than about that, and on PostgreSQL no statement comes near the statement
 * timeout, however large the backlog.
 *
 * | Job | What it does | Rule |
 * |---|---|---|
 * | `expiry` | ends active sessions idle longer than `idleTimeoutMs` and, in the same transaction, queues a session expired callback for each one whose partner has callbacks on; wakes the delivery loop after each batch that queued some | operation `sessionExpired`; `SESSION_IDLE_TIMEOUT_SECONDS` |
 * | `idempotency_keys` | deletes idempotency keys older than 48 hours | spec `Uuid4`: kept at least 24 hours |
 * | `delivered_callbacks` | deletes callbacks delivered longer ago than `callbackRetentionMs`; pending and failed ones (dead letters) stay | `CALLBACK_RETENTION_DAYS` |
 * | `ended_sessions` | deletes closed and expired sessions that ended longer ago than `sessionRetentionMs` and that no callback in the outbox refers to; active sessions stay | `SESSION_RETENTION_DAYS` |
 * | `planner_statistics` | keeps the query planner's statistics current (SQLite `ANALYZE` with a sampling limit), at start and hourly | |
 *
 * Jobs run independently (a long retention run never delays expiry) and start at once
 * (the others right after the first refresh of the planner's statistics), so a backlog
 * left by an outage or a deploy starts draining on start-up, easing in over the process's
 * warm-up (../warm-up.ts: each job rests longer while it lasts). The reference
 * server has no game client and so no activity signal: "idle" counts from ENTER (or the
 * last close). Expiry never waits on a delivery.
 */
import type { FastifyBaseLogger } from "fastify";
import type { PartnerDirectory } from "../../partners/directory.js";
import type { EndedSessionsCursor, SessionStore } from "../../store/session-store.js";
import type { WarmUp } from "../warm-up.js";
import { batchLane, startBatchedJob, type BatchedJob } from "./job-runner.js";
import type { JobMetrics } from "./metrics.js";

/** Options of `startBackgroundJobs`. */
export interface BackgroundJobOptions {
  store: SessionStore;
  partners: PartnerDirectory;
  log: FastifyBaseLogger;
  /** Idle time after which a session expires, milliseconds (`SESSION_IDLE_TIMEOUT_SECONDS`). */
  idleTimeoutMs: number;
  /** Time between runs of each job, milliseconds (`EXPIRY_SWEEP_SECONDS`). */
  sweepIntervalMs: number;
  /** How long a delivered callback is kept, milliseconds (`CALLBACK_RETENTION_DAYS`); 0 keeps them forever. Default 0. */
  callbackRetentionMs?: number;
  /** How long an ended session is kept, milliseconds (`SESSION_RETENTION_DAYS`); 0 keeps them forever. Default 0. */
  sessionRetentionMs?: number;
  /** Called after a batch queued callbacks (the delivery loop's `wake`). */
  onQueued?: () => void;
  metrics?: JobMetrics;
  /** Clock, epoch milliseconds. Default `Date.now`. */
  now?: () => number;
  /** The process's warm-up (../warm-up.ts): every job rests longer while it lasts. Default: none. */
  warmUp?: Pick<WarmUp, "share">;
}

/** Rows each job handled in one `sweep()`. */
export interface BackgroundRun {
  expired: number;
  idempotencyKeysDeleted: number;
  callbacksDeleted: number;
  sessionsDeleted: number;
}

/** The running jobs. */
export interface BackgroundJobs {
  /** Runs every job to its end now (each after its run in progress, if any). For tests, the CLI and the benchmark; the jobs run on their own. */
  sweep(): Promise<BackgroundRun>;
  /** Stops every job after its current batch. */
  stop(): Promise<void>;
}

/** How long idempotency keys are kept, milliseconds: the spec promises at least 24 hours. */
export const IDEMPOTENCY_RETENTION_MS = 48 * 3600 * 1000;

/**
 * Rest between batches of the retention of keys and delivered callbacks, a multiple of the
 * batch's duration (job-runner.ts `restRatio`): at most a quarter of the time and of the
 * writes. Nothing waits for these rows to go; a backlog of them (the first run of
 * retention on years of data) drains in minutes instead of seconds, beside requests,
 * expiry and the callbacks' delivery instead of before them.
 */
const RETENTION_REST_RATIO = 3;

/**
 * The same for ended sessions: at most two thirds of the time, since they are the bulk of
 * the disk (at a million rows, half of the time left 76 – 85 % of a year-old backlog after
 * a minute, against 90 % gone within 53 – 55 s in two runs of three with two thirds).
 */
const SESSION_RETENTION_REST_RATIO = 0.5;

/** How often the planner's statistics are refreshed, milliseconds. */
const PLANNER_STATISTICS_EVERY_MS = 3600 * 1000;

/**
 * How often the retention of ended sessions starts again from the oldest: between those
 * restarts it continues after the last session it visited, which stays correct because
 * sessions end in time order, and skips the sessions kept for a callback without
 * visiting them again on every run.
 */
const ENDED_SESSIONS_RESCAN_MS = 24 * 3600 * 1000;

/**
 * Starts the jobs of the table above; each runs at once, then every `sweepIntervalMs`.
 * Never throws: failures are logged and retried with backoff (job-runner.ts).
 */
export function startBackgroundJobs(options: BackgroundJobOptions): BackgroundJobs {
  const { store, log, metrics } = options;
  const now = options.now ?? Date.now;
  const lane = store.batchBudget.oneAtATime ? batchLane() : undefined;
  const common = { intervalMs: options.sweepIntervalMs, budget: store.batchBudget, lane, log, metrics, now, warmUp: options.warmUp };
  const jobs: Partial<Record<keyof BackgroundRun, BatchedJob>> = {};
  // The planner's statistics first, and every other job after their first refresh: a
  // database that has none yet (restored, imported, or from before this job) plans its
  // first batches blind. Measured at a million rows on SQLite: the first expiry batch
  // held the event loop for 170 ms, against 10 ms with statistics.
  let planned: () => void = () => undefined;
  const statisticsFirst = new Promise<void>((resolve) => (planned = resolve));
  const statistics = startBatchedJob({
    ...common,
    name: "planner_statistics",
    intervalMs: PLANNER_STATISTICS_EVERY_MS,
    async batch() {
      try {
        await store.optimize();
      } finally {
        planned();
      }
      return { rows: 0, more: false };
    },
  });
  const afterStatistics = { ...common, startAfter: statisticsFirst };

  jobs.expired = startBatchedJob({
    ...afterStatistics,
    name: "expiry",
    // Idle sessions have a deadline (their callbacks); retention has none.
    priority: 1,
    budget: { ...store.batchBudget, targetMs: store.batchBudget.deadlineTargetMs ?? store.batchBudget.targetMs },
    async batch(limit) {
      const at = now();
      const callbackPartners = new Set(
        options.partners
          .all()
          .filter((partner) => partner.sessionExpiredCallback)
          .map((partner) => partner.memberId),
      );
      const expired = await store.expireIdleSessions(at - options.idleTimeoutMs, at, callbackPartners, limit);
      if (expired.some((session) => callbackPartners.has(session.partnerId))) options.onQueued?.();
      return { rows: expired.length, more: expired.length === limit };
    },
  });

  jobs.idempotencyKeysDeleted = startBatchedJob({
    ...afterStatistics,
    name: "idempotency_keys",
    restRatio: RETENTION_REST_RATIO,
    async batch(limit) {
      const deleted = await store.forgetIdempotencyKeys(now() - IDEMPOTENCY_RETENTION_MS, limit);
      return { rows: deleted, more: deleted === limit };
    },
  });

  const callbackRetentionMs = options.callbackRetentionMs ?? 0;
  if (callbackRetentionMs > 0) {
    jobs.callbacksDeleted = startBatchedJob({
      ...afterStatistics,
      name: "delivered_callbacks",
      restRatio: RETENTION_REST_RATIO,
      async batch(limit) {
        const deleted = await store.forgetDeliveredCallbacks(now() - callbackRetentionMs, limit);
        return { rows: deleted, more: deleted === limit };
      },
    });
  }

  const sessionRetentionMs = options.sessionRetentionMs ?? 0;
  if (sessionRetentionMs > 0) {
    let cursor: EndedSessionsCursor | undefined;
    let rescanAt = 0;
    jobs.sessionsDeleted = startBatchedJob({
      ...afterStatistics,
      name: "ended_sessions",
      restRatio: SESSION_RETENTION_REST_RATIO,
      beforeRun() {
        if (now() >= rescanAt) {
          cursor = undefined;
          rescanAt = now() + ENDED_SESSIONS_RESCAN_MS;
        }
      },
      async batch(limit) {
        const outcome = await store.forgetEndedSessions(now() - sessionRetentionMs, limit, cursor);
        cursor = outcome.cursor ?? cursor;
        return { rows: outcome.deleted, more: outcome.visited === limit };
      },
    });
  }

  return {
    async sweep() {
      const names = Object.keys(jobs) as (keyof BackgroundRun)[];
      const counts = await Promise.all(names.map((name) => jobs[name]!.run()));
      const run: BackgroundRun = { expired: 0, idempotencyKeysDeleted: 0, callbacksDeleted: 0, sessionsDeleted: 0 };
      for (const [index, name] of names.entries()) run[name] = counts[index]!;
      return run;
    },
    async stop() {
      await Promise.all([...Object.values(jobs), statistics].map((job) => job!.stop()));
    },
  };
}
