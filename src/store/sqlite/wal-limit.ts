/**
 * Keeps SQLite's write-ahead log bounded under sustained writes (without it, the `-wal`
 * file grew to 12 GB in 2.5 min of ENTER load).
 *
 * Why it grew: the log restarts from its beginning only when a write transaction starts
 * after a checkpoint that copied EVERY frame into the database. The worker's PASSIVE
 * checkpoints run beside a writer that never pauses, so each one ended a few frames short,
 * and the log was never restarted.
 *
 * What bounds it: after each committed group the writer looks at the log's size (one
 * `stat`). At `restartBytes` it holds the next groups (writes keep being queued, and the
 * event loop keeps serving requests) and asks the checkpointer worker for one checkpoint.
 * With no write meanwhile, that checkpoint copies every frame; the next group then
 * restarts the log from its beginning, and SQLite truncates the file to
 * `journal_size_limit`. So the file never grows past `restartBytes` plus one group. Writes
 * wait only for that checkpoint (it copies the frames since the worker's last one, which
 * runs every 50 ms); durability is unchanged, a checkpoint copies committed pages.
 *
 * When writes stop, the worker truncates the log to zero bytes (`wal-checkpointer.cjs`).
 */
import { statSync } from "node:fs";
import type { Worker } from "node:worker_threads";
import type Database from "libsql";

/** Sizes of the bound, bytes: `journalSizeLimitBytes` < `restartBytes`. */
export interface WalLimitOptions {
  /** WAL size at which the next groups wait for a complete checkpoint. Default 128 MiB. */
  restartBytes?: number;
  /** `journal_size_limit`: the size SQLite truncates the log to when it restarts. Default 64 MiB. */
  journalSizeLimitBytes?: number;
}

/** Defaults of `WalLimitOptions`: the log stays near 128 MiB, half of the 256 MiB it must stay under. */
const walLimitDefaults = { restartBytes: 128 * 2 ** 20, journalSizeLimitBytes: 64 * 2 ** 20 } as const;

/**
 * The limits with their defaults.
 *
 * @throws Error when `journalSizeLimitBytes` is not below `restartBytes`
 */
export function walLimits(options: WalLimitOptions = {}): Required<WalLimitOptions> {
  const limits = { ...walLimitDefaults, ...options };
  if (!(limits.journalSizeLimitBytes < limits.restartBytes)) throw new Error("the WAL limit needs journalSizeLimitBytes < restartBytes");
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

/** The writer's side of the bound: `afterCommit` is the write queue's hook. */
export class WalLimit {
  private pending: Promise<void> | undefined;
  private nextId = 0;
  private quietUntil = 0;

  /**
   * @param db the writer connection (its `journal_size_limit` is set here)
   * @param walFile path of the `-wal` file
   * @param worker the checkpointer worker (wal-checkpointer.cjs)
   * @param options the limits, from `walLimits`
   * @param onError gets a failed or overdue checkpoint; the writes go on
   */
  constructor(
    db: Database.Database,
    private readonly walFile: string,
    private readonly worker: Worker,
    private readonly options: Required<WalLimitOptions>,
    private readonly onError: (error: Error) => void,
  ) {
    db.exec(`PRAGMA journal_size_limit = ${Math.floor(options.journalSizeLimitBytes)}`);
  }

  /**
   * After a group (outside any transaction): a promise that holds the next groups while the
   * worker checkpoints, when the log is this big; else nothing. The file only shrinks when
   * the log restarts, to journal_size_limit < restartBytes, so a file this big holds at
   * least this much log.
   */
  afterCommit(): Promise<void> | undefined {
    if (this.pending || Date.now() < this.quietUntil) return undefined;
    let size: number;
    try {
      size = statSync(this.walFile).size;
    } catch {
      return undefined; // no log file (yet)
    }
    if (size < this.options.restartBytes) return undefined;
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
        else done();
      };
      const timer = setTimeout(() => done(new Error(`WAL checkpoint took longer than ${MAX_HOLD_MS} ms: writes go on`)), MAX_HOLD_MS);
      this.worker.on("message", onMessage);
      this.worker.postMessage({ checkpoint: id });
    });
  }
}
