/**
 * `npm run -s pack:client`, `pack:certify`, `pack:sandbox`: builds one of the partners'
 * packages into `dist/packages/` and prints the tarball's absolute path as its last line
 * (what the docs build's `--packages` reads, src/codegen/downloads.ts). Install a tarball
 * with `npm install <file>.tgz`.
 *
 * Usage: `tsx src/packaging/main.ts client|certify|sandbox`. Exit status 1 with the failed
 * step's output when a build fails, 2 for another argument.
 */
import { certifyPackage, packBundled, sandboxPackage } from "./bundled.js";
import { packClient } from "./client.js";

const builds: Record<string, () => string | Promise<string>> = {
  client: packClient,
  certify: () => packBundled(certifyPackage),
  sandbox: () => packBundled(sandboxPackage),
};

const which = process.argv[2] ?? "";
const buildPackage = builds[which];
if (!buildPackage) {
  console.error(`usage: tsx src/packaging/main.ts ${Object.keys(builds).join("|")}`);
  process.exit(2);
}
try {
  console.log(await buildPackage());
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
