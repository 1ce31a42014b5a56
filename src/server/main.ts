/**
 * `npm start`: the reference game-session server, on SQLite (the default) or PostgreSQL,
 * as `DATABASE_URL` says; it applies the store's migrations first. With no configuration
 * it is a sandbox (partner `demo`, secret `sandbox-secret`, Kyren token `sandbox-token`)
 * and says so in its log. See config.ts for the variables. Any start-up failure is one
 * line on stderr, `session-api server did not start: …`, and exit status 1.
 *
 * Signals: SIGTERM and SIGINT stop it cleanly (shutdown.ts); SIGHUP re-reads the
 * PARTNERS_FILE (partners/source.ts). It runs as one process (`npm start` execs it), so
 * a signal to `npm start` reaches it.
 */
import type { FastifyBaseLogger } from "fastify";
import { ErrorLogThrottle } from "../shared/error-log-throttle.js";
import { loadBundledSpec, repoRoot } from "../spec-document.js";
import { databaseTarget } from "../store/database-url.js";
import { describeStoreError, openStore } from "../store/open-store.js";
import type { SessionStore } from "../store/session-store.js";
import { buildServer, defaultDocsDir } from "./app.js";
import { startBackgroundJobs } from "./background/jobs.js";
import { createJobMetrics } from "./background/metrics.js";
import { loadConfig, type ServerConfig } from "./config.js";
import { PROBE_DEADLINE_MS, withDeadline } from "./deadline.js";
import { startCallbackDelivery } from "./delivery/dispatcher.js";
import { createDeliveryMetrics } from "./delivery/metrics.js";
import { launchSecret } from "./launch-secret.js";
import { launchTokens } from "./launch-tokens.js";
import { startMetricsListener } from "./metrics-listener.js";
import { reloadPartners, startupPartners } from "../partners/source.js";
import { Readiness, startHeartbeat, watchWrites } from "./readiness.js";
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

async function main(): Promise<void> {
  const config = loadConfig();
  const { directory, sandbox, warnings } = startupPartners(
    config.partnersFile,
    "PARTNERS_FILE is not set: SANDBOX credentials are active (MEMB_ID=demo, secret sandbox-secret, Kyren secureLogin=demo, token sandbox-token). Never expose this server.",
  );
  let storeKind: "sqlite" | "postgres";
  try {
    storeKind = databaseTarget(config.databaseUrl).kind;
  } catch (error) {
    throw new Error(describeStoreError(config.databaseUrl, error));
  }
  const secret = launchSecret(config, storeKind, sandbox, warnings);
  let log: FastifyBaseLogger | undefined;
  const readiness = new Readiness();
  const store = watchWrites(await openMigratedStore(config, () => log), readiness);
  const metrics = createDeliveryMetrics(() => withDeadline(store.callbackStats(), PROBE_DEADLINE_MS, "the database"));
  const app = await buildServer({
    spec: loadBundledSpec(),
    docsDir: defaultDocsDir(repoRoot),
    store,
    partners: directory,
    sandbox,
    launchTokens: launchTokens(secret, config.gameBaseUrl),
    logger: { level: config.logLevel },
    signatureToleranceSeconds: config.signatureToleranceSeconds,
    readiness,
    overload: { maxEventLoopDelayMs: config.overloadEventLoopDelayMs, retryAfterSeconds: config.overloadRetryAfterSeconds },
    maxConnections: config.maxConnections,
    // Its labels name partner ids: on the API port only in the sandbox, whose partner is public.
    metrics: sandbox && config.metricsPort === undefined ? metrics.registry : undefined,
  });
  log = app.log;
  if (!sandbox && config.metricsPort === undefined) {
    app.log.info("/metrics is not served: set METRICS_PORT (and METRICS_HOST, default 127.0.0.1) to serve it on an internal listener; its labels name partner ids");
  }
  for (const warning of warnings) app.log.warn(warning);

  // Expiry and retention never wait on delivery: they are separate loops.
  const delivery = startCallbackDelivery({
    store,
    partners: directory,
    log: app.log,
    providerId: config.providerId,
    retrySchedule: config.callbackRetrySchedule,
    attemptTimeoutMs: config.callbackTimeoutMs,
    concurrency: config.callbackConcurrency,
    partnerConcurrency: config.callbackPartnerConcurrency,
    adaptiveConcurrency: config.callbackAdaptiveConcurrency,
    breakerThreshold: config.callbackBreakerThreshold,
    breakerCooldownMs: config.callbackBreakerCooldownSeconds * 1000,
    leaseMarginMs: config.callbackLeaseMarginSeconds * 1000,
    metrics,
  });
  const background = startBackgroundJobs({
    store,
    partners: directory,
    log: app.log,
    idleTimeoutMs: config.sessionIdleTimeoutSeconds * 1000,
    sweepIntervalMs: config.expirySweepSeconds * 1000,
    callbackRetentionMs: config.callbackRetentionDays * 86_400_000,
    sessionRetentionMs: config.sessionRetentionDays * 86_400_000,
    onQueued: delivery.wake,
    metrics: createJobMetrics(metrics.registry),
  });
  const heartbeat = startHeartbeat(store, readiness);
  app.addHook("onClose", async () => {
    await Promise.all([background.stop(), heartbeat.stop(), delivery.stop()]);
    await store.close();
  });
  if (config.metricsPort !== undefined) {
    const listener = await startMetricsListener(metrics.registry, config.metricsHost, config.metricsPort);
    app.addHook("onClose", () => listener.close());
    app.log.info(`metrics at ${listener.url}`);
  }

  await app.listen({ host: config.host, port: config.port });
  app.log.info(`docs at http://${config.host}:${(app.server.address() as { port: number }).port}/docs/`);
  installShutdown({ app, readiness, drainMs: config.shutdownDrainSeconds * 1000, timeoutMs: config.shutdownTimeoutSeconds * 1000 });
  process.on("SIGHUP", () => reloadPartners(config.partnersFile, directory, app.log));
}

main().catch((error: unknown) => {
  console.error(`session-api server did not start: ${(error as Error).message}`);
  process.exit(1);
});
