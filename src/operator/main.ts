/**
 * `npm run operator`: the example session expired receiver on HOST (127.0.0.1) and
 * PORT (3100). It trusts the partners of PARTNERS_FILE, or the sandbox partner `demo`
 * with secret `sandbox-secret`. Point a partner's `callbackUrl` at it to see callbacks.
 */
import { loadBundledSpec } from "../spec-document.js";
import { partnerDirectory } from "../partners/directory.js";
import { loadPartnersFile } from "../partners/partners-file.js";
import { sandboxPartner } from "../partners/sandbox.js";
import { buildOperatorReceiver } from "./receiver.js";

async function main(): Promise<void> {
  const spec = loadBundledSpec();
  const partners = partnerDirectory(process.env.PARTNERS_FILE ? loadPartnersFile(process.env.PARTNERS_FILE) : [sandboxPartner]);
  const receiver = await buildOperatorReceiver({ spec, partners, logger: { level: process.env.LOG_LEVEL ?? "info" } });
  receiver.app.addHook("onResponse", async (request, reply) => {
    if (reply.statusCode === 200) request.log.info({ received: receiver.received().at(-1) }, "session expired recorded");
  });
  await receiver.app.listen({ host: process.env.HOST ?? "127.0.0.1", port: Number(process.env.PORT ?? 3100) });
}

main().catch((error: unknown) => {
  console.error(`operator receiver did not start: ${(error as Error).message}`);
  process.exit(1);
});
