/**
 * `npm run contract` (bin `session-api-contract`): the contract tests of an
 * implementation of the session API, from outside, against the bundle.
 *
 * Targets (`target.ts`): without CONTRACT_BASE_URL / CONTRACT_OPERATOR_URL the reference
 * server and the example receiver are started in this process; otherwise the given URLs
 * are tested with CONTRACT_MEMBER_ID, CONTRACT_SECRET and CONTRACT_KYREN_TOKEN. The run
 * (`config.ts`): CONTRACT_SEED, CONTRACT_CASES, CONTRACT_REPORT_DIR, CONTRACT_CHECKS.
 *
 * Prints the seed first, a line per check at the end, every failure with a ready-to-run
 * reproduction (bash + curl + openssl; the signatures are recomputed from
 * $CONTRACT_SECRET, never printed), the rate of the generated requests, and writes
 * `report.html` and `junit.xml` to the report folder.
 *
 * Exit status: 0 when every check passed; 1 when one failed (a target that does not
 * answer fails every check it is sent); 2 for a configuration error (a bad variable, a
 * remote target without its credentials).
 */
import { join } from "node:path";
import { checkGroups, contractConfig } from "./config.js";
import { closeConnections } from "./http.js";
import { bySuite, countOutcomes } from "./report/model.js";
import { writeHtml } from "./report/html.js";
import { writeJunit } from "./report/junit.js";
import { runContract } from "./run.js";
import { resolveTarget } from "./target.js";

/** What `--help` prints: the CLI is configured by environment variables only (README, "Contract tests"). */
export const usage = `usage: [CONTRACT_… variables] npm run contract    (bin: session-api-contract)
Tests an implementation of the session API from outside, against the bundle; takes no arguments.
  CONTRACT_BASE_URL       the provider to test; unset: the reference server, started in-process
  CONTRACT_OPERATOR_URL   the operator receiver to test; unset: the example receiver, in-process
  CONTRACT_MEMBER_ID, CONTRACT_SECRET, CONTRACT_KYREN_TOKEN
                          the test partner (required with a remote target)
  CONTRACT_SEED           seed of the generated requests (default: random, printed)
  CONTRACT_CASES          generated requests per operation and check (default 100)
  CONTRACT_REPORT_DIR     where report.html and junit.xml go (default test-results/contract)
  CONTRACT_CHECKS         comma-separated checks (default all: ${checkGroups.join(", ")})
  CONTRACT_TOLERANCE_SECONDS  the targets' freshness tolerance (default 300)
Exit status: 0 every check passed, 1 one failed, 2 a configuration error.`;

/** Failure details printed to the console, characters; the HTML report has them all. */
const CONSOLE_DETAILS = 12_000;

/**
 * Runs the CLI with `env`, printing to `out` (stdout) and `err` (stderr). `--help` (or
 * `-h`) prints the usage and returns 0; any other argument prints it and returns 2.
 *
 * @param argv the arguments after the program name
 * @returns the exit status (see the file comment)
 */
export async function runContractCli(
  env: NodeJS.ProcessEnv = process.env,
  out = (line: string) => console.log(line),
  err = (line: string) => console.error(line),
  argv: readonly string[] = [],
): Promise<number> {
  if (argv.length === 1 && (argv[0] === "--help" || argv[0] === "-h")) {
    out(usage);
    return 0;
  }
  if (argv.length > 0) {
    err(`contract: unexpected argument ${JSON.stringify(argv[0])}: configure it with CONTRACT_… variables\n${usage}`);
    return 2;
  }
  let config;
  let target;
  try {
    config = contractConfig(env);
    target = await resolveTarget(env);
  } catch (error) {
    err(`contract: ${(error as Error).message}`);
    return 2;
  }
  try {
    out(`Contract tests: provider ${target.providerUrl} (${target.started.provider}), operator ${target.operatorUrl} (${target.started.operator})`);
    out(`Seed ${config.seed} (CONTRACT_SEED=${config.seed} repeats this run), ${config.cases} generated requests per operation and check`);
    const result = await runContract({ target, seed: config.seed, cases: config.cases, checks: config.checks, toleranceSeconds: config.toleranceSeconds });
    let budget = CONSOLE_DETAILS;
    for (const [suite, cases] of bySuite(result.report.cases)) {
      const counts = countOutcomes(cases);
      out(`${counts.failed ? "✗" : "✓"} ${suite.padEnd(28)} ${counts.passed} passed${counts.failed ? `, ${counts.failed} FAILED` : ""}${counts.skipped ? `, ${counts.skipped} skipped` : ""}`);
      for (const failure of cases.filter((entry) => entry.outcome === "failed")) {
        out(`    ✗ ${failure.name}: ${failure.message}`);
        if (failure.details && budget > 0) {
          out(failure.details.slice(0, budget).replace(/^/gm, "      "));
          budget -= failure.details.length;
        }
      }
    }
    const { generated } = result;
    out(`Generated: ${generated.requests} requests (${generated.probes} cases) in ${generated.seconds.toFixed(1)} s: ${Math.round(generated.rate)} requests/s`);
    if (result.failed) {
      const local = target.started.provider === "local" || target.started.operator === "local";
      const sandbox = local ? "; the local targets stopped with this run, so for them the scripts call npm start (BASE_URL) and npm run operator (OPERATOR_URL), whose sandbox partner has the secret and token of README.md" : "";
      out(`Reproduce: paste a failure's bash script with CONTRACT_SECRET (and, for Kyren, CONTRACT_KYREN_TOKEN) set${sandbox}; or run CONTRACT_SEED=${config.seed} CONTRACT_CASES=${config.cases} npm run contract`);
    }
    const html = join(config.reportDir, "report.html");
    const junit = join(config.reportDir, "junit.xml");
    writeHtml(result.report, html);
    writeJunit(result.report, junit);
    out(`Reports: ${html}, ${junit}`);
    out(result.failed ? "Contract tests FAILED" : "Contract tests passed");
    return result.failed ? 1 : 0;
  } finally {
    await target.close();
    closeConnections();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = await runContractCli(process.env, undefined, undefined, process.argv.slice(2));
