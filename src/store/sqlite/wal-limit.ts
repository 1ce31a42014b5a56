/**
 * Keeps SQLite's write-ahead log bounded under sustained writes (without it, the `-wal`
 * file grew to 12 GB in 2.5 min of ENTER load).
 *
 * Why it grew: the log restarts from its beginning only when a write transaction starts
 * after a checkpoint that copied EVERY frame into the database. The worker's PASSIVE
 * checkpoints run beside a writer that never pauses, so each one ended a few frames short,
 * and the log was never restarted.
 *
 * What bounds it: after each committed group the writer reads the log's length, `mxFrame`
 * of the WAL-index header (the `-shm` file, https://www.sqlite.org/walformat.html: 4 bytes
 * at offset 16, in the machine's byte order; one `pread`). Past `restartBytes`:
 *
 * 1. **Copy ahead.** The writer asks the checkpointer worker to copy the log into the
 *    database and sync the file now, while writes go on (a PASSIVE checkpoint).
 * 2. **Hold.** Once that is done, or once the log is `OVERSHOOT` past `restartBytes`, the
 *    writer holds the next groups (writes keep being queued, and the event loop keeps
 *    serving requests) and asks the worker for one checkpoint. With no write meanwhile,
 *    it copies every frame, and the worker restarts the log from its beginning with an
 *    empty write.
 *
 * So the log never grows past `restartBytes` × (1 + `OVERSHOOT`) plus one group. Writes
 * wait only for the held checkpoint, which has only the frames written since the copy
 * ahead to copy and sync. (Between holds, the worker also copies and syncs every 50 ms.)
 * At a million rows, with the log written at about 128 MB/s, a hold that had the whole
 * log's pages to sync took 100 ms at the median and up to 190 ms. Durability is
 * unchanged: a checkpoint copies committed pages, and the log restarts only after the
 * database file was synced.
 *
 * Nothing truncates the file while writes go on (`journal_size_limit` stays -1): the log
 * restarts inside it, so its size stays at its high-water mark. Truncating a file frees
 * its blocks, and on a file system mounted with `discard` that waits for the device:
 * 100 – 600 ms measured here, on the event loop when the writer's commit did it. When
 * writes stop, the worker truncates the log to zero bytes (`wal-checkpointer.cjs`).
 */
import { closeSync, openSync, readSync } from "node:fs";
import { endianness } from "node:os";
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

/** Where the WAL-index header keeps `mxFrame`, the frames in the log (walformat.html, 2.1). */
const MX_FRAME_OFFSET = 16;
/** A frame's header, and the log's own header, bytes (walformat.html, 1.1). */
const FRAME_HEADER_BYTES = 24;
const LOG_HEADER_BYTES = 32;

/** The length of a database's log, read from its WAL-index header. */
class LogLength {
  private fd: number | undefined;
  private readonly word = Buffer.alloc(4);

  /**
   * @param shmFile path of the `-shm` file
   * @param pageBytes the database's page size
   */
  constructor(
    private readonly shmFile: string,
    private readonly pageBytes: number,
  ) {}

