/**
 * The command lines of the repository's CLIs, parsed by commander (its help is generated
 * from the options and arguments each CLI declares once), run inside a function that
 * returns an exit status, as the CLIs are tested: help and errors go to the given `out`
 * and `err` rather than straight to the process's streams, nothing exits the process, and
 * a usage error is exit status 2 (commander's own is 1), its message prefixed with the
 * CLI's name and followed by the help.
 */
import { Command, CommanderError } from "commander";

/** Where a CLI writes: `out` (stdout) and `err` (stderr), a line or a block of lines at a time. */
export interface CliOutput {
  out: (text: string) => void;
  err: (text: string) => void;
}

/** The width the help is wrapped to, characters (the output is not a terminal). */
const HELP_WIDTH = 100;

/**
 * A commander program for in-process use: `prefix` (e.g. `certify`) starts its error
 * messages, as in `certify: unknown option '--x'`; the help comes after each error.
 * Subcommands added later inherit the set-up.
 */
export function commandLine(prefix: string, output: CliOutput): Command {
  const write = (to: (text: string) => void) => (text: string) => to(text.replace(/\n$/, ""));
  return (
    new Command()
      .exitOverride()
      .showHelpAfterError()
      // The help's first line reads `usage: …`, as the CLIs' usage always did (the docs quote it).
      .configureHelp({ styleTitle: (title) => (title === "Usage:" ? "usage:" : title) })
      .configureOutput({
        writeOut: write(output.out),
        writeErr: write(output.err),
        outputError: (text, toErr) => toErr(text.replace(/^error: /, `${prefix}: `)),
        getOutHelpWidth: () => HELP_WIDTH,
        getErrHelpWidth: () => HELP_WIDTH,
        getOutHasColors: () => false,
        getErrHasColors: () => false,
      })
  );
}

/**
 * Parses `argv` (the arguments after the program's name) with `program`, running the
 * action of the subcommand it names, if any (synchronous actions only).
 *
 * @returns undefined when the CLI goes on; otherwise its exit status, the output already
 *   written: 0 after `--help`, 2 after a usage error
 * @throws what an action throws (not a usage error of commander's)
 */
export function parseCommandLine(program: Command, argv: readonly string[]): number | undefined {
  try {
    program.parse([...argv], { from: "user" });
    return undefined;
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    return error.code === "commander.helpDisplayed" || error.code === "commander.version" ? 0 : 2;
  }
}

/**
 * Reports a usage error found after parsing (a missing or contradictory option) the way
 * commander reports its own: `<prefix>: <message>` on `err`, then the help.
 *
 * @returns 2, the exit status of a usage error
 */
export function usageError(program: Command, prefix: string, message: string): 2 {
  try {
    program.error(`${prefix}: ${message}`, { exitCode: 2, code: "usage" });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
  }
  return 2;
}
