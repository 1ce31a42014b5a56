/**
 * The loop of one background job: every `intervalMs` it runs the job to its end, one
 * batch at a time, and gives the event loop back between batches, so requests are served
 * in between (on SQLite a batch holds the event loop while it runs; its size aims at the
 * store's `batchBudget.targetMs`, batch-size.ts). A failed batch ends the run: it is
 * logged (throttled: one stack per kind and minute), counted in
 * `session_api_background_failures_total`, and the job runs again after a pause that
 * doubles from `retryAfterMs` up to `intervalMs`. Runs never overlap; `stop()` ends the
 * run in progress after its current batch. A job may rest between batches in proportion
 * to their duration (`restRatio`), so that work with no deadline takes a bounded share,
 * and jobs may share a lane (`batchLane`), in which their batches take turns, the highest
 * `priority` first. While the process warms up (`warmUp`, ../warm-up.ts), every job rests
 * longer, so that it takes only the warm-up's share of the time it would take after.
 */
import type { FastifyBaseLogger } from "fastify";
import { ErrorLogThrottle } from "../../shared/error-log-throttle.js";
import type { BatchBudget } from "../../store/session-store.js";
import type { WarmUp } from "../warm-up.js";
import { nextBatchSize } from "./batch-size.js";
import type { JobMetrics, JobName } from "./metrics.js";

/** What one batch did. */
export interface BatchOutcome {
  /** Rows handled (expired, deleted). */
  rows: number;
  /** True when the batch was full and more may be left. */
  more: boolean;
}

/** Options of `startBatchedJob`. */
export interface BatchedJobOptions {
  name: JobName;
  /** Time between runs, milliseconds. */
  intervalMs: number;
  budget: BatchBudget;
  /** Runs one batch of at most `limit` rows. */
  batch(limit: number): Promise<BatchOutcome>;
  /** Called before the first batch of each run. */
  beforeRun?(): void;
  log: FastifyBaseLogger;
  metrics?: JobMetrics;
  /** Clock, epoch milliseconds. Default `Date.now`. */
  now?: () => number;
  /** First pause after a failed batch, milliseconds; doubles up to `intervalMs`. Default 1000. */
  retryAfterMs?: number;
  /**
   * Rest between batches, as a multiple of the last batch's duration (default 0: only
   * the next event-loop turn). 3 gives the job at most a quarter of the time, and keeps
   * its writes to the database's files at that share: for work with no deadline, such
   * as deleting what retention allows, so that it leaves the disk to requests and expiry.
   */
  restRatio?: number;
  /** Shared by jobs whose batches must not run at the same time (`batchLane`); none: this job's batches run whenever they are due. */
  lane?: BatchLane;
  /** This job's place in its lane: a batch of a higher priority goes before those of lower ones that wait. Default 0. */
  priority?: number;
  /** The first run starts once this settles, fulfilled or not (default: at once). */
  startAfter?: Promise<unknown>;
  /** The process's warm-up: while its `share()` is below 1, the job rests longer (`restAfter`). Default: none. */
  warmUp?: Pick<WarmUp, "share">;
}

/**
 * The rest after a batch that took `elapsedMs`, milliseconds: enough that the job takes
 * `share` of the time it takes at full pace, where it works `1` for every `restRatio` it
 * rests. 0: no rest beyond the next event-loop turn.
 *
 * @param share 0 < share <= 1 (the warm-up's)
 */
export function restAfter(elapsedMs: number, restRatio: number, share: number): number {
  return elapsedMs * ((1 + restRatio) / share - 1);
}

/** Lets the batches of several jobs run one at a time: the highest priority waiting first, then in the order they asked. */
export interface BatchLane {
  /** Runs `batch` once it is its turn; an idle lane runs it at once (synchronously). */
  run<T>(batch: () => Promise<T>, priority?: number): Promise<T>;
}

