/**
 * Group commit, the one batching primitive of both stores: the calls made during one turn of
 * the event loop go to the database together, as ONE transaction (one COMMIT instead of one
 * each), and each caller is answered once that transaction committed, with its own result.
 * A commit is what a small write pays most for (on SQLite about half of ENTER's time in the
 * driver, on PostgreSQL a round trip and a flush of the log); durability per call is
 * unchanged. The SQLite store sends every write through one of two (sqlite/transactions.ts:
 * the requests' and the background jobs'); the
 * PostgreSQL store sends ENTER (postgres/open-session-batch.ts) and the outcomes of callback
 * attempts (postgres/attempt-batch.ts) through one each.
 *
 * - **Order.** A turn's calls reach `many` in the order they were made, cut into groups of
 *   at most `maxGroup`; a call made after a flush goes to the next one.
 * - **Failures.** When a group fails as a whole, `retryAlone(error)` decides: true (a row
 *   broke a constraint) runs each call of the group again alone, in its own transaction, so
 *   the bad one fails alone; false (the database is down, a timeout) fails every call of the
 *   group at once with that error, rather than making each wait for a timeout of its own.
 *   A result that `many` hands back as a promise fails only its own caller.
 * - **Backpressure.** `afterGroups` runs after the groups of each flush were sent (after
 *   their commit, for a synchronous driver) and before their callers are answered; a promise
 *   it returns, or one given to `hold` between flushes, holds the next flushes until it
 *   settles, while calls keep being queued. The SQLite store holds its writes so while its
 *   write-ahead log restarts (sqlite/wal-limit.ts).
 * - **Synchronous drivers.** `many` and `single` are called from the flush itself; when they
 *   return without a promise (libsql), a group, its retries included, runs start to end in
 *   that flush, with nothing else on the connection in between. The SQLite paths commit only
 *   the writes that fit a time budget and hand back, for the rest, the promises of `run`
 *   calls made during the flush: those go first in the next group (sqlite/transactions.ts).
 */

/** How a kind of call reaches the database. */
export interface GroupCommitPaths<Input, Output> {
  /** Most calls in one group (one statement or transaction); a turn with more makes several. Default: no limit. */
  maxGroup?: number;
  /**
   * Runs several calls as one transaction. Returns (or resolves to, once committed) one
   * result per input, in order, each a value or a promise that may still fail alone; throws
   * (or rejects) when the group failed as a whole.
   */
  many(inputs: Input[]): Array<Output | Promise<Output>> | Promise<Array<Output | Promise<Output>>>;
  /** Runs one call in a transaction of its own: a group of one, and each call of a failed group that `retryAlone` lets retry. */
  single(input: Input): Output | Promise<Output>;
  /** Whether a failure of `many` is worth running each call alone (a bad row) rather than failing them all. */
  retryAlone(error: unknown): boolean;
  /** Called after each flush's groups were sent; a promise it returns holds the next flushes. Errors it throws are ignored. */
  afterGroups?(): Promise<void> | void;
}

interface Call<Input, Output> {
  input: Input;
  resolve(output: Output): void;
  reject(error: unknown): void;
}

/** Answers `call` with what `produce` returns or resolves to; `produce` runs at once, synchronously. */
async function settle<Input, Output>(call: Call<Input, Output>, produce: () => Output | Promise<Output>): Promise<void> {
  try {
    call.resolve(await produce());
  } catch (error) {
    call.reject(error);
  }
}

/** Queues calls and commits those of one event-loop turn together (see the module comment). */
export class GroupCommit<Input, Output> {
  private queued: Array<Call<Input, Output>> = [];
  /** Set while `afterGroups` holds the next flushes. */
  private held: Promise<void> | undefined;

  constructor(private readonly paths: GroupCommitPaths<Input, Output>) {}

  /**
   * Runs `input` in the next group.
   *
   * @returns its result, once its group is committed
   * @throws (rejects with) the error of its call, or of its whole group (see `retryAlone`)
   */
  run(input: Input): Promise<Output> {
    return new Promise<Output>((resolve, reject) => {
      if (this.queued.length === 0 && !this.held) setImmediate(() => this.flush());
      this.queued.push({ input, resolve, reject });
    });
  }

  private flush(): void {
    if (this.held || this.queued.length === 0) return;
    const calls = this.queued;
    this.queued = [];
    const size = this.paths.maxGroup ?? calls.length;
    for (let start = 0; start < calls.length; start += size) void this.send(calls.slice(start, start + size));
    this.holdAfterGroups();
  }

  /**
   * Holds the next flushes until `until` settles, as a promise of `afterGroups` does; calls
   * keep being queued meanwhile. Call it between flushes (a synchronous driver's groups are
   * never in progress then).
   */
  hold(until: Promise<void>): void {
    const previous = this.held;
    const held: Promise<void> = Promise.all([previous, until.catch(() => undefined)]).then(() => {
      if (this.held !== held) return;
      this.held = undefined;
      this.flush();
    });
    this.held = held;
  }

  private holdAfterGroups(): void {
    let hold: Promise<void> | void;
    try {
      hold = this.paths.afterGroups?.();
    } catch {
      return; // the hook reports its own failures; the groups sent must still be answered
    }
    if (hold) this.hold(hold);
  }

  private async send(calls: Array<Call<Input, Output>>): Promise<void> {
    if (calls.length === 1) return settle(calls[0]!, () => this.paths.single(calls[0]!.input));
    let outputs: Array<Output | Promise<Output>>;
    try {
      outputs = await this.paths.many(calls.map((call) => call.input));
    } catch (error) {
      if (!this.paths.retryAlone(error)) {
        for (const call of calls) call.reject(error);
        return;
      }
      await Promise.all(calls.map((call) => settle(call, () => this.paths.single(call.input))));
      return;
    }
    const resultOf = (index: number) => {
      if (index < outputs.length) return outputs[index]!;
      return Promise.reject(new Error(`group commit: no result for call ${index + 1} of ${calls.length}`));
    };
    await Promise.all(calls.map((call, index) => settle(call, () => resultOf(index))));
  }
}
