/**
 * The health endpoints of the reference server. They are not part of the session API (no
 * signature, not in the spec) and say nothing secret, but the outbox counts are the
 * provider's business: keep them off the public load balancer's routes.
 *
 * | Path | For | 200 | 503 |
 * |---|---|---|---|
 * | `/health/live` | an orchestrator's liveness probe: restart the process when it fails | the process answers | never (a process that cannot answer fails by itself) |
 * | `/health/ready` | a load balancer's readiness probe: send traffic only when it passes | not shutting down, and the store can write (readiness.ts) | `{"status":"draining"}` while shutting down; `{"status":"unavailable","reason":"store cannot write"}` |
 * | `/health` | the same as `/health/ready`, plus the callback outbox's counts (kept for existing probes and dashboards) | `{"status":"ok","callbacks":{…}}` | as `/health/ready`, or when the outbox cannot be read within `PROBE_DEADLINE_MS` (outbox-stats.ts) |
 *
 * Each costs the same at any database size: readiness is kept in memory, and the outbox
 * counts are read from counters kept in the write path (store `callbackStats`), at most
 * once a second in the server (outbox-stats.ts), however often probes come.
 */
import type { FastifyInstance } from "fastify";
import { ErrorLogThrottle } from "../shared/error-log-throttle.js";
import type { OutboxStats } from "./outbox-stats.js";
import type { Readiness } from "./readiness.js";

/** The health endpoints' paths (never shed under load: a probe must see the state). */
export const HEALTH_PATHS = ["/health", "/health/live", "/health/ready"] as const;

/** What the health endpoints read. */
export interface HealthDependencies {
  /** The outbox's counts (outbox-stats.ts). */
  outbox: OutboxStats;
  readiness: Readiness;
  /** Clock of the oldest pending callback's age, epoch milliseconds. */
  now: () => number;
}

/** Registers `/health/live`, `/health/ready` and `/health` (see the table above). */
export function registerHealth(app: FastifyInstance, { outbox, readiness, now }: HealthDependencies): void {
  const errors = new ErrorLogThrottle();
  /** The 503 body of a not-ready instance, or undefined when it is ready. */
  const unready = () => {
    const problem = readiness.notReady();
    if (!problem) return undefined;
    return problem.reason === "draining" ? { status: "draining" } : { status: "unavailable", reason: problem.reason };
  };

  app.get("/health/live", async () => ({ status: "ok" }));

  app.get("/health/ready", async (_request, reply) => {
    const problem = unready();
    return problem ? reply.code(503).send(problem) : { status: "ok" };
  });

  app.get("/health", async (_request, reply) => {
    const problem = unready();
    if (problem) return reply.code(503).send(problem);
    try {
      const stats = await outbox.get();
      const sum = (counts: ReadonlyMap<string, number>) => [...counts.values()].reduce((total, count) => total + count, 0);
      const oldest = stats.oldestPendingCreatedAt;
      return {
        status: "ok",
        callbacks: {
          pending: sum(stats.pendingByPartner),
          failed: sum(stats.failedByPartner),
          oldestPendingAgeSeconds: oldest === undefined ? 0 : Math.max(0, Math.floor((now() - oldest) / 1000)),
        },
      };
    } catch (error) {
      errors.error(app.log, {}, error, "health check failed");
      return reply.code(503).send({ status: "unavailable", reason: "the database did not answer" });
    }
  });
}