  /** The log's length, bytes; 0 when the index cannot be read (no log yet). */
  bytes(): number {
    try {
      this.fd ??= openSync(this.shmFile, "r");
      if (readSync(this.fd, this.word, 0, 4, MX_FRAME_OFFSET) < 4) return 0;
    } catch {
      return 0;
    }
    const frames = endianness() === "LE" ? this.word.readUInt32LE(0) : this.word.readUInt32BE(0);
    return frames === 0 ? 0 : LOG_HEADER_BYTES + frames * (this.pageBytes + FRAME_HEADER_BYTES);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/**
 * How far past `restartBytes` the log may grow while the worker copies it ahead of the
 * hold, as a share of `restartBytes`; past that the hold starts without waiting for the copy.
 */
export const OVERSHOOT = 1 / 16;

/** Longest hold of the writes for one checkpoint; they go on after it, and the error is reported. */
const MAX_HOLD_MS = 10_000;
/**
 * After a checkpoint that failed or could not complete, the next is asked no sooner than
 * this: soon, since the log grows meanwhile (at a million rows, 1.2 GB in 5 s of
 * failures while the benchmark's own connection read), yet not after every group.
 */
const BACKOFF_MS = 200;

/** What the worker answers to `{ checkpoint: id }` (a held checkpoint) or `{ prepare: id }` (a copy ahead of it). */
interface WorkerReply {
  checkpointed?: number;
  prepared?: number;
  complete?: boolean;
  failed?: string;
}

/** The writer's side of the bound: `afterCommit` is the write queue's hook. */
export class WalLimit {
  /** The held checkpoint in progress. */
  private pending: Promise<void> | undefined;
  /** From the copy ahead until the held checkpoint ended: background writes wait for it. */
  private restarting: Promise<void> | undefined;
  private endRestart: (() => void) | undefined;
  private nextId = 0;
  private quietUntil = 0;

  private readonly log: LogLength;

  /**
   * @param file path of the database file (its log is `-wal`, its index `-shm`)
   * @param pageBytes the database's page size (`PRAGMA page_size`)
   * @param worker the checkpointer worker (wal-checkpointer.cjs)
   * @param options the limits, from `walLimits`
   * @param holdWrites holds the writer's next groups until the promise settles (the
   *   write queue's `hold`); the held checkpoint starts with it once the copy ahead is done
   * @param onError gets a failed or overdue checkpoint; the writes go on
   */
  constructor(
    file: string,
    pageBytes: number,
    private readonly worker: Worker,
    private readonly options: Required<WalLimitOptions>,
    private readonly holdWrites: (until: Promise<void>) => void,
    private readonly onError: (error: Error) => void,
  ) {
    this.log = new LogLength(`${file}-shm`, pageBytes);
  }

  /**
   * After a group (outside any transaction): past `restartBytes`, asks for the copy ahead
   * (nothing held); past the overshoot, holds the writes (`holdWrites`) while the worker
   * checkpoints and restarts the log.
   */
  afterCommit(): void {
    if (this.pending || Date.now() < this.quietUntil) return;
    const bytes = this.log.bytes();
    if (bytes < this.options.restartBytes) return;
    if (bytes >= this.options.restartBytes * (1 + OVERSHOOT)) this.holdWrites(this.hold());
    else if (!this.restarting) this.prepare();
  }

  /**
   * What background writes (expiry, retention, delivery) wait for before they queue: the
   * restart of the log in progress, from its copy ahead to the end of its held checkpoint;
   * undefined when none is. While they wait, the log grows only by the requests' writes,
   * so the held checkpoint has little left to copy and sync.
   */
  backgroundTurn(): Promise<void> | undefined {
    return this.restarting;
  }

  /** Lets go of the index file, and of the background writes waiting. */
  close(): void {
    this.finishRestart();
    this.log.close();
  }

  /** Asks the worker to copy and sync the log now, while requests write; then holds the writes for the restart. */
  private prepare(): void {
    const restart = this.beginRestart();
    void this.askWorker("prepare").then(() => {
      if (this.restarting === restart && !this.pending) this.holdWrites(this.hold());
    });
  }

  /** Holds the writes for one checkpoint that restarts the log (the promise settles when it is over). */
  private hold(): Promise<void> {
    this.beginRestart();
    this.pending = this.askWorker("checkpoint").finally(() => {
      this.pending = undefined;
      this.finishRestart();
    });
    return this.pending;
  }

  private beginRestart(): Promise<void> {
    this.restarting ??= new Promise<void>((resolve) => (this.endRestart = resolve));
    return this.restarting;
  }

  private finishRestart(): void {
    this.endRestart?.();
    this.restarting = this.endRestart = undefined;
  }

  /**
   * Asks the worker for a held checkpoint (`checkpoint`) or a copy ahead of it (`prepare`);
   * resolves when it answered, or after MAX_HOLD_MS. Never rejects: a failure goes to
   * `onError`, and the next hold is asked no sooner than BACKOFF_MS.
   */
  private askWorker(kind: "checkpoint" | "prepare"): Promise<void> {
    const id = ++this.nextId;
    const replyKey = kind === "checkpoint" ? "checkpointed" : "prepared";
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
      const onMessage = (reply: WorkerReply) => {
        if (reply[replyKey] !== id) return;
        if (reply.failed) done(new Error(`WAL checkpoint failed: ${reply.failed}`));
        else if (kind === "checkpoint" && !reply.complete)
          done(
            new Error(
              "WAL checkpoint could not copy every frame (another connection is reading an old snapshot?): the log did not restart",
            ),
          );
        else done();
      };
      const timer = setTimeout(() => done(new Error(`WAL checkpoint took longer than ${MAX_HOLD_MS} ms: writes go on`)), MAX_HOLD_MS);
      this.worker.on("message", onMessage);
      this.worker.postMessage({ [kind]: id });
    });
  }
}
