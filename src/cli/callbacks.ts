/**
 * `npm run -s callbacks -- <command>`: look at and re-queue the session expired callbacks
 * in the outbox (issue 9, "Operations you can see and fix") of the database that
 * `DATABASE_URL` names (default `./data/sessions.db`; SQLite or PostgreSQL, as the server).
 * It applies the store's migrations first, like the server.
 *
 *   list [--partner ID] [--state pending|failed|delivered] [--limit N]
 *       a table, oldest first: callback id, session, partner, state, attempts, next
 *       attempt (pending only), last error or status, created (UTC). --limit defaults to
 *       100 (at most 10000); the last line says how many were shown.
 *   redeliver <sessionId…>
 *       re-queues the callbacks of these sessions, whatever their state
 *   redeliver --partner ID --failed
 *       re-queues every failed callback (dead letter) of that partner
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
import { parseArgs } from "node:util";
import { defaultDatabaseUrl } from "../store/database-url.js";
import { describeStoreError, openStore } from "../store/open-store.js";
import { callbackStates, type CallbackState, type SessionStore, type StoredCallback } from "../store/session-store.js";

/** The CLI's usage text, printed by `--help` and with every argument error (exit status 2). */
export const usage = `usage: npm run -s callbacks -- list [--partner ID] [--state pending|failed|delivered] [--limit N]
       npm run -s callbacks -- redeliver <sessionId…>
       npm run -s callbacks -- redeliver --partner ID --failed
Looks at or re-queues the session expired callbacks of the database DATABASE_URL names
(default ./data/sessions.db). Re-queued callbacks are due at once, with attempts reset to 0
(the whole retry schedule again), and keep their callback id.`;

/** A bad command line: printed with the usage, exit status 2. */
export class UsageError extends Error {}

const options = {
  partner: { type: "string" },
  state: { type: "string" },
  limit: { type: "string" },
  failed: { type: "boolean", default: false },
  help: { type: "boolean", default: false },
} as const;

/** A parsed command line. */
export type CallbacksCommand =
  | { command: "help" }
  | { command: "list"; partnerId?: string; state?: CallbackState; limit: number }
  | { command: "redeliver"; sessionIds: string[] }
  | { command: "redeliver"; partnerId: string; failed: true };

/**
 * Parses the arguments after `npm run -s callbacks --`.
 *
 * @throws UsageError naming what is wrong (unknown command or flag, a bad state or limit,
 *   redeliver with both or neither of session ids and --partner … --failed)
 */
export function parseCallbacksCommand(args: string[]): CallbacksCommand {
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return { command: "help" };
  const [command, ...rest] = positionals;
  if (command === "list") {
    if (rest.length > 0) throw new UsageError(`list takes no arguments, only flags: ${rest.join(" ")}`);
    if (values.failed) throw new UsageError("--failed belongs to redeliver; list it with --state failed");
    if (values.state !== undefined && !callbackStates.includes(values.state as CallbackState)) throw new UsageError(`--state must be one of ${callbackStates.join(", ")}, not ${values.state}`);
    const limit = values.limit === undefined ? 100 : Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new UsageError(`--limit must be a whole number from 1 to 10000, not ${values.limit}`);
    return { command: "list", partnerId: values.partner, state: values.state as CallbackState | undefined, limit };
  }
  if (command === "redeliver") {
    if (values.state !== undefined || values.limit !== undefined) throw new UsageError("redeliver takes session ids, or --partner ID --failed");
    if (rest.length > 0) {
      if (values.partner !== undefined || values.failed) throw new UsageError("redeliver takes either session ids or --partner ID --failed, not both");
      return { command: "redeliver", sessionIds: rest };
    }
    if (values.partner !== undefined && values.failed) return { command: "redeliver", partnerId: values.partner, failed: true };
    throw new UsageError("redeliver needs session ids, or --partner ID --failed (it re-queues only failed callbacks by partner)");
  }
  throw new UsageError(command === undefined ? "a command is required: list or redeliver" : `unknown command ${command}: list or redeliver`);
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
    row.state === "delivered" ? `delivered ${utc(row.deliveredAt ?? row.updatedAt)}` : (row.lastError ?? (row.lastStatus === undefined ? "-" : `HTTP ${row.lastStatus}`)),
    utc(row.createdAt),
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...cells.map((line) => line[column]!.length)));
  return [header, ...cells].map((line) => line.map((cell, column) => (column === line.length - 1 ? cell : cell.padEnd(widths[column]!))).join("  ")).join("\n");
}

/**
 * Runs a parsed command on `store`; writes its output with `print`.
 *
 * @returns the exit status: 0, or 1 when sessions given to redeliver have no callback
 */
export async function runCallbacksCommand(command: CallbacksCommand, store: SessionStore, print: (line: string) => void, now: () => number = Date.now): Promise<number> {
  switch (command.command) {
    case "help":
      print(usage);
      return 0;
    case "list": {
      const rows = await store.listCallbacks(command);
      if (rows.length > 0) print(callbacksTable(rows));
      print(`${rows.length} callback${rows.length === 1 ? "" : "s"}${rows.length === command.limit ? ` (the first ${command.limit}; --limit shows more)` : ""}`);
      return 0;
    }
    case "redeliver": {
      const target = "sessionIds" in command ? { sessionIds: command.sessionIds } : { partnerId: command.partnerId, state: "failed" as const };
      const requeued = await store.redeliverCallbacks(target, now());
      print(`re-queued ${requeued.length} callback${requeued.length === 1 ? "" : "s"}${requeued.length > 0 ? `: ${requeued.join(" ")}` : ""}`);
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
    console.error(`${error.message}\n${usage}`);
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
