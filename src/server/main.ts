/**
 * `npm start`: the reference game-session server on embedded SQLite. With no
 * configuration it is a sandbox (partner `demo`, secret `sandbox-secret`, Kyren token
 * `sandbox-token`) and says so in its log. See config.ts for the variables.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { loadBundledSpec, repoRoot } from "../spec-document.js";
import { partnerDirectory } from "../partners/directory.js";
import { openSqliteStore } from "../store/sqlite-store.js";
import { buildServer, defaultDocsDir } from "./app.js";
import { loadConfig, type ServerConfig } from "./config.js";
import { launchTokens } from "./launch-tokens.js";
import { loadPartnersFile } from "../partners/partners-file.js";
import { sandboxPartner } from "../partners/sandbox.js";
import { startSessionExpiry } from "./session-expiry.js";
import { timestampWarning } from "../partners/timestamp-warning.js";

/** LAUNCH_TOKEN_SECRET, or in a sandbox a random secret kept in a file beside the database. */
function launchSecret(config: ServerConfig, warnings: string[]): Buffer {
  if (config.launchTokenSecret) return Buffer.from(config.launchTokenSecret, "utf8");
  if (config.databaseUrl === ":memory:") return randomBytes(32);
  const file = join(dirname(resolve(config.databaseUrl.replace(/^file:/, ""))), "launch-token.secret");
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, randomBytes(32).toString("hex"), { mode: 0o600 });
  }
  warnings.push(`LAUNCH_TOKEN_SECRET is not set: launch tokens are keyed with ${file}; set it in production`);
  return Buffer.from(readFileSync(file, "utf8").trim(), "utf8");
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

  const store = await openSqliteStore({ location: config.databaseUrl, synchronous: config.sqliteSynchronous }).catch((error: Error) => {
    throw new Error(`DATABASE_URL ${config.databaseUrl}: ${error.message}`);
  });
  await store.migrate();
  const directory = partnerDirectory(partners);
  const app = await buildServer({
    spec,
    docsDir,
    store,
    partners: directory,
    sandbox,
    launchTokens: launchTokens(launchSecret(config, warnings), config.gameBaseUrl),
    logger: { level: config.logLevel },
    signatureToleranceSeconds: config.signatureToleranceSeconds,
  });
  for (const warning of warnings) app.log.warn(warning);

  const expiry = startSessionExpiry({
    store,
    partners: directory,
    log: app.log,
    providerId: config.providerId,
    idleTimeoutMs: config.sessionIdleTimeoutSeconds * 1000,
    sweepIntervalMs: config.expirySweepSeconds * 1000,
  });
  app.addHook("onClose", async () => {
    await expiry.stop();
    await store.close();
  });

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
