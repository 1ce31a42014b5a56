/**
 * Prometheus metrics of the background jobs (jobs.ts), on the server's registry, labelled
 * by `job`: `expiry`, `idempotency_keys`, `delivered_callbacks`, `ended_sessions`,
 * `planner_statistics`.
 *
 * | Metric | Type | Meaning |
 * |---|---|---|
 * | `session_api_background_rows_total` | counter | rows handled: sessions expired, keys, callbacks and sessions deleted |
 * | `session_api_background_batch_duration_seconds` | histogram | duration of each batch (on SQLite, how long requests waited for it) |
 * | `session_api_background_failures_total` | counter | batches that failed (retried with backoff) |
 * | `session_api_background_last_success_timestamp_seconds` | gauge | Unix time at which the job last ran to its end: alert when it falls behind by several intervals |
 */
import { Counter, Gauge, Histogram, type Registry } from "prom-client";

/** Names of the background jobs, as the `job` label says them. */
export type JobName = "expiry" | "idempotency_keys" | "delivered_callbacks" | "ended_sessions" | "planner_statistics";

/** What a job reports. */
export interface JobMetrics {
  batch(job: JobName, rows: number, seconds: number): void;
  failure(job: JobName): void;
  /** The job ran to its end at `at`, epoch milliseconds. */
  drained(job: JobName, at: number): void;
}

/** Registers the background job metrics on `registry`. */
export function createJobMetrics(registry: Registry): JobMetrics {
  const rows = new Counter({ name: "session_api_background_rows_total", help: "Rows handled by the background jobs (sessions expired; keys, callbacks and sessions deleted), by job.", labelNames: ["job"], registers: [registry] });
  const duration = new Histogram({
    name: "session_api_background_batch_duration_seconds",
    help: "Duration of each batch of a background job, by job.",
    labelNames: ["job"],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const failures = new Counter({ name: "session_api_background_failures_total", help: "Batches of a background job that failed (retried with backoff), by job.", labelNames: ["job"], registers: [registry] });
  const lastSuccess = new Gauge({ name: "session_api_background_last_success_timestamp_seconds", help: "Unix time at which a background job last ran to its end, by job.", labelNames: ["job"], registers: [registry] });
  return {
    batch(job, count, seconds) {
      rows.inc({ job }, count);
      duration.observe({ job }, seconds);
    },
    failure: (job) => failures.inc({ job }),
    drained: (job, at) => lastSuccess.set({ job }, at / 1000),
  };
}
