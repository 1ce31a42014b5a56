/**
 * `npm run breaking`: the breaking-change gate (`gate.ts`).
 *
 *   npm run -s breaking [-- --baseline FILE | --releases DIR] [--current FILE]
 *
 * Compares `--current` (default `generated/openapi.json`, the bundle of `openapi/`) with
 * `--baseline` (default the newest file of `--releases`, `openapi/releases/`), prints every change and
 * the verdict. Exit status: 0 when it passes, 1 on a breaking change within the released
 * major version, 2 when it cannot compare (a missing or unreadable bundle, no release yet,
 * a version that is not `MAJOR.MINOR.PATCH` or went down, a bad option).
 */
import { parseArgs } from "node:util";
import { bundledSpecFile, repoRoot } from "../shared/spec-document.js";
import { checkContracts } from "./gate.js";
import { newestRelease, readContract, releasesDir } from "./releases.js";
import { renderReport } from "./report.js";

const USAGE = `Usage: npm run -s breaking [-- --baseline FILE | --releases DIR] [--current FILE]
  --baseline FILE  the released contract (default: the newest release in --releases)
  --releases DIR   where the releases are (default: openapi/releases/)
  --current FILE   the bundle to check (default: generated/openapi.json)
Exit status: 0 pass, 1 breaking change without a new major version, 2 cannot compare.`;

/** Where the CLI writes: its report (`out`) and its errors (`err`). */
export interface Output {
  out(text: string): void;
  err(text: string): void;
}

const processOutput: Output = { out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text) };

/**
 * Runs the gate as the CLI does.
 *
 * @param argv the options (`--baseline FILE`, `--releases DIR`, `--current FILE`, `--help`)
 * @returns the exit status: 0 pass, 1 breaking change within the released major version, 2 cannot compare
 */
export async function runGate(argv: string[], output: Output = processOutput): Promise<number> {
  let values: { baseline?: string; releases?: string; current?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        baseline: { type: "string" },
        releases: { type: "string" },
        current: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    output.err(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    output.out(`${USAGE}\n`);
    return 0;
  }
  try {
    const releases = values.releases ?? releasesDir;
    const baseline = values.baseline ? readContract(values.baseline) : newestRelease(releases);
    if (!baseline) throw new Error(`no released contract in ${releases}: cut the first one with \`npm run release\``);
    const current = readContract(values.current ?? bundledSpecFile);
    const { changes, verdict } = await checkContracts(baseline, current);
    output.out(renderReport(baseline, current, changes, verdict, repoRoot));
    return verdict.pass ? 0 : 1;
  } catch (error) {
    output.err(`breaking-change gate: ${(error as Error).message}\n`);
    return 2;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = await runGate(process.argv.slice(2));
