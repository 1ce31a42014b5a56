/**
 * `npm run operator`: the example session expired receiver on HOST (127.0.0.1) and
 * PORT (3100). It trusts the partners of PARTNERS_FILE, or the sandbox partner `demo`
 * with secret `sandbox-secret`. Point a partner's `callbackUrl` at it to see callbacks.
 * Its variables are defined in config.ts; a bad value stops start-up with one line
 * naming it. Nothing secret is logged (no HASH, no body hash). SIGHUP re-reads PARTNERS_FILE (a
 * partner's `secrets: [new, old]` while a secret is rotated); SIGTERM and SIGINT stop it
 * after the requests in progress. Under load it sheds requests with 503 `G.08`.
 */
import { loadBundledSpec } from "../shared/spec-document.js";
import { reloadPartners, startupPartners } from "../partners/source.js";
import { operatorConfig } from "./config.js";
import { buildOperatorReceiver } from "./receiver.js";

async function main(): Promise<void> {
  const { host, port, partnersFile, signatureToleranceSeconds, logLevel } = operatorConfig();
  const spec = loadBundledSpec();
  const sandboxWarning = "PARTNERS_FILE is not set: trusting the SANDBOX partner demo (secret sandbox-secret).";
  const { directory, sandbox, warnings } = startupPartners(partnersFile, sandboxWarning);
  const receiver = await buildOperatorReceiver({
    spec,
    partners: directory,
    sandbox,
    logger: { level: logLevel },
    toleranceSeconds: signatureToleranceSeconds,
    protection: { overload: { maxEventLoopDelayMs: 1000, retryAfterSeconds: 2 } },
  });
  for (const warning of warnings) receiver.app.log.warn(warning);
  await receiver.app.listen({ host, port });
  // A partner's new secret (`secrets: [new, old]` during a rotation) without a restart.
  process.on("SIGHUP", () => reloadPartners(partnersFile, directory, receiver.app.log));
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => void receiver.app.close().then(() => process.exit(0)));
}

main().catch((error: unknown) => {
  console.error(`operator receiver did not start: ${(error as Error).message}`);
  process.exit(1);
});
