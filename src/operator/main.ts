/**
 * `npm run operator`: the example session expired receiver on HOST (127.0.0.1) and
 * PORT (3100). It trusts the partners of PARTNERS_FILE, or the sandbox partner `demo`
 * with secret `sandbox-secret`. Point a partner's `callbackUrl` at it to see callbacks.
 * SIGNATURE_TOLERANCE_SECONDS (default 300, 1 to 86400) is the freshness tolerance of
 * `timestamp`; LOG_LEVEL the pino level. A bad value stops start-up with one line naming
 * it. Nothing secret is logged (no HASH, no body hash). SIGHUP re-reads PARTNERS_FILE (a
 * partner's `secrets: [new, old]` while a secret is rotated); SIGTERM and SIGINT stop it
 * after the requests in progress. Under load it sheds requests with 503 `G.08`.
 */
import { loadBundledSpec } from "../spec-document.js";
import { reloadPartners, startupPartners } from "../partners/source.js";
import { DEFAULT_TOLERANCE_SECONDS } from "@luckymonaco/session-api-client";
import { buildOperatorReceiver } from "./receiver.js";

/** A whole number from the environment in [min, max], or the default. @throws Error naming the variable */
function wholeNumber(name: string, fallback: number, min: number, max: number): number {
  const text = process.env[name];
  if (text === undefined || text === "") return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`${name} must be a whole number from ${min} to ${max}, not ${text}`);
  return value;
}

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];

/** LOG_LEVEL, one of pino's levels (default info). @throws Error naming the variable */
function logLevel(): string {
  const level = process.env.LOG_LEVEL || "info";
  if (!LOG_LEVELS.includes(level)) throw new Error(`LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")}, not ${level}`);
  return level;
}

async function main(): Promise<void> {
  const port = wholeNumber("PORT", 3100, 0, 65535);
  const level = logLevel();
  const toleranceSeconds = wholeNumber("SIGNATURE_TOLERANCE_SECONDS", DEFAULT_TOLERANCE_SECONDS, 1, 86400);
  const spec = loadBundledSpec();
  const partnersFile = process.env.PARTNERS_FILE || undefined;
  const { directory, sandbox, warnings } = startupPartners(partnersFile, "PARTNERS_FILE is not set: trusting the SANDBOX partner demo (secret sandbox-secret).");
  const receiver = await buildOperatorReceiver({
    spec,
    partners: directory,
    sandbox,
    logger: { level },
    toleranceSeconds,
    protection: { overload: { maxEventLoopDelayMs: 1000, retryAfterSeconds: 2 } },
  });
  for (const warning of warnings) receiver.app.log.warn(warning);
  await receiver.app.listen({ host: process.env.HOST || "127.0.0.1", port });
  // A partner's new secret (`secrets: [new, old]` during a rotation) without a restart.
  process.on("SIGHUP", () => reloadPartners(partnersFile, directory, receiver.app.log));
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => void receiver.app.close().then(() => process.exit(0)));
}

main().catch((error: unknown) => {
  console.error(`operator receiver did not start: ${(error as Error).message}`);
  process.exit(1);
});
