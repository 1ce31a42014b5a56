/**
 * `npm run -s certify -- --url <operator base URL> --member-id <id>` (bin
 * `session-api-certify`): the go-live check of an operator's session expired receiver.
 * Plays Lucky Monaco against `POST {url}/V4/sessionexpired` (`--url` is the base, as the
 * partners file's `callbackUrl`) and reports pass or fail by category (`checks.ts`),
 * every request and answer in the reports. Its options and exit statuses: `--help`
 * (`certifyProgram` below).
 *
 * The console shows the hints first (the usual set-up mistakes the run points to; the
 * reports carry them too), a line per category, each failure with its exchange and a
 * warning per slow answer.
 */
import { resolve } from "node:path";
import type { Command } from "commander";
import { allOperations, closeConnections, consoleLines, writeReports } from "../contract/index.js";
import { commandLine, parseCommandLine, usageError, type CliOutput } from "../shared/command-line.js";
import { runCertification } from "./run.js";

/**
 * The path of an operator operation that `url` ends with (case-insensitively, trailing
 * slash ignored), or undefined: the full endpoint given where the base URL belongs.
 */
export function endpointPathOf(url: URL): string | undefined {
  const path = url.pathname.replace(/\/+$/, "").toLowerCase();
  return allOperations
    .filter((operation) => operation.implementedBy === "operator")
    .map((operation) => operation.path)
    .find((candidate) => path.endsWith(candidate.toLowerCase()));
}

/** The longest wait for an answer that `--timeout` accepts, seconds. */
const MAX_TIMEOUT_SECONDS = 600;

/** The command line: its options, their defaults and the exit statuses, which `--help` prints. */
function certifyProgram(output: CliOutput): Command {
  return commandLine("certify", output)
    .name("session-api-certify")
    .usage("--url <operator base URL> --member-id <MEMB_ID> [options]    (npm run -s certify -- …)")
    .description("Plays Lucky Monaco against POST <url>/V4/sessionexpired and reports pass or fail by category.")
    .option("--url <url>", "the operator's base URL, as the callbackUrl registered with Lucky Monaco (the kit appends /V4/sessionexpired)")
    .option("--member-id <id>", "your partner id (MEMB_ID)")
    .option("--secret <secret>", "your partner secret (default: $CERTIFY_SECRET, which keeps it out of the shell history)")
    .option("--report-dir <dir>", "where report.html and junit.xml go", "test-results/certify")
    .option("--timeout <seconds>", `wait this long for each answer, at most ${MAX_TIMEOUT_SECONDS} (default: 5, as Lucky Monaco does)`)
    .addHelpText(
      "after",
      "\nExit status 0: every mandatory check passed (warnings are listed, not counted); 1: a check failed; 2: bad arguments.",
    );
}

/** The options as parsed. */
interface CertifyOptions {
  url?: string;
  memberId?: string;
  secret?: string;
  reportDir: string;
  timeout?: string;
}

/**
 * The `--url` to certify, or the message that refuses it: an http(s) URL that is not
 * already the full endpoint (the base URL to use instead is named).
 */
function baseUrlOf(text: string): URL | string {
  let url: URL;
  try {
    url = new URL(text);
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error("not http(s)");
  } catch {
    return `--url must be an http(s) URL, not ${JSON.stringify(text)}`;
  }
  const endpoint = endpointPathOf(url);
  if (!endpoint) return url;
  const path = url.pathname.replace(/\/+$/, "");
  const base = `${url.origin}${path.slice(0, path.length - endpoint.length)}`;
  return (
    `--url is the base URL registered as the callbackUrl, and the kit appends ${endpoint}; ${url.href} already ends with it. ` +
    `Run it with --url ${base} (and register that base URL with Lucky Monaco).`
  );
}

/**
 * Runs the CLI on `argv` (the arguments after the program name), printing to `out`
 * (stdout) and `err` (stderr).
 *
 * @returns the exit status: 0 when every mandatory check passed (warnings allowed), 1 when
 *   one failed, 2 for bad arguments (`--help` prints them)
 */
export async function runCertifyCli(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
  out = (line: string) => console.log(line),
  err = (line: string) => console.error(line),
): Promise<number> {
  const program = certifyProgram({ out, err });
  const status = parseCommandLine(program, argv);
  if (status !== undefined) return status;
  const options = program.opts<CertifyOptions>();
  const secret = options.secret ?? env.CERTIFY_SECRET;
  const missing = [!options.url && "--url", !options.memberId && "--member-id", !secret && "--secret (or CERTIFY_SECRET)"].filter(Boolean);
  if (missing.length) return usageError(program, "certify", `${missing.join(", ")} required`);
  const url = baseUrlOf(options.url!);
  if (typeof url === "string") {
    err(`certify: ${url}`);
    return 2;
  }
  const timeout = options.timeout === undefined ? 5 : Number(options.timeout);
  if (!(timeout > 0 && timeout <= MAX_TIMEOUT_SECONDS)) {
    err(`certify: --timeout must be a number of seconds above 0, at most ${MAX_TIMEOUT_SECONDS}, not ${JSON.stringify(options.timeout)}`);
    return 2;
  }
  out(`Certifying ${url.href.replace(/\/+$/, "")}/V4/sessionexpired as partner ${options.memberId}`);
  try {
    const credentials = { memberId: options.memberId!, secret: secret!, kyrenToken: "" };
    const result = await runCertification({ url: url.href, credentials, timeoutMs: timeout * 1000 });
    for (const hint of result.report.hints ?? []) out(`! ${hint}`);
    for (const line of consoleLines(result.report, { suiteWidth: 20 })) out(line);
    const files = writeReports(result.report, resolve(options.reportDir));
    out(`Reports (every request and answer): ${files.html}, ${files.junit}`);
    out(result.failed ? "NOT CERTIFIED: fix the failed checks and run again" : "CERTIFIED: every mandatory check passed");
    return result.failed ? 1 : 0;
  } finally {
    closeConnections();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = await runCertifyCli(process.argv.slice(2));
