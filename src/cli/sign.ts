/**
 * `npm run -s sign -- <operationId> '<JSON body>'`: signs a request body the way the spec
 * prescribes (the current `timestamp` unless the body has one, the body `hash` where the
 * operation has one, then `HASH` over the exact bytes) and prints a ready-to-paste curl
 * command, or sends it with `--send`. The curl command (with `HASH`) goes to stdout, which
 * is the tool's result; stderr, its log, never shows the signed URL, the secret or a
 * body (which may hold a Kyren token). Its options, defaults and exit statuses:
 * `--help` (`signProgram` below).
 *
 * The printed command carries a `timestamp` of now, so it is accepted for the receiver's
 * tolerance (300 s by default); sign again after that.
 */
import type { Command } from "commander";
import { operationsById, type OperationId } from "../../generated/operations.js";
import { signRequest, SigningError, type JsonObject } from "@luckymonaco/session-api-client";
import { commandLine, parseCommandLine, usageError, type CliOutput } from "../shared/command-line.js";

const defaultBaseUrl = "http://127.0.0.1:3000";
const defaultOperatorUrl = "http://127.0.0.1:3100";

/** Where an operation is sent by default: the provider's server, or the operator's receiver (`x-implemented-by`). */
function defaultUrlOf(operationId: string): string {
  const operatorSide = operationsById[operationId as OperationId]?.implementedBy === "operator";
  return operatorSide ? process.env.OPERATOR_URL || defaultOperatorUrl : process.env.BASE_URL || defaultBaseUrl;
}

/** The command line: its arguments and options, their defaults and the exit statuses, which `--help` prints. */
function signProgram(output: CliOutput): Command {
  return commandLine("sign", output)
    .name("sign")
    .usage("<operationId> '<JSON body without hash>' [options]    (npm run -s sign -- …; bin session-api-sign)")
    .description(
      "Signs the body as the spec prescribes and prints a curl command, or sends it (--send).\n" +
        'Adds "timestamp" (now, Unix seconds) unless the body has one: the command works for 5 minutes.',
    )
    .argument("<operationId>", `the operation: ${Object.keys(operationsById).join(", ")}`)
    .argument("<body>", "the request body, a JSON object (without hash: it is added where the operation has one)")
    .option(
      "--base-url <url>",
      `server to call (default: $BASE_URL, else ${defaultBaseUrl}; for sessionExpired, the operator's receiver: ` +
        `$OPERATOR_URL, else ${defaultOperatorUrl})`,
    )
    .option("--member-id <id>", "MEMB_ID (default: $MEMB_ID, else demo, the sandbox partner)")
    .option("--secret <secret>", "partner secret (default: $SECRET, else sandbox-secret; the variable keeps it out of the shell history)")
    .option("--send", "send it; print the status and the body; exit 1 unless the status is 2xx")
    .addHelpText(
      "after",
      "\nExit status: 0 on success (with --send: a 2xx answer); 1 when --send got another answer or could not connect;\n" +
        "2 on bad arguments (unknown operation, a body that is not a JSON object, nested values in a body that carries hash).",
    );
}

/** A signed request ready to send. */
export interface SignedCall {
  url: string;
  rawBody: string;
}

/**
 * Builds the signed call of `operationId` with `fields`, adding `timestamp` (from `now`,
 * epoch milliseconds; default `Date.now`) where the operation takes one and `fields` has none.
 *
 * @throws Error for an unknown operation; SigningError for a body that cannot be signed
 */
export function signedCall(
  operationId: string,
  fields: JsonObject,
  options: { baseUrl: string; memberId: string; secret: string; now?: () => number },
): SignedCall {
  const operation = operationsById[operationId as OperationId];
  if (!operation) throw new Error(`unknown operation "${operationId}"`);
  if (operation.timestamp && fields.timestamp === undefined)
    fields = { ...fields, timestamp: Math.floor((options.now ?? Date.now)() / 1000) };
  const url = new URL(`${options.baseUrl.replace(/\/+$/, "")}${operation.path}`);
  if (!operation.signedWithHash) return { url: url.href, rawBody: JSON.stringify(fields) };
  const signed = signRequest(fields, options.secret, operation.bodyHash);
  url.searchParams.set("MEMB_ID", options.memberId);
  url.searchParams.set("HASH", signed.HASH);
  return { url: url.href, rawBody: signed.rawBody };
}

/** Quotes a string for a POSIX shell. */
function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** The options as parsed. */
interface SignOptions {
  baseUrl?: string;
  memberId?: string;
  secret?: string;
  send?: boolean;
}

/**
 * Runs the CLI on `argv` (the arguments after the program name), printing to the
 * console (stdout: the command or the answer; stderr: problems).
 *
 * @returns the exit status (`--help` lists them)
 */
export async function runSignCli(argv: string[]): Promise<number> {
  const program = signProgram({ out: (text) => console.log(text), err: (text) => console.error(text) });
  const status = parseCommandLine(program, argv);
  if (status !== undefined) return status;
  const [operationId, bodyText] = program.args as [string, string];
  const options = program.opts<SignOptions>();
  let call: SignedCall;
  try {
    const fields = JSON.parse(bodyText) as unknown;
    if (typeof fields !== "object" || fields === null || Array.isArray(fields)) throw new Error("the body must be a JSON object");
    const memberId = options.memberId ?? (process.env.MEMB_ID || "demo");
    const secret = options.secret ?? (process.env.SECRET || "sandbox-secret");
    call = signedCall(operationId, fields as JsonObject, { baseUrl: options.baseUrl ?? defaultUrlOf(operationId), memberId, secret });
  } catch (error) {
    // A JSON syntax error quotes the body, which may hold a Kyren token: say only where.
    const position = error instanceof SyntaxError ? /at position (\d+)/.exec(error.message)?.[1] : undefined;
    const message =
      error instanceof SyntaxError
        ? `the body is not valid JSON${position ? ` (at position ${position})` : ""}`
        : error instanceof SigningError
          ? `cannot sign: ${error.message}`
          : (error as Error).message;
    return usageError(program, "sign", message);
  }
  if (!options.send) {
    console.log(`curl -sS -X POST ${shellQuote(call.url)} -H 'Content-Type: application/json' --data-binary ${shellQuote(call.rawBody)}`);
    return 0;
  }
  try {
    const response = await fetch(call.url, { method: "POST", headers: { "content-type": "application/json" }, body: call.rawBody });
    console.log(`HTTP ${response.status}\n${await response.text()}`);
    return response.ok ? 0 : 1;
  } catch (error) {
    // Not the signed URL: its query holds HASH.
    const { origin, pathname } = new URL(call.url);
    console.error(`could not reach ${origin}${pathname}: ${(error as Error).cause ?? (error as Error).message}`);
    return 1;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = await runSignCli(process.argv.slice(2));
