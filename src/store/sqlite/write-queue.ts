/**
 * Group commit for a synchronous SQLite connection: writes queued during one turn of the
 * event loop run together in ONE transaction, and every caller is answered only after
 * that COMMIT. One commit then serves many requests, which is where a per-request
 * transaction spends most of its time; durability per request is unchanged.
 *
 * A write that throws must not take the others down: the group is then rolled back and
 * each write of it is retried alone, in its own transaction (a rare path: constraint
 * violations and I/O errors).
 *
 * After each group, the `afterCommit` hook may hand back a promise: the next groups wait
 * for it (the WAL limit checkpoints meanwhile), while writes keep being queued.
 */
import type Database from "libsql";

interface Job {
  work(): unknown;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/** Queues synchronous write functions and commits them in groups. */
export class WriteQueue {
  private jobs: Job[] = [];
  /** Set while the next groups wait (see `afterCommit`). */
  private held: Promise<void> | undefined;
  private readonly begin;
  private readonly commit;
  private readonly rollback;

  /**
   * @param afterCommit called after each group, outside any transaction (the WAL limit
   *   looks at the log's size there); a promise it returns holds the next groups until it
   *   settles. It must not throw; errors it throws are ignored.
   */
  constructor(
    private readonly db: Database.Database,
    private readonly afterCommit: () => Promise<void> | void = () => undefined,
  ) {
    this.begin = db.prepare("BEGIN IMMEDIATE");
    this.commit = db.prepare("COMMIT");
    this.rollback = db.prepare("ROLLBACK");
  }

  /**
   * Runs `work` (synchronous statements on the connection) in the next group.
   *
   * @returns what `work` returned, once its group is committed
   * @throws (rejects with) what `work` threw, or the error of its COMMIT
   */
  run<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.jobs.length === 0 && !this.held) setImmediate(() => this.flush());
      this.jobs.push({ work, resolve: resolve as (value: unknown) => void, reject });
    });
  }

  /** Runs `jobs` in one transaction; returns their results, or throws and rolls back. */
  private transaction(jobs: Job[]): unknown[] {
    this.begin.run();
    try {
      const results = jobs.map((job) => job.work());
      this.commit.run();
      return results;
    } catch (error) {
      if (this.db.inTransaction) this.rollback.run();
      throw error;
    }
  }

  private flush(): void {
    if (this.held || this.jobs.length === 0) return;
    const jobs = this.jobs;
    this.jobs = [];
    let results: unknown[] | undefined;
    try {
      results = this.transaction(jobs);
    } catch (groupError) {
      if (jobs.length === 1) jobs[0]!.reject(groupError);
      else {
        for (const job of jobs) {
          try {
            job.resolve(this.transaction([job])[0]);
          } catch (error) {
            job.reject(error);
          }
        }
      }
    }
    try {
      const hold = this.afterCommit();
      if (hold) {
        this.held = hold
          .catch(() => undefined)
          .then(() => {
            this.held = undefined;
            this.flush();
          });
      }
    } catch {
      // The hook reports its own failures; a commit that happened must still be answered.
    }
    if (results) jobs.forEach((job, index) => job.resolve(results[index]));
  }
}
