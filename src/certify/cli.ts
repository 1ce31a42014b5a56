/**
 * `npm run -s certify -- --url <operator base URL> --member-id <id> --secret <secret>`
 * (bin `session-api-certify`): the go-live check of an operator's session expired
 * receiver. Plays Lucky Monaco against `POST {url}/V4/sessionexpired` (`--url` is the
 * base, as the partners file's `callbackUrl`) and reports pass or fail by category
 * (`checks.ts`), every request and answer in the reports.
 *
 *   --url URL           the operator's base URL (required): the callbackUrl registered with
 *                       Lucky Monaco, to which the operation's path is appended; a URL that
 *                       already ends with that path is refused (exit 2) with the base URL to use
 *   --member-id ID      the partner's MEMB_ID (required)
 *   --secret SECRET     the partner secret; default $CERTIFY_SECRET (better: it keeps the
 *                       secret out of the shell history and the process list)
 *   --report-dir DIR    where report.html and junit.xml go (default test-results/certify, in the
 *                       working directory)
 *   --timeout SECONDS   how long to wait for each answer (default 5: Lucky Monaco's own)
 *   --help              print the usage and exit 0
 *
 * The console shows the hints first (the usual set-up mistakes the run points to; the
 * reports carry them too), a line per category, each failure with its exchange and a
 * warning per slow answer. Exit status: 0 when every mandatory check passed (warnings allowed);
 * 1 when one failed; 2 for bad arguments.
 */
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { closeConnections } from "../contract/http.js";
import { writeHtml } from "../contract/report/html.js";
import { writeJunit } from "../contract/report/junit.js";
import { bySuite, countOutcomes } from "../contract/report/model.js";
import { allOperations } from "../contract/bundle.js";
import { runCertification } from "./run.js";

/**
 * The path of an operator operation that `url` ends with (case-insensitively, trailing
 * slash ignored), or undefined: the full endpoint given where the base URL belongs.
 */
export function endpointPathOf(url: URL): string | undefined {
  const path = url.pathname.replace(/\/+$/, "").toLowerCase();
  return allOperations.filter((operation) => operation.implementedBy === "operator").map((operation) => operation.path).find((candidate) => path.endsWith(candidate.toLowerCase()));
}

const usage = `usage: certify --url <operator base URL> --member-id <MEMB_ID> [--secret <secret>] [--report-dir DIR] [--timeout SECONDS]
Plays Lucky Monaco against POST <url>/V4/sessionexpired and reports pass or fail by category.
  --url URL           the operator's base URL, as the callbackUrl registered with Lucky Monaco
                      (the kit appends /V4/sessionexpired: not the full endpoint)
  --member-id ID      your partner id (MEMB_ID)
  --secret SECRET     your partner secret (default: $CERTIFY_SECRET)
  --report-dir DIR    report.html and junit.xml (default: test-results/certify)
  --timeout SECONDS   wait this long for each answer, at most 600 (default: 5, as Lucky Monaco does)
Exit status 0: every mandatory check passed (warnings are listed, not counted); 1: a check failed; 2: bad arguments.`;

/**
 * Runs the CLI on `argv` (the arguments after the program name).
 *
 * @returns the exit status (see the file comment)
 */
export async function runCertifyCli(argv: string[], env: NodeJS.ProcessEnv = process.env, out = (line: string) => console.log(line), err = (line: string) => console.error(line)): Promise<number> {
  let values;
  try {
    values = parseArgs({
      args: argv,
      options: { url: { type: "string" }, "member-id": { type: "string" }, secret: { type: "string" }, "report-dir": { type: "string" }, timeout: { type: "string" }, help: { type: "boolean" } },
    }).values;
  } catch (error) {
    err(`certify: ${(error as Error).message}\n${usage}`);
    return 2;
  }
  if (values.help) {
    out(usage);
    return 0;
  }
  const secret = values.secret ?? env.CERTIFY_SECRET;
  const missing = [!values.url && "--url", !values["member-id"] && "--member-id", !secret && "--secret (or CERTIFY_SECRET)"].filter(Boolean);
  if (missing.length) {
    err(`certify: ${missing.join(", ")} required\n${usage}`);
    return 2;
  }
  let url: URL;
  try {
    url = new URL(values.url!);
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error("not http(s)");
  } catch {
    err(`certify: --url must be an http(s) URL, not ${JSON.stringify(values.url)}`);
    return 2;
  }
  const endpoint = endpointPathOf(url);
  if (endpoint) {
    const path = url.pathname.replace(/\/+$/, "");
    const base = `${url.origin}${path.slice(0, path.length - endpoint.length)}`;
    err(`certify: --url is the base URL registered as the callbackUrl, and the kit appends ${endpoint}; ${url.href} already ends with it. Run it with --url ${base} (and register that base URL with Lucky Monaco).`);
    return 2;
  }
  const timeout = values.timeout === undefined ? 5 : Number(values.timeout);
  if (!(timeout > 0 && timeout <= 600)) {
    err(`certify: --timeout must be a number of seconds above 0, at most 600, not ${JSON.stringify(values.timeout)}`);
    return 2;
  }
  out(`Certifying ${url.href.replace(/\/+$/, "")}/V4/sessionexpired as partner ${values["member-id"]}`);
  try {
    const result = await runCertification({ url: url.href, credentials: { memberId: values["member-id"]!, secret: secret!, kyrenToken: "" }, timeoutMs: timeout * 1000 });
    for (const hint of result.report.hints ?? []) out(`! ${hint}`);
    for (const [category, cases] of bySuite(result.report.cases)) {
      const counts = countOutcomes(cases);
      out(`${counts.failed ? "✗" : "✓"} ${category.padEnd(20)} ${counts.passed + counts.warning} passed${counts.failed ? `, ${counts.failed} FAILED` : ""}${counts.warning ? `, ${counts.warning} warnings` : ""}`);
      for (const entry of cases.filter((candidate) => candidate.outcome === "failed" || candidate.outcome === "warning")) {
        out(`    ${entry.outcome === "failed" ? "✗" : "!"} ${entry.name}: ${entry.message}`);
        if (entry.outcome === "failed" && entry.details) out(entry.details.replace(/^/gm, "      "));
      }
    }
    const dir = resolve(values["report-dir"] ?? "test-results/certify");
    writeHtml(result.report, join(dir, "report.html"));
    writeJunit(result.report, join(dir, "junit.xml"));
    out(`Reports (every request and answer): ${join(dir, "report.html")}, ${join(dir, "junit.xml")}`);
    out(result.failed ? "NOT CERTIFIED: fix the failed checks and run again" : "CERTIFIED: every mandatory check passed");
    return result.failed ? 1 : 0;
  } finally {
    closeConnections();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = await runCertifyCli(process.argv.slice(2));