/** A new lane (see `BatchLane`). */
export function batchLane(): BatchLane {
  const waiting: Array<{ priority: number; start: () => void }> = [];
  let busy = false;
  const next = () => {
    busy = false;
    const turn = waiting.shift();
    if (turn) {
      busy = true;
      turn.start();
    }
  };
  return {
    run<T>(batch: () => Promise<T>, priority = 0) {
      return new Promise<T>((resolve, reject) => {
        const start = () => {
          let running: Promise<T>;
          try {
            running = batch();
          } catch (error) {
            running = Promise.reject(error);
          }
          void running.then(resolve, reject).finally(next);
        };
        if (!busy) {
          busy = true;
          return void start();
        }
        const at = waiting.findIndex((turn) => turn.priority < priority);
        waiting.splice(at < 0 ? waiting.length : at, 0, { priority, start });
      });
    },
  };
}

/** A running background job. */
export interface BatchedJob {
  /**
   * Runs the job to its end now, or right after the run in progress (so it sees what
   * happened before the call). Never rejects: a failure is logged and the run ends.
   *
   * @returns the rows handled by the run
   */
  run(): Promise<number>;
  /** Stops the timer, and waits for the batch in progress (the run ends after it). */
  stop(): Promise<void>;
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
const rest = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/** Starts the job's loop; its first run starts at once (or after `startAfter`). The timers do not keep the process alive. */
export function startBatchedJob(options: BatchedJobOptions): BatchedJob {
  const now = options.now ?? Date.now;
  const errors = new ErrorLogThrottle();
  const retryAfterMs = options.retryAfterMs ?? 1000;
  let size = options.budget.initialRows;
  let failures = 0;
  let running: Promise<number> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  async function runToEnd(): Promise<number> {
    if (stopped) return 0;
    options.beforeRun?.();
    let total = 0;
    const started = performance.now();
    try {
      for (let more = true; more && !stopped; ) {
        const limit = size;
        let elapsed = 0;
        const timed = async () => {
          const batchStarted = performance.now();
          const result = await options.batch(limit);
          elapsed = performance.now() - batchStarted;
          return result;
        };
        const outcome = await (options.lane ? options.lane.run(timed, options.priority) : timed());
        size = nextBatchSize(limit, elapsed, options.budget);
        options.metrics?.batch(options.name, outcome.rows, elapsed / 1000);
        total += outcome.rows;
        more = outcome.more;
        if (more) {
          const resting = restAfter(elapsed, options.restRatio ?? 0, options.warmUp?.share() ?? 1);
          await (resting > 0 ? rest(resting) : nextTurn());
        }
      }
      failures = 0;
      options.metrics?.drained(options.name, now());
    } catch (error) {
      failures += 1;
      options.metrics?.failure(options.name);
      errors.error(options.log, { job: options.name }, error, `background job ${options.name} failed; it runs again after a pause`);
    }
    if (total > 0)
      options.log.info(
        { job: options.name, rows: total, ms: Math.round(performance.now() - started) },
        `background job ${options.name}: ${total} rows`,
      );
    return total;
  }

  function schedule(): void {
    if (stopped) return;
    clearTimeout(timer);
    const pause = failures === 0 ? options.intervalMs : Math.min(options.intervalMs, retryAfterMs * 2 ** (failures - 1));
    timer = setTimeout(() => void run(), pause);
    timer.unref();
  }

  let queued: Promise<number> | undefined;
  /** A run that starts after this call: at once, or right after the one in progress (callers meanwhile share it). */
  function run(): Promise<number> {
    if (running) {
      queued ??= running.then(() => {
        queued = undefined;
        return run();
      });
      return queued;
    }
    running = runToEnd().finally(() => {
      running = undefined;
      schedule();
    });
    return running;
  }

  const first = () => void (stopped || run());
  if (options.startAfter) void options.startAfter.then(first, first);
  else first();
  return {
    run,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
      await queued;
    },
  };
}
