/**
 * Keeps SQLite's write-ahead log bounded under sustained writes (without it, the `-wal`
 * file grew to 12 GB in 2.5 min of ENTER load).
 *
 * Why it grew: the log restarts from its beginning only when a write transaction starts
 * after a checkpoint that copied EVERY frame into the database. The worker's PASSIVE
 * checkpoints run beside a writer that never pauses, so each one ended a few frames short,
 * and the log was never restarted.
 *
 * What bounds it: the checkpointer worker reports the log's size after each of its
 * checkpoints (every 50 ms). After each committed group the writer compares the last
 * report with `restartBytes`; at that size it holds the next groups (writes keep being
 * queued, and the event loop keeps serving requests) and asks the worker for one
 * checkpoint. With no write meanwhile, that checkpoint copies every frame, and the worker
 * restarts the log from its beginning with an empty write. So the log never grows past
 * `restartBytes` plus what is written in one report interval. Writes wait only for that
 * checkpoint (it copies the frames since the worker's last one); durability is unchanged,
 * a checkpoint copies committed pages.
 *
 * Nothing truncates the file while writes go on (`journal_size_limit` stays -1): the log
 * restarts inside it, so its size stays at its high-water mark. Truncating a file frees
 * its blocks, and on a file system mounted with `discard` that waits for the device:
 * 100 – 600 ms measured here, on the event loop when the writer's commit did it. When
 * writes stop, the worker truncates the log to zero bytes (`wal-checkpointer.cjs`).
 */
import type { Worker } from "node:worker_threads";

/** The bound, bytes. */
export interface WalLimitOptions {
  /** Log size at which the next groups wait for a complete checkpoint. Default 128 MiB. */
  restartBytes?: number;
}

/** Defaults of `WalLimitOptions`: the log stays near 128 MiB, half of the 256 MiB it must stay under. */
const walLimitDefaults = { restartBytes: 128 * 2 ** 20 } as const;

/**
 * The limits with their defaults.
 *
 * @throws Error when `restartBytes` is not a positive number
 */
export function walLimits(options: WalLimitOptions = {}): Required<WalLimitOptions> {
  const limits = { ...walLimitDefaults, ...options };
  if (!(limits.restartBytes > 0)) throw new Error("the WAL limit needs restartBytes > 0");
  return limits;
}

/** Longest hold of the writes for one checkpoint; they go on after it, and the error is reported. */
const MAX_HOLD_MS = 10_000;
/** After a checkpoint that failed or could not complete, the next is asked no sooner than this. */
const BACKOFF_MS = 1000;

/** What the worker answers to `{ checkpoint: id }`. */
interface CheckpointReply {
  checkpointed: number;
  complete: boolean;
  failed?: string;
}

/** What the worker reports after each periodic checkpoint: the log's size, bytes. */
interface LogReport {
  logBytes: number;
}

/** The writer's side of the bound: `afterCommit` is the write queue's hook. */
export class WalLimit {
  private pending: Promise<void> | undefined;
  private nextId = 0;
  private quietUntil = 0;

  /** The log's size as the worker last reported it, bytes. */
  private logBytes = 0;

  /**
   * @param worker the checkpointer worker (wal-checkpointer.cjs), which reports the log's size
   * @param options the limits, from `walLimits`
   * @param onError gets a failed or overdue checkpoint; the writes go on
   */
  constructor(
    private readonly worker: Worker,
    private readonly options: Required<WalLimitOptions>,
    private readonly onError: (error: Error) => void,
  ) {
    worker.on("message", (report: Partial<LogReport>) => {
      if (typeof report.logBytes === "number") this.logBytes = report.logBytes;
    });
  }

  /**
   * After a group (outside any transaction): a promise that holds the next groups while the
   * worker checkpoints and restarts the log, when the log is this big; else nothing.
   */
  afterCommit(): Promise<void> | undefined {
    if (this.pending || Date.now() < this.quietUntil || this.logBytes < this.options.restartBytes) return undefined;
    this.pending = this.checkpointInWorker().finally(() => (this.pending = undefined));
    return this.pending;
  }

  /** Asks the worker for one checkpoint; resolves when it answered, or after MAX_HOLD_MS. Never rejects. */
  private checkpointInWorker(): Promise<void> {
    const id = ++this.nextId;
    return new Promise<void>((resolve) => {
      const done = (error?: Error) => {
        clearTimeout(timer);
        this.worker.off("message", onMessage);
        if (error) {
          this.quietUntil = Date.now() + BACKOFF_MS;
          this.onError(error);
        }
        resolve();
      };
      const onMessage = (reply: CheckpointReply) => {
        if (reply.checkpointed !== id) return;
        if (reply.failed) done(new Error(`WAL checkpoint failed: ${reply.failed}`));
        else if (!reply.complete)
          done(
            new Error(
              "WAL checkpoint could not copy every frame (another connection is reading an old snapshot?): the log did not restart",
            ),
          );
        else {
          this.logBytes = 0; // restarted
          done();
        }
      };
      const timer = setTimeout(() => done(new Error(`WAL checkpoint took longer than ${MAX_HOLD_MS} ms: writes go on`)), MAX_HOLD_MS);
      this.worker.on("message", onMessage);
      this.worker.postMessage({ checkpoint: id });
    });
  }
}
