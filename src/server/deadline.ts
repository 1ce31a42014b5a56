/**
 * A deadline for a call whose caller must answer in time even when the database hangs:
 * `/health` (a load balancer's probe) and the outbox gauges of `/metrics` (a Prometheus
 * scrape). A hung PostgreSQL holds a query for up to the store's own timeouts (about 8 s,
 * store/postgres/store.ts), longer than a probe or a scrape waits.
 */

/** How long `/health` and a `/metrics` scrape wait for the store, milliseconds. */
export const PROBE_DEADLINE_MS = 2000;

/**
 * `promise`, or a rejection after `ms` milliseconds; the timer is cleared either way.
 *
 * @throws (rejects with) Error "<what> did not answer within <ms> ms" at the deadline, or the promise's own error
 */
export async function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
