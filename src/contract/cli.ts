/**
 * `npm run contract` (bin `session-api-contract`): the contract tests of an
 * implementation of the session API, from outside, against the bundle. Configured by
 * environment variables only; `--help` lists them (`contractProgram` below), with the
 * exit statuses.
 *
 * Prints the seed first, a line per check at the end, every failure with a ready-to-run
 * reproduction (bash + curl + openssl; the signatures are recomputed from
 * $CONTRACT_SECRET, never printed), the rate of the generated requests, and writes
 * `report.html` and `junit.xml` to the report folder.
 */
import type { Command } from "commander";
import { commandLine, parseCommandLine, usageError, type CliOutput } from "../shared/command-line.js";
import { checkGroups, contractConfig } from "./config.js";
import { closeConnections } from "./http.js";
import { consoleLines, writeReports } from "./report/output.js";
import { runContract } from "./run.js";
import { resolveTarget } from "./target.js";

/** The command line: no arguments; `--help` prints the variables (README, "Contract tests") and the exit statuses. */
function contractProgram(output: CliOutput): Command {
  return commandLine("contract", output)
    .name("session-api-contract")
    .usage("    (npm run contract; takes no arguments: configure it with the CONTRACT_… variables below)")
    .description("Tests an implementation of the session API from outside, against the bundle.")
    .allowUnknownOption()
    .allowExcessArguments()
    .addHelpText(
      "after",
      `
Variables:
  CONTRACT_BASE_URL       the provider to test; unset: the reference server, started in-process
  CONTRACT_OPERATOR_URL   the operator receiver to test; unset: the example receiver, in-process
  CONTRACT_MEMBER_ID, CONTRACT_SECRET, CONTRACT_KYREN_TOKEN
                          the test partner (required with a remote target)
  CONTRACT_SEED           seed of the generated requests (default: random, printed)
  CONTRACT_CASES          generated requests per operation and check (default 100)
  CONTRACT_REPORT_DIR     where report.html and junit.xml go (default test-results/contract)
  CONTRACT_CHECKS         comma-separated checks (default all: ${checkGroups.join(", ")})
  CONTRACT_TOLERANCE_SECONDS  the targets' freshness tolerance (default 300)
Exit status: 0 every check passed; 1 one failed (a target that does not answer fails every check it is
sent); 2 a configuration error (a bad variable, a remote target without its credentials, an argument).`,
    );
}

/** Failure details printed to the console, characters; the HTML report has them all. */
const CONSOLE_DETAILS = 12_000;

/**
 * Runs the CLI with `env`, printing to `out` (stdout) and `err` (stderr). `--help` (or
 * `-h`) prints the usage and returns 0; any other argument prints it and returns 2.
 *
 * @param argv the arguments after the program name
 * @returns the exit status: 0 every check passed, 1 one failed, 2 a configuration error
 */
export async function runContractCli(
  env: NodeJS.ProcessEnv = process.env,
  out = (line: string) => console.log(line),
  err = (line: string) => console.error(line),
  argv: readonly string[] = [],
): Promise<number> {
  const program = contractProgram({ out, err });
  const status = parseCommandLine(program, argv);
  if (status !== undefined) return status;
  if (program.args.length > 0) {
    const argument = JSON.stringify(program.args[0]);
    return usageError(program, "contract", `unexpected argument ${argument}: configure it with CONTRACT_… variables`);
  }
  let config: ReturnType<typeof contractConfig>;
  let target: Awaited<ReturnType<typeof resolveTarget>>;
  try {
    config = contractConfig(env);
    target = await resolveTarget(env);
  } catch (error) {
    err(`contract: ${(error as Error).message}`);
    return 2;
  }
  try {
    out(
      `Contract tests: provider ${target.providerUrl} (${target.started.provider}), operator ${target.operatorUrl} (${target.started.operator})`,
    );
    out(`Seed ${config.seed} (CONTRACT_SEED=${config.seed} repeats this run), ${config.cases} generated requests per operation and check`);
    const result = await runContract({
      target,
      seed: config.seed,
      cases: config.cases,
      checks: config.checks,
      toleranceSeconds: config.toleranceSeconds,
    });
    for (const line of consoleLines(result.report, { suiteWidth: 28, detailsBudget: CONSOLE_DETAILS })) out(line);
    const { generated } = result;
    out(
      `Generated: ${generated.requests} requests (${generated.probes} cases) in ${generated.seconds.toFixed(1)} s: ${Math.round(generated.rate)} requests/s`,
    );
    if (result.failed) {
      const local = target.started.provider === "local" || target.started.operator === "local";
      const sandbox = local
        ? "; the local targets stopped with this run, so for them the scripts call npm start (BASE_URL) and npm run operator (OPERATOR_URL), whose sandbox partner has the secret and token of README.md"
        : "";
      out(
        `Reproduce: paste a failure's bash script with CONTRACT_SECRET (and, for Kyren, CONTRACT_KYREN_TOKEN) set${sandbox}; or run CONTRACT_SEED=${config.seed} CONTRACT_CASES=${config.cases} npm run contract`,
      );
    }
    const files = writeReports(result.report, config.reportDir);
    out(`Reports: ${files.html}, ${files.junit}`);
    out(result.failed ? "Contract tests FAILED" : "Contract tests passed");
    return result.failed ? 1 : 0;
  } finally {
    await target.close();
    closeConnections();
  }
}

if (import.meta.url === `file://${process.argv[1]}`)
  process.exitCode = await runContractCli(process.env, undefined, undefined, process.argv.slice(2));
