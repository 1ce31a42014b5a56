/**
 * `npm start`: the reference game-session server, on SQLite (the default) or PostgreSQL,
 * as `DATABASE_URL` says; it applies the store's migrations first. With no configuration
 * it is a sandbox (partner `demo`, secret `sandbox-secret`, Kyren token `sandbox-token`)
 * and says so in its log. See config.ts for the variables. Any start-up failure is one
 * line on stderr, `session-api server did not start: …`, and exit status 1.
 */
import { randomBytes } from "node:crypto";
import { existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { FastifyInstance } from "fastify";
import { loadBundledSpec, repoRoot } from "../spec-document.js";
import { partnerDirectory } from "../partners/directory.js";
import { databaseTarget } from "../store/database-url.js";
import { describeStoreError, openStore } from "../store/open-store.js";
import { buildServer, defaultDocsDir } from "./app.js";
import { defaultLaunchTokenSecretFile, loadConfig, type ServerConfig } from "./config.js";
import { launchTokens } from "./launch-tokens.js";
import { loadPartnersFile } from "../partners/partners-file.js";
import { sandboxPartner } from "../partners/sandbox.js";
import { startCallbackDelivery } from "./delivery/dispatcher.js";
import { createDeliveryMetrics } from "./delivery/metrics.js";
import { startBackgroundJobs } from "./background/jobs.js";
import { createJobMetrics } from "./background/metrics.js";
import { timestampWarning } from "../partners/timestamp-warning.js";
import { PROBE_DEADLINE_MS, withDeadline } from "./deadline.js";
import { startMetricsListener } from "./metrics-listener.js";

/**
 * Reads the secret file, creating it first with a random secret if it is missing. Two
 * instances that start together agree: the file appears whole or not at all (link of a
 * complete temporary file), and the loser reads the winner's.
 *
 * @throws Error naming LAUNCH_TOKEN_SECRET_FILE when the file cannot be created or read,
 *   or holds fewer than 32 characters
 */
function readOrCreateSecretFile(file: string): Buffer {
  let secret: string;
  try {
    if (!existsSync(file)) {
      mkdirSync(dirname(file), { recursive: true });
      const temporary = `${file}.${process.pid}.tmp`;
      writeFileSync(temporary, randomBytes(32).toString("hex"), { mode: 0o600 });
      try {
        linkSync(temporary, file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      } finally {
        unlinkSync(temporary);
      }
    }
    secret = readFileSync(file, "utf8").trim();
  } catch (error) {
    throw new Error(`LAUNCH_TOKEN_SECRET_FILE ${file}: ${(error as Error).message}`);
  }
  if (secret.length < 32) throw new Error(`LAUNCH_TOKEN_SECRET_FILE ${file} holds fewer than 32 characters`);
  return Buffer.from(secret, "utf8");
}

/**
 * LAUNCH_TOKEN_SECRET, or the secret of LAUNCH_TOKEN_SECRET_FILE (see config.ts); on
 * PostgreSQL the file only when set explicitly, since all instances must share the secret.
 *
 * @throws Error on PostgreSQL with neither variable set, or when the file is unusable
 */
function launchSecret(config: ServerConfig, storeKind: "sqlite" | "postgres", sandbox: boolean, warnings: string[]): Buffer {
  if (config.launchTokenSecret) return Buffer.from(config.launchTokenSecret, "utf8");
  if (storeKind === "postgres" && !config.launchTokenSecretFile) {
    throw new Error(
      "LAUNCH_TOKEN_SECRET is required with a PostgreSQL DATABASE_URL: every instance must key launch tokens with the same secret (or set LAUNCH_TOKEN_SECRET_FILE to a file that all instances share)",
    );
  }
  const file = resolve(config.launchTokenSecretFile ?? defaultLaunchTokenSecretFile);
  const secret = readOrCreateSecretFile(file);
  // In the sandbox its own warning says the server is not for production; one line is enough.
  if (!sandbox) warnings.push(`LAUNCH_TOKEN_SECRET is not set: launch tokens are keyed with ${file}; set it in production`);
  return secret;
}

async function main(): Promise<void> {
  const config = loadConfig();
  const warnings: string[] = [];
  const sandbox = !config.partnersFile;
  const partners = config.partnersFile ? loadPartnersFile(config.partnersFile) : [sandboxPartner];
  if (sandbox) {
    warnings.push("PARTNERS_FILE is not set: SANDBOX credentials are active (MEMB_ID=demo, secret sandbox-secret, Kyren secureLogin=demo, token sandbox-token). Never expose this server.");
  } else {
    const warning = timestampWarning(partners);
    if (warning) warnings.push(warning);
  }
  const docsDir = defaultDocsDir(repoRoot);
  const spec = loadBundledSpec();

  let storeKind: "sqlite" | "postgres";
  try {
    storeKind = databaseTarget(config.databaseUrl).kind;
  } catch (error) {
    throw new Error(describeStoreError(config.databaseUrl, error));
  }
  const secret = launchSecret(config, storeKind, sandbox, warnings);

  let logger: FastifyInstance["log"] | undefined;
  const store = await openStore(config.databaseUrl, {
    sqlite: { synchronous: config.sqliteSynchronous },
    postgres: { poolSize: config.databasePoolSize },
    // A dropped idle connection or a failed background checkpoint: logged, never fatal.
    onBackgroundError: (error) => {
      const line = describeStoreError(config.databaseUrl, error);
      if (logger) logger.warn(line);
      else console.warn(line);
    },
  });
  try {
    await store.migrate();
  } catch (error) {
    await store.close().catch(() => undefined);
    throw new Error(`${describeStoreError(config.databaseUrl, error)} (migration failed)`);
  }
  const directory = partnerDirectory(partners);
  const metrics = createDeliveryMetrics(() => withDeadline(store.callbackStats(), PROBE_DEADLINE_MS, "the database"));
  const app = await buildServer({
    spec,
    docsDir,
    store,
    partners: directory,
    sandbox,
    launchTokens: launchTokens(secret, config.gameBaseUrl),
    logger: { level: config.logLevel },
    signatureToleranceSeconds: config.signatureToleranceSeconds,
    // Its labels name partner ids: on the API port only in the sandbox, whose partner is public.
    metrics: sandbox && config.metricsPort === undefined ? metrics.registry : undefined,
  });
  logger = app.log;
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
  app.addHook("onClose", async () => {
    await background.stop();
    await delivery.stop();
    await store.close();
  });

  if (config.metricsPort !== undefined) {
    const listener = await startMetricsListener(metrics.registry, config.metricsHost, config.metricsPort);
    app.addHook("onClose", () => listener.close());
    app.log.info(`metrics at ${listener.url}`);
  }
  await app.listen({ host: config.host, port: config.port });
  app.log.info(`docs at http://${config.host}:${app.server.address() && (app.server.address() as { port: number }).port}/docs/`);
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      app.log.info(`${signal}: shutting down`);
      void app.close().then(() => process.exit(0));
    });
  }
}

main().catch((error: unknown) => {
  console.error(`session-api server did not start: ${(error as Error).message}`);
  process.exit(1);
});
