/**
 * Prometheus metrics of the background jobs (jobs.ts), on the server's registry, labelled
 * by `job`. Defined as data in `jobMetricDefinitions`, which the metrics table of
 * docs/operations.md is generated from (`npm run docs:tables`).
 */
import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import { type MetricDefinition, metricConfig } from "../../shared/metric-definition.js";

/** Names of the background jobs, as the `job` label says them. */
export const jobNames = ["expiry", "idempotency_keys", "delivered_callbacks", "ended_sessions", "planner_statistics"] as const;

/** A background job, as the `job` label says it. */
export type JobName = (typeof jobNames)[number];

/** The background job metrics, in the order of the docs table. */
export const jobMetricDefinitions = {
  rows: {
    name: "session_api_background_rows_total",
    type: "counter",
    help: "Rows handled by the background jobs (sessions expired; keys, callbacks and sessions deleted), by job.",
    labelNames: ["job"],
    labelValues: { job: jobNames },
  },
  duration: {
    name: "session_api_background_batch_duration_seconds",
    type: "histogram",
    help: "Duration of each batch of a background job, by job.",
    labelNames: ["job"],
    labelValues: { job: jobNames },
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  },
  failures: {
    name: "session_api_background_failures_total",
    type: "counter",
    help: "Batches of a background job that failed (retried with backoff), by job.",
    labelNames: ["job"],
    labelValues: { job: jobNames },
  },
  lastSuccess: {
    name: "session_api_background_last_success_timestamp_seconds",
    type: "gauge",
    help: "Unix time at which a background job last ran to its end, by job.",
    labelNames: ["job"],
    labelValues: { job: jobNames },
  },
} as const satisfies Record<string, MetricDefinition>;

/** What a job reports. */
export interface JobMetrics {
  batch(job: JobName, rows: number, seconds: number): void;
  failure(job: JobName): void;
  /** The job ran to its end at `at`, epoch milliseconds. */
  drained(job: JobName, at: number): void;
}

/** Registers the background job metrics on `registry`. */
export function createJobMetrics(registry: Registry): JobMetrics {
  const registers = [registry];
  const rows = new Counter({ ...metricConfig(jobMetricDefinitions.rows), registers });
  const duration = new Histogram({ ...metricConfig(jobMetricDefinitions.duration), registers });
  const failures = new Counter({ ...metricConfig(jobMetricDefinitions.failures), registers });
  const lastSuccess = new Gauge({ ...metricConfig(jobMetricDefinitions.lastSuccess), registers });
  return {
    batch(job, count, seconds) {
      rows.inc({ job }, count);
      duration.observe({ job }, seconds);
    },
    failure: (job) => failures.inc({ job }),
    drained: (job, at) => lastSuccess.set({ job }, at / 1000),
  };
}
