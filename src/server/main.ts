/**
 * `npm start`: the reference game-session server, on SQLite (the default) or PostgreSQL,
 * as `DATABASE_URL` says; it applies the store's migrations first. With no configuration
 * it is a sandbox (partner `demo`, secret `sandbox-secret`, Kyren token `sandbox-token`)
 * and says so in its log. See config.ts for the variables (the table: docs/operations.md). Any start-up failure is one
 * line on stderr, `session-api server did not start: …`, and exit status 1.
 *
 * Signals: SIGTERM and SIGINT stop it cleanly (shutdown.ts); SIGHUP re-reads the
 * PARTNERS_FILE (partners/source.ts). It runs as one process (`npm start` execs it), so
 * a signal to `npm start` reaches it.
 */
import type { FastifyBaseLogger, FastifyInstance } from "fastify";
import { ErrorLogThrottle } from "../shared/error-log-throttle.js";
import { loadBundledSpec, repoRoot } from "../shared/spec-document.js";
import { databaseTarget } from "../store/database-url.js";
import { describeStoreError, openStore } from "../store/open-store.js";
import type { SessionStore } from "../store/session-store.js";
import { buildServer, defaultDocsDir } from "./app.js";
import { startBackgroundJobs } from "./background/jobs.js";
import { createJobMetrics } from "./background/metrics.js";
import { loadConfig, type ServerConfig } from "./config.js";
import { OutboxStats } from "./outbox-stats.js";
import { startCallbackDelivery } from "./delivery/dispatcher.js";
import { createDeliveryMetrics, type DeliveryMetrics } from "./delivery/metrics.js";
import { launchSecret } from "./launch-secret.js";
import { launchTokens } from "./launch-tokens.js";
import { startMetricsListener } from "./metrics-listener.js";
import { reloadPartners, type StartupPartners, startupPartners } from "../partners/source.js";
import { Readiness, startHeartbeat, watchWrites } from "./readiness.js";
import { WarmUp } from "./warm-up.js";
import { installShutdown } from "./shutdown.js";

/**
 * Opens and migrates the store of `DATABASE_URL`. Its background errors (a dropped idle
 * connection, a failed checkpoint) go to `log()` once it exists, throttled like every
 * other error, and are never fatal.
 *
 * @throws Error `DATABASE_URL <masked>: <problem>` when it cannot be opened or migrated
 */
async function openMigratedStore(config: ServerConfig, log: () => FastifyBaseLogger | undefined): Promise<SessionStore> {
  const throttle = new ErrorLogThrottle();
  const store = await openStore(config.databaseUrl, {
    sqlite: { synchronous: config.sqliteSynchronous },
    postgres: { poolSize: config.databasePoolSize },
    onBackgroundError: (error) => {
      const line = describeStoreError(config.databaseUrl, error);
      const logger = log();
      if (logger) throttle.error(logger, {}, new Error(line), "database background error");
      else console.warn(line);
    },
  });
  try {
    await store.migrate();
  } catch (error) {
    await store.close().catch(() => undefined);
    throw new Error(`${describeStoreError(config.databaseUrl, error)} (migration failed)`);
  }
  return store;
}

/** Logged at start without a PARTNERS_FILE. */
const SANDBOX_WARNING =
  "PARTNERS_FILE is not set: SANDBOX credentials are active (MEMB_ID=demo, secret sandbox-secret, " +
  "Kyren secureLogin=demo, token sandbox-token). Never expose this server.";

/** Logged at start with a partners file and no METRICS_PORT. */
const METRICS_HIDDEN =
  "/metrics is not served: set METRICS_PORT (and METRICS_HOST, default 127.0.0.1) to serve it on an internal listener; " +
  "its labels name partner ids";

/** What start-up has built so far, handed from step to step. */
interface Startup {
  config: ServerConfig;
  /** PARTNERS_FILE or the sandbox partner, reloadable. */
  partners: StartupPartners;
  launchSecret: Buffer;
  store: SessionStore;
  readiness: Readiness;
  metrics: DeliveryMetrics;
  /** The outbox's counts, shared by `/health` and the outbox gauges. */
  outboxStats: OutboxStats;
}

/**
 * The partners (PARTNERS_FILE or the sandbox) and the launch-token secret, which depends
 * on the kind of store (launch-secret.ts); decided before anything opens.
 *
 * @throws Error naming PARTNERS_FILE, DATABASE_URL or LAUNCH_TOKEN_SECRET when one is unusable
 */
function loadIdentity(config: ServerConfig): Pick<Startup, "partners" | "launchSecret"> {
  const partners = startupPartners(config.partnersFile, SANDBOX_WARNING, config.sandboxCallbackUrl);
  let storeKind: "sqlite" | "postgres";
  try {
    storeKind = databaseTarget(config.databaseUrl).kind;
  } catch (error) {
    throw new Error(describeStoreError(config.databaseUrl, error));
  }
  return { partners, launchSecret: launchSecret(config, storeKind, partners.sandbox, partners.warnings) };
}

