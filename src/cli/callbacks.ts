/**
 * `npm run -s callbacks -- <command>`: look at and re-queue the session expired callbacks
 * in the outbox ("Operations you can see and fix") of the database that `DATABASE_URL`
 * names (default `./data/sessions.db`; SQLite or PostgreSQL, as the server). It applies
 * the store's migrations first, like the server. Its commands (`list`, `redeliver`) and
 * their options: `--help` (`callbacksProgram` below).
 *
 * Re-queued means: state pending, next attempt now, `attempts` reset to 0 so that the
 * callback gets the whole retry schedule again; its callback id and creation time stay
 * (receivers dedupe on the id), and so do its last error and status until the next
 * attempt. A running server sends them within its poll interval (250 ms).
 *
 * Exit status: 0 on success; 1 when the database cannot be used, or a session given to
 * `redeliver` has no callback (the others are re-queued and listed); 2 with the usage on
 * bad arguments. Prints no secret: the database password is masked.
 */
import type { Command } from "commander";
import { commandLine, parseCommandLine, type CliOutput } from "../shared/command-line.js";
import { defaultDatabaseUrl } from "../store/database-url.js";
import { describeStoreError, openStore } from "../store/open-store.js";
import { callbackStates, type CallbackState, type SessionStore, type StoredCallback } from "../store/session-store.js";

/** A bad command line: printed with the usage, exit status 2. */
export class UsageError extends Error {}

/** A parsed command line. */
export type CallbacksCommand =
  | { command: "help"; text: string }
  | { command: "list"; partnerId?: string; state?: CallbackState; limit: number }
  | { command: "redeliver"; sessionIds: string[] }
  | { command: "redeliver"; partnerId: string; failed: true };

/** The options of `list`, as parsed. */
interface ListOptions {
  partner?: string;
  state?: string;
  limit?: string;
}

/** `list`'s options checked. @throws UsageError for a state that is not one, or a limit outside 1–10000 */
function listCommand(options: ListOptions): CallbacksCommand {
  if (options.state !== undefined && !callbackStates.includes(options.state as CallbackState)) {
    throw new UsageError(`--state must be one of ${callbackStates.join(", ")}, not ${options.state}`);
  }
  const limit = options.limit === undefined ? 100 : Number(options.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) {
    throw new UsageError(`--limit must be a whole number from 1 to 10000, not ${options.limit}`);
  }
  return { command: "list", partnerId: options.partner, state: options.state as CallbackState | undefined, limit };
}

/** `redeliver`'s arguments checked. @throws UsageError for both or neither of session ids and --partner … --failed */
function redeliverCommand(sessionIds: string[], options: { partner?: string; failed?: boolean }): CallbacksCommand {
  if (sessionIds.length > 0) {
    if (options.partner !== undefined || options.failed) {
      throw new UsageError("redeliver takes either session ids or --partner ID --failed, not both");
    }
    return { command: "redeliver", sessionIds };
  }
  if (options.partner !== undefined && options.failed) return { command: "redeliver", partnerId: options.partner, failed: true };
  throw new UsageError("redeliver needs session ids, or --partner ID --failed (it re-queues only failed callbacks by partner)");
}

/** The command line: the commands, their arguments and options, which `--help` prints; `parsed` receives the command. */
function callbacksProgram(output: CliOutput, parsed: (command: CallbacksCommand) => void): Command {
  const program = commandLine("callbacks", output)
    .name("callbacks")
    .usage("<list|redeliver> [options]    (npm run -s callbacks -- …)")
    .description("Looks at or re-queues the session expired callbacks of the database DATABASE_URL names (default ./data/sessions.db).")
    .argument("[command]")
    .helpCommand(false)
    .addHelpText("after", "\nEach command's options: npm run -s callbacks -- <command> --help")
    .action((command?: string) => {
      throw new UsageError(
        command === undefined ? "a command is required: list or redeliver" : `unknown command ${command}: list or redeliver`,
      );
    });
  program
    .command("list")
    .summary("the callbacks as a table, oldest first")
    .description(
      "Lists the callbacks as a table, oldest first: callback id, session, partner, state, attempts, " +
        "next attempt (pending only), last error or status, created (UTC).",
    )
    .option("--partner <id>", "only this partner's callbacks")
    .option("--state <state>", `only callbacks in this state: ${callbackStates.join(", ")}`)
    .option("--limit <n>", "at most this many, 1 to 10000 (default: 100); the last line says how many were shown")
    .action((options: ListOptions) => parsed(listCommand(options)));
  program
    .command("redeliver")
    .usage("<sessionId…> | --partner <id> --failed")
    .summary("re-queues callbacks: of sessions, or a partner's failed ones")
    .description("Re-queues the callbacks of these sessions, whatever their state; or every failed callback (dead letter) of a partner.")
    .argument("[sessionIds...]", "the sessions whose callbacks to re-queue")
    .option("--partner <id>", "with --failed: the partner whose failed callbacks to re-queue")
    .option("--failed", "re-queue the partner's failed callbacks")
    .action((sessionIds: string[], options: { partner?: string; failed?: boolean }) => parsed(redeliverCommand(sessionIds, options)))
    .addHelpText(
      "after",
      "\nRe-queued callbacks are due at once, with attempts reset to 0 (the whole retry schedule again), and keep their callback id.",
    );
  return program;
}

