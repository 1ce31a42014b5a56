/**
 * `npm run -s sign -- <operationId> '<JSON body>'`: signs a request body the way the spec
 * prescribes (the current `timestamp` unless the body has one, the body `hash` where the
 * operation has one, then `HASH` over the exact bytes) and prints a ready-to-paste curl
 * command, or sends it with `--send`. The curl command (with `HASH`) goes to stdout, which
 * is the tool's result; stderr, its log, never shows the signed URL, the secret or a
 * body (which may hold a Kyren token).
 *
 *   --base-url URL    default $BASE_URL, else http://127.0.0.1:3000 (the sandbox of `npm start`);
 *                     for the operation operators implement (sessionExpired): $OPERATOR_URL,
 *                     else http://127.0.0.1:3100 (`npm run operator`)
 *   --member-id ID    MEMB_ID, default $MEMB_ID, else demo
 *   --secret SECRET   partner secret, default $SECRET, else sandbox-secret (the variable keeps
 *                     it out of the shell history)
 *   --send            send the request and print the status and the response body
 *   --help            print the usage and exit 0
 *
 * Exit status: 0 on success (with --send: a 2xx answer); 1 when --send got a non-2xx
 * answer or could not connect (the status and body are printed either way); 2 with a
 * message on bad arguments (unknown operation, body not a JSON object, nested values in
 * a body that carries `hash`). The printed command carries a `timestamp` of now, so it
 * is accepted for the receiver's tolerance (300 s by default); sign again after that.
 */
import { parseArgs } from "node:util";
import { operationsById, type OperationId } from "../../generated/operations.js";
import { signRequest, SigningError, type JsonObject } from "@luckymonaco/session-api-client";

const defaultBaseUrl = "http://127.0.0.1:3000";
const defaultOperatorUrl = "http://127.0.0.1:3100";

/** Where an operation is sent by default: the provider's server, or the operator's receiver (`x-implemented-by`). */
function defaultUrlOf(operationId: string): string {
  const operatorSide = operationsById[operationId as OperationId]?.implementedBy === "operator";
  return operatorSide ? process.env.OPERATOR_URL || defaultOperatorUrl : process.env.BASE_URL || defaultBaseUrl;
}

const usage = `usage: sign <operationId> '<JSON body without hash>' [--base-url URL] [--member-id ID] [--secret SECRET] [--send]
Signs the body as the spec prescribes and prints a curl command, or sends it (--send).
Adds "timestamp" (now, Unix seconds) unless the body has one: the command works for 5 minutes.
  --base-url URL    server to call (default: $BASE_URL, else ${defaultBaseUrl};
                    for sessionExpired, the operator's receiver: $OPERATOR_URL, else ${defaultOperatorUrl})
  --member-id ID    MEMB_ID (default: $MEMB_ID, else demo, the sandbox partner)
  --secret SECRET   partner secret (default: $SECRET, else sandbox-secret)
  --send            send it; print the status and the body; exit 1 unless the status is 2xx
  --help            print this help
operations: ${Object.keys(operationsById).join(", ")}`;

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
export function signedCall(operationId: string, fields: JsonObject, options: { baseUrl: string; memberId: string; secret: string; now?: () => number }): SignedCall {
  const operation = operationsById[operationId as OperationId];
  if (!operation) throw new Error(`unknown operation "${operationId}"`);
  if (operation.timestamp && fields.timestamp === undefined) fields = { ...fields, timestamp: Math.floor((options.now ?? Date.now)() / 1000) };
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

/**
 * Runs the CLI on `argv` (the arguments after the program name), printing to the
 * console (stdout: the command or the answer; stderr: problems).
 *
 * @returns the exit status (see the file comment)
 */
export async function runSignCli(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        "base-url": { type: "string" },
        "member-id": { type: "string", default: process.env.MEMB_ID || "demo" },
        secret: { type: "string", default: process.env.SECRET || "sandbox-secret" },
        send: { type: "boolean", default: false },
        help: { type: "boolean", default: false },
      },
    });
  } catch (error) {
    console.error(`${(error as Error).message}\n${usage}`);
    return 2;
  }
  if (parsed.values.help) {
    console.log(usage);
    return 0;
  }
  const [operationId, bodyText] = parsed.positionals;
  if (!operationId || bodyText === undefined || parsed.positionals.length > 2) {
    console.error(usage);
    return 2;
  }
  let call: SignedCall;
  try {
    const fields = JSON.parse(bodyText) as unknown;
    if (typeof fields !== "object" || fields === null || Array.isArray(fields)) throw new Error("the body must be a JSON object");
    call = signedCall(operationId, fields as JsonObject, { baseUrl: parsed.values["base-url"] ?? defaultUrlOf(operationId), memberId: parsed.values["member-id"]!, secret: parsed.values.secret! });
  } catch (error) {
    // A JSON syntax error quotes the body, which may hold a Kyren token: say only where.
    const position = error instanceof SyntaxError ? /at position (\d+)/.exec(error.message)?.[1] : undefined;
    const message =
      error instanceof SyntaxError ? `the body is not valid JSON${position ? ` (at position ${position})` : ""}` : error instanceof SigningError ? `cannot sign: ${error.message}` : (error as Error).message;
    console.error(`${message}\n${usage}`);
    return 2;
  }
  if (!parsed.values.send) {
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
