/**
 * Group commit on PostgreSQL: the calls of one event-loop turn go to the database
 * together, as one statement (one round trip, one commit) instead of one each. Each
 * caller is answered after that commit. If the batch statement fails because of a row
 * (`retryAlone`, e.g. a constraint), each call of the batch is run alone, so that one bad
 * row fails alone; any other failure (the database is down, a timeout) fails every call
 * of the batch at once. Used for ENTER
 * (open-session-batch.ts) and for the outcomes of callback attempts (attempt-batch.ts).
 */

/** How a kind of call is sent. */
export interface TurnBatchPaths<Input, Output> {
  /** Most calls in one statement; more in one turn make several statements. */
  maxBatch: number;
  /**
   * Sends several calls as one statement. Resolves, once it is committed, to one promise
   * per input, in order (each may still do work of its own, and fail alone); rejects when
   * the statement failed, and then every input is sent alone.
   */
  many(inputs: Input[]): Promise<Array<Promise<Output>>>;
  /** Sends one call on its own (a batch of one, and the fallback). */
  single(input: Input): Promise<Output>;
  /** Whether a failure of `many` is worth sending each call alone (a bad row), rather than failing them all. */
  retryAlone(error: unknown): boolean;
}

interface Call<Input, Output> {
  input: Input;
  resolve(output: Output): void;
  reject(error: unknown): void;
}

/** Collects calls and sends those of one turn together. */
export class TurnBatch<Input, Output> {
  private calls: Array<Call<Input, Output>> = [];

  constructor(private readonly paths: TurnBatchPaths<Input, Output>) {}

  /**
   * Runs `input` in the next batch.
   *
   * @returns its output once its statement is committed
   * @throws (rejects with) the database's error for this call
   */
  run(input: Input): Promise<Output> {
    return new Promise((resolve, reject) => {
      if (this.calls.length === 0) setImmediate(() => this.flush());
      this.calls.push({ input, resolve, reject });
    });
  }

  private flush(): void {
    const calls = this.calls;
    this.calls = [];
    for (let start = 0; start < calls.length; start += this.paths.maxBatch) void this.send(calls.slice(start, start + this.paths.maxBatch));
  }

  private async send(calls: Array<Call<Input, Output>>): Promise<void> {
    if (calls.length === 1) return this.settle(calls[0]!, this.paths.single(calls[0]!.input));
    let outputs: Array<Promise<Output>>;
    try {
      outputs = await this.paths.many(calls.map((call) => call.input));
    } catch (error) {
      if (!this.paths.retryAlone(error)) {
        for (const call of calls) call.reject(error);
        return;
      }
      await Promise.all(calls.map((call) => this.settle(call, this.paths.single(call.input))));
      return;
    }
    await Promise.all(calls.map((call, index) => this.settle(call, outputs[index]!)));
  }

  private async settle(call: Call<Input, Output>, output: Promise<Output>): Promise<void> {
    try {
      call.resolve(await output);
    } catch (error) {
      call.reject(error);
    }
  }
}