/**
 * Parses the arguments after `npm run -s callbacks --`.
 *
 * @returns the command; `help` carries the text `--help` asked for (of the program, or of one command)
 * @throws UsageError naming what is wrong (unknown command or option, a bad state or limit,
 *   redeliver with both or neither of session ids and --partner … --failed)
 */
export function parseCallbacksCommand(args: string[]): CallbacksCommand {
  const out: string[] = [];
  const err: string[] = [];
  let command: CallbacksCommand | undefined;
  const status = parseCommandLine(
    callbacksProgram({ out: (text) => out.push(text), err: (text) => err.push(text) }, (parsed) => (command = parsed)),
    args,
  );
  if (status === 0) return { command: "help", text: out.join("\n") };
  if (status !== undefined || !command) throw new UsageError(err[0]?.replace(/^callbacks: /, "") ?? "bad arguments");
  return command;
}

/** The usage, printed with every usage error. */
export function callbacksUsage(): string {
  return callbacksProgram({ out: () => {}, err: () => {} }, () => {}).helpInformation();
}

const utc = (epochMs: number) => new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, "Z");

/** The list as a text table with a header; the columns are padded to their widest cell. */
export function callbacksTable(rows: StoredCallback[]): string {
  const header = ["CALLBACK ID", "SESSION", "PARTNER", "STATE", "ATTEMPTS", "NEXT ATTEMPT", "LAST ERROR / STATUS", "CREATED"];
  const cells = rows.map((row) => [
    row.callbackId,
    row.sessionId,
    row.partnerId,
    row.state,
    String(row.attempts),
    row.state === "pending" ? utc(row.nextAttemptAt) : "-",
    row.state === "delivered"
      ? `delivered ${utc(row.deliveredAt ?? row.updatedAt)}`
      : (row.lastError ?? (row.lastStatus === undefined ? "-" : `HTTP ${row.lastStatus}`)),
    utc(row.createdAt),
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...cells.map((line) => line[column]!.length)));
  return [header, ...cells]
    .map((line) => line.map((cell, column) => (column === line.length - 1 ? cell : cell.padEnd(widths[column]!))).join("  "))
    .join("\n");
}

/**
 * Runs a parsed command on `store`; writes its output with `print`.
 *
 * @returns the exit status: 0, or 1 when sessions given to redeliver have no callback
 */
export async function runCallbacksCommand(
  command: CallbacksCommand,
  store: SessionStore,
  print: (line: string) => void,
  now: () => number = Date.now,
): Promise<number> {
  switch (command.command) {
    case "help":
      print(command.text);
      return 0;
    case "list": {
      const rows = await store.listCallbacks(command);
      if (rows.length > 0) print(callbacksTable(rows));
      print(
        `${rows.length} callback${rows.length === 1 ? "" : "s"}${rows.length === command.limit ? ` (the first ${command.limit}; --limit shows more)` : ""}`,
      );
      return 0;
    }
    case "redeliver": {
      const target =
        "sessionIds" in command ? { sessionIds: command.sessionIds } : { partnerId: command.partnerId, state: "failed" as const };
      const requeued = await store.redeliverCallbacks(target, now());
      print(
        `re-queued ${requeued.length} callback${requeued.length === 1 ? "" : "s"}${requeued.length > 0 ? `: ${requeued.join(" ")}` : ""}`,
      );
      if (!("sessionIds" in command)) return 0;
      const missing = command.sessionIds.filter((sessionId) => !requeued.includes(sessionId));
      if (missing.length > 0) print(`no callback for session ${missing.join(" ")}`);
      return missing.length > 0 ? 1 : 0;
    }
  }
}

async function main(): Promise<number> {
  let command: CallbacksCommand;
  try {
    command = parseCallbacksCommand(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\n\n${callbacksUsage()}`);
    return 2;
  }
  if (command.command === "help") return runCallbacksCommand(command, undefined as never, console.log);
  const databaseUrl = process.env.DATABASE_URL || defaultDatabaseUrl;
  const store = await openStore(databaseUrl);
  try {
    await store.migrate();
    return await runCallbacksCommand(command, store, (line) => console.log(line));
  } catch (error) {
    throw new Error(describeStoreError(databaseUrl, error));
  } finally {
    await store.close();
  }
}

// Run only as the command, not when a test imports the functions above.
if (import.meta.url === `file://${process.argv[1]}`) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`callbacks failed: ${(error as Error).message}`);
      process.exit(1);
    },
  );
}
