/**
 * Keeps SQLite's write-ahead log bounded under sustained writes (issue "Storage that
 * outgrows one machine": the `-wal` file grew to 12 GB in 2.5 min of ENTER load).
 *
 * Why it grew: the log restarts from its beginning only when a write transaction starts
 * after a checkpoint that copied EVERY frame into the database. The worker's PASSIVE
 * checkpoints run beside a writer that never pauses, so each one ends a few frames short,
 * and the log was never restarted.
 *
 * What bounds it: after each committed group the writer looks at the log's size (one
 * `stat`).
 * - At `restartBytes` it runs a PASSIVE checkpoint itself, on the writer connection
 *   between two groups: no write can happen meanwhile, so that checkpoint completes (it
 *   copies only the frames since the worker's last run), and the next group restarts the
 *   log from its beginning; SQLite then truncates the file to `journal_size_limit`. If the
 *   worker is checkpointing at that moment, the writer asks it to start no new checkpoint
 *   and tries again 5 ms later; writes go on meanwhile.
 * - At `maxBytes` (a worker checkpoint that runs long under heavy load) the writer waits
 *   for the worker's checkpoint to end before it checkpoints: writes stop for that time,
 *   and the log never grows past `maxBytes` plus one group.
 * Writer and worker agree through two flags in shared memory (`CheckpointerFlags`).
 * Durability is unchanged: a checkpoint copies committed pages, it never drops any.
 *
 * When writes stop, the worker truncates the log to zero bytes (`wal-checkpointer.cjs`).
 */
import { statSync } from "node:fs";
import type Database from "libsql";

/** Sizes of the bound, bytes: `journalSizeLimitBytes` < `restartBytes` < `maxBytes`. */
export interface WalLimitOptions {
  /** WAL size at which the writer checkpoints without waiting. Default 128 MiB. */
  restartBytes?: number;
  /** WAL size at which the writer waits for the worker's checkpoint, then checkpoints. Default 224 MiB. */
  maxBytes?: number;
  /** `journal_size_limit`: the size SQLite truncates the log to when it restarts. Default 64 MiB. */
  journalSizeLimitBytes?: number;
}

/** Defaults of `WalLimitOptions`: the log stays below the 256 MiB with a margin. */
export const walLimitDefaults = { restartBytes: 128 * 2 ** 20, maxBytes: 224 * 2 ** 20, journalSizeLimitBytes: 64 * 2 ** 20 } as const;

/**
 * Shared by the writer and the checkpointer worker (an `Int32Array` over a
 * `SharedArrayBuffer`): `[WANT]` is 1 while the writer wants the checkpoint lock, and the
 * worker then starts no checkpoint; `[WORKING]` is 1 while the worker checkpoints. Each
 * side sets its own flag before it reads the other's, so they never both go ahead.
 */
export type CheckpointerFlags = Int32Array;
export const WANT = 0;
export const WORKING = 1;

/** Pause before the writer tries again when the worker was checkpointing, milliseconds. */
const RETRY_MS = 5;
/** Longest wait for the worker's checkpoint at `maxBytes`, milliseconds. */
const MAX_WAIT_MS = 10_000;

/** The writer's side of the bound: `afterCommit` is the write queue's hook. */
export class WalLimit {
  private readonly checkpoint: Database.Statement;
  private retrying = false;
  private stopped = false;

  /**
   * @param db the writer connection (the one the write queue commits on)
   * @param walFile path of the `-wal` file
   * @param flags shared with the worker (see `CheckpointerFlags`)
   * @param onError gets a checkpoint's error; the writes go on
   * @throws Error when the sizes are not in the order journal size limit < restart < max
   */
  constructor(
    db: Database.Database,
    private readonly walFile: string,
    private readonly flags: CheckpointerFlags,
    private readonly options: Required<WalLimitOptions>,
    private readonly onError: (error: Error) => void,
  ) {
    if (!(options.journalSizeLimitBytes < options.restartBytes && options.restartBytes < options.maxBytes)) {
      throw new Error("the WAL limit needs journalSizeLimitBytes < restartBytes < maxBytes");
    }
    db.exec(`PRAGMA journal_size_limit = ${Math.floor(options.journalSizeLimitBytes)}`);
    this.checkpoint = db.prepare("PRAGMA wal_checkpoint(PASSIVE)");
  }

  /** Size of the log file, bytes (0 when there is none). */
  private walSize(): number {
    try {
      return statSync(this.walFile).size;
    } catch {
      return 0;
    }
  }

  /**
   * After a group (outside any transaction). The file only shrinks when the log restarts,
   * to journal_size_limit < restartBytes, so a file this big holds at least this much log.
   */
  afterCommit(): void {
    if (this.stopped) return;
    const size = this.walSize();
    if (size >= this.options.maxBytes) this.checkpointAfterWorker();
    else if (size >= this.options.restartBytes && !this.retrying) {
      this.retrying = true;
      setImmediate(() => this.tryCheckpoint()); // once this group's answers are on their way
    }
  }

  /** No more checkpoints (the connection is about to close). */
  stop(): void {
    this.stopped = true;
  }

  /** Checkpoints unless the worker is checkpointing; then tries again in a moment, between groups. */
  private tryCheckpoint(): void {
    this.retrying = false;
    if (this.stopped || this.walSize() < this.options.restartBytes) return this.release();
    Atomics.store(this.flags, WANT, 1);
    if (Atomics.load(this.flags, WORKING) === 0 && this.checkpointCompletes()) return this.release();
    this.retrying = true;
    setTimeout(() => this.tryCheckpoint(), RETRY_MS).unref();
  }

  /** Waits (blocking writes) for the worker's checkpoint to end, then checkpoints. */
  private checkpointAfterWorker(): void {
    Atomics.store(this.flags, WANT, 1);
    Atomics.wait(this.flags, WORKING, 1, MAX_WAIT_MS);
    if (this.checkpointCompletes() && !this.retrying) this.release();
  }

  /** One PASSIVE checkpoint on the writer; true when it copied every frame (or failed: nothing to retry then). */
  private checkpointCompletes(): boolean {
    try {
      const result = this.checkpoint.get() as { busy: number; log: number; checkpointed: number };
      return Number(result.busy) === 0 && Number(result.log) === Number(result.checkpointed);
    } catch (error) {
      this.onError(error as Error);
      return true;
    }
  }

  /** Lets the worker checkpoint again. */
  private release(): void {
    Atomics.store(this.flags, WANT, 0);
  }
}
