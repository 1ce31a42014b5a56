/**
 * The reference server as a Fastify instance: the provider's operations from the spec
 * (through the contract plugin and the generated stubs), plus the offline docs site at
 * /docs/ (built by `npm run docs` into `dist/docs/`), the bundle it serves at
 * /openapi.json and /openapi.yaml, the health endpoints (health.ts) and the Prometheus
 * metrics at /metrics. What comes before routing (framing,
 * header size, timeouts, unknown paths and methods) is answered in the contract by
 * `src/http/transport-answers.ts`, and nothing secret is logged (`src/http/access-log.ts`).
 */
import { join } from "node:path";
import Fastify, { type FastifyInstance, type FastifyServerOptions } from "fastify";
import type { Registry } from "prom-client";
import type { OpenApiDocument } from "../shared/spec-document.js";
import { DEFAULT_TOLERANCE_SECONDS } from "@luckymonaco/session-api-client";
import { contractPlugin } from "../http/contract-plugin.js";
import { contractServerOptions, registerTransportAnswers } from "../http/transport-answers.js";
import type { PartnerDirectory } from "../partners/directory.js";
import type { SessionStore } from "../store/session-store.js";
import { providerHandlers } from "./handlers/index.js";
import type { ProviderContext } from "./handlers/context.js";
import type { LaunchTokens } from "./launch-tokens.js";
import { registerDocsRoutes } from "./docs-routes.js";
import { HEALTH_PATHS, registerHealth } from "./health.js";
import type { LoadShedding } from "../http/load-shedding.js";
import { Readiness } from "./readiness.js";
import { OutboxStats } from "./outbox-stats.js";

/** What the server is built from. */
export interface ServerDependencies {
  /** The bundled spec (`generated/openapi.json`, see `loadBundledSpec`). */
  spec: OpenApiDocument;
  /** Directory of the built docs site (`dist/docs`). */
  docsDir: string;
  store: SessionStore;
  partners: PartnerDirectory;
  /**
   * True when the partners are the public sandbox partner (no PARTNERS_FILE, see
   * main.ts): a `G.00` then names what failed. Otherwise every `G.00` of an operation has
   * one message, so that partner ids cannot be probed.
   */
  sandbox: boolean;
  launchTokens: LaunchTokens;
  /** Fastify logger option; `false` for none. */
  logger: FastifyServerOptions["logger"];
  /** Current time, epoch milliseconds. Default `Date.now`. Also the clock of the freshness check. */
  now?: () => number;
  /** Largest distance of a request's `timestamp` from `now`, seconds (default 300; SIGNATURE_TOLERANCE_SECONDS). */
  signatureToleranceSeconds?: number;
  /** Prometheus registry served at `/metrics` (delivery/metrics.ts); no `/metrics` without it. */
  metrics?: Registry;
  /**
   * The outbox's counts for `/health` (outbox-stats.ts); default: read from the store at
   * every probe. main.ts shares one that reads at most once a second with `/metrics`.
   */
  outboxStats?: OutboxStats;
  /** Whether the instance should get traffic (health.ts); default: ready while nothing says otherwise. */
  readiness?: Readiness;
  /** Load shedding (src/http/load-shedding.ts); default: none (main.ts sets it from OVERLOAD_*). */
  overload?: Omit<LoadShedding, "exempt">;
  /** Most connections open at once (src/http/connection-limits.ts); default 4096. */
  maxConnections?: number;
  /**
   * Validate every response body against the spec before it is sent; a mismatch is a
   * server bug, answered 500 `G.01` (default false: the handlers' generated types keep
   * the bodies documented, and the tests validate every answer; docs/request-path.md).
   */
  validateResponses?: boolean;
  /**
   * Longest time to receive a whole request, milliseconds (default 10000). A client that
   * sends less than it announced is then answered 408 `G.07` and disconnected, instead
   * of holding the connection forever.
   */
  requestTimeoutMs?: number;
}

/**
 * Builds the server; call `listen` on it. Closing it does not close the store. Requests
 * that arrive while it closes are still served (no undocumented 503).
 */
export async function buildServer(dependencies: ServerDependencies): Promise<FastifyInstance> {
  const { serverOptions, inFlight } = contractServerOptions({
    side: "provider",
    logger: dependencies.logger,
    requestTimeoutMs: dependencies.requestTimeoutMs,
  });
  const app = Fastify(serverOptions);
  const overload = dependencies.overload && { ...dependencies.overload, exempt: HEALTH_PATHS };
  registerTransportAnswers(app, "provider", inFlight, { overload, maxConnections: dependencies.maxConnections });
  const now = dependencies.now ?? Date.now;

  await app.register(contractPlugin, {
    spec: dependencies.spec,
    side: "provider",
    handlers: providerHandlers,
    partners: dependencies.partners,
    sandbox: dependencies.sandbox,
    freshness: { now, toleranceSeconds: dependencies.signatureToleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS },
    context: (request, partner): ProviderContext => ({
      partner,
      store: dependencies.store,
      launchTokens: dependencies.launchTokens,
      now,
      log: request.log,
    }),
    validateResponses: dependencies.validateResponses ?? false,
  });

  await registerDocsRoutes(app, dependencies.docsDir, dependencies.spec);

  const outbox = dependencies.outboxStats ?? new OutboxStats(() => dependencies.store.callbackStats(), { refreshMs: 0 });
  registerHealth(app, { outbox, readiness: dependencies.readiness ?? new Readiness(now), now });

  const registry = dependencies.metrics;
  if (registry) app.get("/metrics", async (_request, reply) => reply.type(registry.contentType).send(await registry.metrics()));

  return app;
}

/** Where `npm run docs` puts the docs site, relative to the repository root. */
export const defaultDocsDir = (repoRoot: string) => join(repoRoot, "dist/docs");
