/**
 * Prometheus metrics of the callback delivery, served at `/metrics` by the reference server, with prom-client: on the API port in the
 * sandbox, otherwise only on the internal listener (`METRICS_PORT`, metrics-listener.ts),
 * because labels are partner ids (`MEMB_ID`), which the API never reveals to strangers;
 * besides those, outcomes and states: never a session id, a callback id, a URL or
 * anything signed. The metrics are defined as data in `deliveryMetricDefinitions`, which
 * the metrics table of docs/operations.md is generated from (`npm run docs:tables`), plus
 * prom-client's default process metrics (CPU, memory, event-loop lag), prefixed
 * `PROCESS_METRICS_PREFIX`.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import { type MetricDefinition, metricConfig } from "../../shared/metric-definition.js";
import type { CallbackStats } from "../../store/session-store.js";

/** The values of the `outcome` label: `rejected` is a 4xx that stops retrying, `http_error` a retried status. */
export const attemptOutcomes = ["delivered", "rejected", "http_error", "timeout", "network_error", "not_configured"] as const;

/** How an attempt ended, as the `outcome` label says it. */
export type AttemptOutcome = (typeof attemptOutcomes)[number];

/** The prefix of prom-client's default process metrics on the server's registry. */
export const PROCESS_METRICS_PREFIX = "session_api_";

/** The delivery metrics, in the order of the docs table. */
export const deliveryMetricDefinitions = {
  attempts: {
    name: "session_expired_callback_attempts_total",
    type: "counter",
    help: "Delivery attempts of session expired callbacks, by partner and outcome.",
    labelNames: ["partner", "outcome"],
    labelValues: { outcome: attemptOutcomes },
  },
  results: {
    name: "session_expired_callback_results_total",
    type: "counter",
    help: "Session expired callbacks that were delivered or given up (failed), by partner.",
    labelNames: ["partner", "result"],
    labelValues: { result: ["delivered", "failed"] },
  },
  duration: {
    name: "session_expired_callback_attempt_duration_seconds",
    type: "histogram",
    help: "Duration of each delivery attempt that was sent, until its answer or its deadline, by partner.",
    labelNames: ["partner"],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  },
  inFlight: {
    name: "session_expired_callback_in_flight",
    type: "gauge",
    help: "Delivery attempts running in this instance.",
    labelNames: [],
  },
  circuitOpen: {
    name: "session_expired_callback_circuit_open",
    type: "gauge",
    help: "1 while the partner's circuit breaker is open or half-open in this instance.",
    labelNames: ["partner"],
  },
  concurrencyLimit: {
    name: "session_expired_callback_concurrency_limit",
    type: "gauge",
    help:
      "Attempts this instance may have in flight to the partner now: " +
      "its adaptive concurrency limit, from 1 up to CALLBACK_PARTNER_CONCURRENCY.",
    labelNames: ["partner"],
  },
  outboxReadable: {
    name: "session_expired_callback_outbox_readable",
    type: "gauge",
    help: "1 when this scrape could read the outbox from the database, " + "0 when it could not (the outbox gauges are then absent).",
    labelNames: [],
  },
  outbox: {
    name: "session_expired_callback_outbox",
    type: "gauge",
    help: "Callbacks in the outbox by partner and state (pending, failed).",
    labelNames: ["partner", "state"],
    labelValues: { state: ["pending", "failed"] },
  },
  oldestPendingAge: {
    name: "session_expired_callback_oldest_pending_age_seconds",
    type: "gauge",
    help: "Age of the oldest pending callback in seconds (0 when none).",
    labelNames: [],
  },
} as const satisfies Record<string, MetricDefinition>;

/** The delivery metrics and their registry. */
export interface DeliveryMetrics {
  registry: Registry;
  attempt(partnerId: string, outcome: AttemptOutcome, seconds: number | undefined): void;
  result(partnerId: string, result: "delivered" | "failed"): void;
  inFlight(count: number): void;
  circuitOpen(partnerId: string, open: boolean): void;
  /** A partner's concurrency limit (whole attempts); `undefined` removes the partner's series (it left the partners file). */
  concurrencyLimit(partnerId: string, limit: number | undefined): void;
}

/**
 * Creates a registry with the delivery metrics. The outbox gauges read `stats()` (the
 * store's counts) on each scrape; a failing read sets `…_outbox_readable` to 0, leaves
 * the outbox gauge empty and the oldest pending age NaN for that scrape.
 *
 * @param now clock of the oldest pending age, epoch milliseconds
 */
export function createDeliveryMetrics(stats: () => Promise<CallbackStats>, now: () => number = Date.now): DeliveryMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: PROCESS_METRICS_PREFIX });
  const definitions = deliveryMetricDefinitions;
  const registers = [registry];
  const attempts = new Counter({ ...metricConfig(definitions.attempts), registers });
  const results = new Counter({ ...metricConfig(definitions.results), registers });
  const duration = new Histogram({ ...metricConfig(definitions.duration), registers });
  const inFlight = new Gauge({ ...metricConfig(definitions.inFlight), registers });
  const circuit = new Gauge({ ...metricConfig(definitions.circuitOpen), registers });
  const limits = new Gauge({ ...metricConfig(definitions.concurrencyLimit), registers });
  // The outbox gauges are read once per scrape, for all three. When the store does not
  // answer, `…_outbox_readable` is 0, the outbox gauge is empty and the age is NaN (unknown).
  let reading: Promise<CallbackStats | undefined> | undefined;
  const read = () =>
    (reading ??= stats()
      .catch(() => undefined)
      .finally(() => setImmediate(() => (reading = undefined))));
  new Gauge({
    ...metricConfig(definitions.outboxReadable),
    registers,
    async collect() {
      this.set((await read()) ? 1 : 0);
    },
  });
  new Gauge({
    ...metricConfig(definitions.outbox),
    registers,
    async collect() {
      const counts = await read();
      this.reset();
      if (!counts) return;
      for (const [state, byPartner] of [
        ["pending", counts.pendingByPartner],
        ["failed", counts.failedByPartner],
      ] as const) {
        for (const [partner, count] of byPartner) this.set({ partner, state }, count);
      }
    },
  });
  new Gauge({
    ...metricConfig(definitions.oldestPendingAge),
    registers,
    async collect() {
      const counts = await read();
      if (!counts) return this.set(Number.NaN); // unknown, not "no pending callback"
      this.set(counts.oldestPendingCreatedAt === undefined ? 0 : Math.max(0, (now() - counts.oldestPendingCreatedAt) / 1000));
    },
  });
  return {
    registry,
    attempt(partner, outcome, seconds) {
      attempts.inc({ partner, outcome });
      if (seconds !== undefined) duration.observe({ partner }, seconds);
    },
    result: (partner, result) => results.inc({ partner, result }),
    inFlight: (count) => inFlight.set(count),
    circuitOpen: (partner, open) => circuit.set({ partner }, open ? 1 : 0),
    concurrencyLimit(partner, limit) {
      if (limit === undefined) limits.remove({ partner });
      else limits.set({ partner }, limit);
    },
  };
}
