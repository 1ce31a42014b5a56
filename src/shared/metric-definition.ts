/**
 * A Prometheus metric as data: what prom-client is given (name, help, label names,
 * buckets) and what the metrics table in docs/operations.md shows (`npm run docs:tables`).
 * Names and help texts are what dashboards and alerts read: change them only on purpose.
 */

/** One metric of the reference server. */
export interface MetricDefinition {
  name: string;
  type: "counter" | "gauge" | "histogram";
  help: string;
  labelNames: readonly string[];
  /** The values a label takes, where they are a fixed set (the docs list them). */
  labelValues?: Readonly<Record<string, readonly string[]>>;
  /** Histogram buckets, seconds. */
  buckets?: readonly number[];
}

/** The fields of a definition prom-client's constructors take (`new Counter({ ...metricConfig(d), registers })`). */
export function metricConfig(definition: MetricDefinition): { name: string; help: string; labelNames: string[]; buckets?: number[] } {
  const { name, help, labelNames, buckets } = definition;
  return { name, help, labelNames: [...labelNames], ...(buckets ? { buckets: [...buckets] } : {}) };
}
