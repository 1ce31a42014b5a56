/**
 * The one deadline of this package and of everything that imports it: the client's
 * request timeout, the server's callback attempts and its health probes, the contract
 * tester's requests.
 *
 * It is a plain `setTimeout`, referenced until it fires or the work settles (then
 * cleared), that rejects the call itself and aborts the work's signal. Not
 * `AbortSignal.timeout` or `AbortSignal.any`, and not an abort alone: on Node 20 a garbage
 * collection can collect such a timer before it fires, or keep an abort from reaching
 * undici's fetch, which holds its listener weakly (seen: a 5 s timeout that ended only at
 * undici's own 300 s headers timeout).
 */

/** Options of `withDeadline`. */
export interface DeadlineOptions {
  /** A caller's own signal: when it aborts, the work's signal is aborted with its reason too. */
  signal?: AbortSignal | undefined;
}

/**
 * Runs `work` with a deadline: settles as `work` does, or, when `ms` milliseconds pass
 * first, rejects with the deadline's error and aborts the signal `work` was given with
 * that error (so that it can let go of a connection). The timer is cleared either way.
 *
 * ```ts
 * const answer = await withDeadline((signal) => fetch(url, { signal }), 5000, () => new DOMException("no answer within 5 s", "TimeoutError"));
 * const stats = await withDeadline(store.callbackStats(), 2000, "the database"); // Error "the database did not answer within 2000 ms"
 * ```
 *
 * @param work the work, given a signal that aborts at the deadline; or a promise already
 *   under way, which cannot be stopped, only no longer waited for
 * @param ms the deadline, milliseconds (finite, at least 1)
 * @param expired the rejection at the deadline: a function that makes it, or a string
 *   `what` for an Error "<what> did not answer within <ms> ms"
 * @throws (rejects with) the deadline's error, or the work's own
 */
export async function withDeadline<T>(
  work: Promise<T> | ((signal: AbortSignal) => Promise<T>),
  ms: number,
  expired: string | (() => unknown),
  options: DeadlineOptions = {},
): Promise<T> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      const error = typeof expired === "string" ? new Error(`${expired} did not answer within ${ms} ms`) : expired();
      controller.abort(error);
      reject(error);
    }, ms);
  });
  const outer = options.signal;
  const forward = () => controller.abort(outer!.reason);
  if (outer?.aborted) forward();
  else outer?.addEventListener("abort", forward, { once: true });
  try {
    return await Promise.race([typeof work === "function" ? work(controller.signal) : work, deadline]);
  } finally {
    clearTimeout(timer);
    outer?.removeEventListener("abort", forward);
  }
}
