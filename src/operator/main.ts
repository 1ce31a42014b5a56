/**
 * `npm run operator`: the example session expired receiver on HOST (127.0.0.1) and
 * PORT (3100). It trusts the partners of PARTNERS_FILE, or the sandbox partner `demo`
 * with secret `sandbox-secret`. Point a partner's `callbackUrl` at it to see callbacks.
 * SIGNATURE_TOLERANCE_SECONDS (default 300) is the freshness tolerance of `timestamp`;
 * LOG_LEVEL the pino level. Nothing secret is logged (no HASH, no body hash).
 */
import { loadBundledSpec } from "../spec-document.js";
import { partnerDirectory } from "../partners/directory.js";
import { loadPartnersFile } from "../partners/partners-file.js";
import { sandboxPartner } from "../partners/sandbox.js";
import { timestampWarning } from "../partners/timestamp-warning.js";
import { buildOperatorReceiver } from "./receiver.js";

/** A positive whole number of seconds from the environment, or the default. @throws Error naming the variable */
function seconds(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === "") return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a whole number of seconds >= 1, not ${text}`);
  return value;
}

async function main(): Promise<void> {
  const spec = loadBundledSpec();
  const sandbox = !process.env.PARTNERS_FILE;
  const partners = sandbox ? [sandboxPartner] : loadPartnersFile(process.env.PARTNERS_FILE!);
  const receiver = await buildOperatorReceiver({
    spec,
    partners: partnerDirectory(partners),
    sandbox,
    logger: { level: process.env.LOG_LEVEL ?? "info" },
    toleranceSeconds: seconds("SIGNATURE_TOLERANCE_SECONDS", 300),
  });
  const warning = sandbox ? "PARTNERS_FILE is not set: trusting the SANDBOX partner demo (secret sandbox-secret)." : timestampWarning(partners);
  if (warning) receiver.app.log.warn(warning);
  await receiver.app.listen({ host: process.env.HOST ?? "127.0.0.1", port: Number(process.env.PORT ?? 3100) });
}

main().catch((error: unknown) => {
  console.error(`operator receiver did not start: ${(error as Error).message}`);
  process.exit(1);
});
