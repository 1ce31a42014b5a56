/**
 * A deadline for a call whose caller must answer in time even when the database hangs:
 * `/health` (a load balancer's probe) and the outbox gauges of `/metrics` (a Prometheus
 * scrape). A hung PostgreSQL holds a query for up to the store's own timeouts (about 8 s,
 * store/postgres/store.ts), longer than a probe or a scrape waits.
 *
 * The deadline itself is the client package's `withDeadline` (one helper for every
 * deadline of the repository): `withDeadline(promise, ms, "the database")` rejects with
 * Error "the database did not answer within <ms> ms".
 */
export { withDeadline } from "@luckymonaco/session-api-client";

/** How long `/health` and a `/metrics` scrape wait for the store, milliseconds. */
export const PROBE_DEADLINE_MS = 2000;
