/**
 * `npm run -s pack:client`, `pack:certify`, `pack:sandbox`: builds one of the partners'
 * packages into `dist/packages/` and prints the tarball's absolute path as its last line
 * (what the docs build's `--packages` reads, src/codegen/downloads.ts). Install a tarball
 * with `npm install <file>.tgz`. Its argument and exit statuses: `--help`.
 */
import { Argument } from "commander";
import { commandLine, parseCommandLine } from "../shared/command-line.js";
import { certifyPackage, packBundled, sandboxPackage } from "./bundled.js";
import { packClient } from "./client.js";

const builds: Record<string, () => string | Promise<string>> = {
  client: packClient,
  certify: () => packBundled(certifyPackage),
  sandbox: () => packBundled(sandboxPackage),
};

const program = commandLine("pack", { out: (text) => console.log(text), err: (text) => console.error(text) })
  .name("tsx src/packaging/main.ts")
  .description("Builds one of the partners' packages into dist/packages/ and prints the tarball's path last.")
  .addArgument(new Argument("<package>", "the package to build").choices(Object.keys(builds)))
  .addHelpText("after", "\nExit status: 0 built; 1 a build step failed (its output is printed); 2 another argument.");

const status = parseCommandLine(program, process.argv.slice(2));
if (status !== undefined) process.exitCode = status;
else {
  try {
    console.log(await builds[program.args[0]!]!());
  } catch (error) {
    console.error((error as Error).message);
    process.exitCode = 1;
  }
}