/** The Fastify app over the store, with `/metrics` on the API port only in the sandbox (its labels name partner ids). */
async function buildApp({
  config,
  partners,
  launchSecret: secret,
  store,
  readiness,
  metrics,
  outboxStats,
}: Startup): Promise<FastifyInstance> {
  const app = await buildServer({
    spec: loadBundledSpec(),
    docsDir: defaultDocsDir(repoRoot),
    store,
    partners: partners.directory,
    sandbox: partners.sandbox,
    launchTokens: launchTokens(secret, config.gameBaseUrl),
    logger: { level: config.logLevel },
    signatureToleranceSeconds: config.signatureToleranceSeconds,
    readiness,
    outboxStats,
    overload: { maxEventLoopDelayMs: config.overloadEventLoopDelayMs, retryAfterSeconds: config.overloadRetryAfterSeconds },
    maxConnections: config.maxConnections,
    validateResponses: config.validateResponses,
    metrics: partners.sandbox && config.metricsPort === undefined ? metrics.registry : undefined,
  });
  if (!partners.sandbox && config.metricsPort === undefined) app.log.info(METRICS_HIDDEN);
  for (const warning of partners.warnings) app.log.warn(warning);
  return app;
}

/**
 * Starts the callback delivery, the background jobs and the readiness heartbeat, stopped
 * (then the store closed) when the app closes. Expiry and retention never wait on
 * delivery: they are separate loops. Both ease in over the warm-up (warm-up.ts).
 */
function startBackgroundWork(app: FastifyInstance, { config, partners, store, readiness, metrics }: Startup): void {
  const warmUp = new WarmUp({ durationMs: config.backgroundWarmUpSeconds * 1000 });
  const delivery = startCallbackDelivery({
    store,
    partners: partners.directory,
    log: app.log,
    providerId: config.providerId,
    retrySchedule: config.callbackRetrySchedule,
    attemptTimeoutMs: config.callbackTimeoutMs,
    concurrency: config.callbackConcurrency,
    maxPerSecond: config.callbackMaxPerSecond,
    warmUp,
    partnerConcurrency: config.callbackPartnerConcurrency,
    adaptiveConcurrency: config.callbackAdaptiveConcurrency,
    breakerThreshold: config.callbackBreakerThreshold,
    breakerCooldownMs: config.callbackBreakerCooldownSeconds * 1000,
    leaseMarginMs: config.callbackLeaseMarginSeconds * 1000,
    metrics,
  });
  const background = startBackgroundJobs({
    store,
    partners: partners.directory,
    log: app.log,
    idleTimeoutMs: config.sessionIdleTimeoutSeconds * 1000,
    sweepIntervalMs: config.expirySweepSeconds * 1000,
    callbackRetentionMs: config.callbackRetentionDays * 86_400_000,
    sessionRetentionMs: config.sessionRetentionDays * 86_400_000,
    onQueued: delivery.wake,
    warmUp,
    metrics: createJobMetrics(metrics.registry),
  });
  const heartbeat = startHeartbeat(store, readiness);
  app.addHook("onClose", async () => {
    await Promise.all([background.stop(), heartbeat.stop(), delivery.stop()]);
    await store.close();
  });
}

/** The internal `/metrics` listener on METRICS_HOST:METRICS_PORT, when METRICS_PORT is set; closed with the app. */
async function startInternalMetrics(app: FastifyInstance, { config, metrics }: Startup): Promise<void> {
  if (config.metricsPort === undefined) return;
  const listener = await startMetricsListener(metrics.registry, config.metricsHost, config.metricsPort);
  app.addHook("onClose", () => listener.close());
  app.log.info(`metrics at ${listener.url}`);
}

/** Listens on HOST:PORT, then handles SIGTERM and SIGINT (shutdown.ts) and SIGHUP (re-reads PARTNERS_FILE). */
async function serve(app: FastifyInstance, { config, readiness, partners }: Startup): Promise<void> {
  await app.listen({ host: config.host, port: config.port });
  app.log.info(`docs at http://${config.host}:${(app.server.address() as { port: number }).port}/docs/`);
  installShutdown({ app, readiness, drainMs: config.shutdownDrainSeconds * 1000, timeoutMs: config.shutdownTimeoutSeconds * 1000 });
  process.on("SIGHUP", () => reloadPartners(config.partnersFile, partners.directory, app.log));
}

/** Start-up, step by step: configuration, partners and secret, store, app, background work, metrics, listening. */
async function main(): Promise<void> {
  const config = loadConfig();
  const identity = loadIdentity(config);
  let log: FastifyBaseLogger | undefined;
  const readiness = new Readiness();
  const store = watchWrites(await openMigratedStore(config, () => log), readiness);
  // /health and the outbox gauges read the counts at most once a second, however often they are polled.
  const outboxStats = new OutboxStats(() => store.callbackStats());
  const metrics = createDeliveryMetrics(() => outboxStats.get());
  const startup: Startup = { config, ...identity, store, readiness, metrics, outboxStats };
  const app = await buildApp(startup);
  log = app.log;
  startBackgroundWork(app, startup);
  await startInternalMetrics(app, startup);
  await serve(app, startup);
}

main().catch((error: unknown) => {
  console.error(`session-api server did not start: ${(error as Error).message}`);
  process.exit(1);
});
