/**
 * Prometheus metrics of the callback delivery, served at `/metrics` by the reference server, with prom-client: on the API port in the
 * sandbox, otherwise only on the internal listener (`METRICS_PORT`, metrics-listener.ts),
 * because labels are partner ids (`MEMB_ID`), which the API never reveals to strangers;
 * besides those, outcomes and states: never a session id, a callback id, a URL or
 * anything signed.
 *
 * | Metric | Type | Labels | Meaning |
 * |---|---|---|---|
 * | `session_expired_callback_attempts_total` | counter | partner, outcome | attempts, by how they ended: `delivered`, `rejected` (a 4xx that stops retrying), `http_error` (a retried status), `timeout`, `network_error`, `not_configured` (the partner has callbacks off) |
 * | `session_expired_callback_results_total` | counter | partner, result | callbacks that reached an end: `delivered`, or `failed` (given up, the dead letter) |
 * | `session_expired_callback_attempt_duration_seconds` | histogram | partner | time of each attempt that was sent, until its answer or its deadline |
 * | `session_expired_callback_in_flight` | gauge | | attempts running in this instance |
 * | `session_expired_callback_circuit_open` | gauge | partner | 1 while the partner's circuit breaker is open or half-open (this instance) |
 * | `session_expired_callback_concurrency_limit` | gauge | partner | attempts this instance may have in flight to the partner now: its adaptive limit, 1 … `CALLBACK_PARTNER_CONCURRENCY` (concurrency-limit.ts); set once the partner's callbacks are first looked for |
 * | `session_expired_callback_outbox` | gauge | partner, state | callbacks in the outbox (whole database): `pending`, `failed` |
 * | `session_expired_callback_oldest_pending_age_seconds` | gauge | | age of the oldest pending callback (0 when none) |
 * | `session_expired_callback_outbox_readable` | gauge | | 1 when the scrape read the outbox; 0 when the database did not answer (the outbox gauge is then absent and the age is NaN: alert on this one) |
 *
 * plus prom-client's default process metrics (CPU, memory, event-loop lag), prefixed `session_api_`.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { CallbackStats } from "../../store/session-store.js";

/** How an attempt ended, as the `outcome` label says it. */
export type AttemptOutcome = "delivered" | "rejected" | "http_error" | "timeout" | "network_error" | "not_configured";

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
  collectDefaultMetrics({ register: registry, prefix: "session_api_" });
  const attempts = new Counter({ name: "session_expired_callback_attempts_total", help: "Delivery attempts of session expired callbacks, by partner and outcome.", labelNames: ["partner", "outcome"], registers: [registry] });
  const results = new Counter({ name: "session_expired_callback_results_total", help: "Session expired callbacks that were delivered or given up (failed), by partner.", labelNames: ["partner", "result"], registers: [registry] });
  const duration = new Histogram({
    name: "session_expired_callback_attempt_duration_seconds",
    help: "Duration of each delivery attempt that was sent, until its answer or its deadline, by partner.",
    labelNames: ["partner"],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const inFlight = new Gauge({ name: "session_expired_callback_in_flight", help: "Delivery attempts running in this instance.", registers: [registry] });
  const circuit = new Gauge({ name: "session_expired_callback_circuit_open", help: "1 while the partner's circuit breaker is open or half-open in this instance.", labelNames: ["partner"], registers: [registry] });
  const limits = new Gauge({
    name: "session_expired_callback_concurrency_limit",
    help: "Attempts this instance may have in flight to the partner now: its adaptive concurrency limit, from 1 up to CALLBACK_PARTNER_CONCURRENCY.",
    labelNames: ["partner"],
    registers: [registry],
  });
  // The outbox gauges are read once per scrape, for all three. When the store does not
  // answer, `…_outbox_readable` is 0, the outbox gauge is empty and the age is NaN (unknown).
  let reading: Promise<CallbackStats | undefined> | undefined;
  const read = () => (reading ??= stats().catch(() => undefined).finally(() => setImmediate(() => (reading = undefined))));
  new Gauge({
    name: "session_expired_callback_outbox_readable",
    help: "1 when this scrape could read the outbox from the database, 0 when it could not (the outbox gauges are then absent).",
    registers: [registry],
    async collect() {
      this.set((await read()) ? 1 : 0);
    },
  });
  new Gauge({
    name: "session_expired_callback_outbox",
    help: "Callbacks in the outbox by partner and state (pending, failed).",
    labelNames: ["partner", "state"],
    registers: [registry],
    async collect() {
      const counts = await read();
      this.reset();
      if (!counts) return;
      for (const [state, byPartner] of [["pending", counts.pendingByPartner], ["failed", counts.failedByPartner]] as const) {
        for (const [partner, count] of byPartner) this.set({ partner, state }, count);
      }
    },
  });
  new Gauge({
    name: "session_expired_callback_oldest_pending_age_seconds",
    help: "Age of the oldest pending callback in seconds (0 when none).",
    registers: [registry],
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
