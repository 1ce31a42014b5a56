/**
 * `npm run mock`: the onboarding mock of the session API on `HOST:PORT` (default
 * 127.0.0.1:4010): Prism 5.14.2 on the committed bundle, behind the front of `front.ts`,
 * which checks what a mock can and answers in the catalog's envelopes. Prism runs as a
 * child process on a loopback port the OS picks; the mock listens once Prism answers, and
 * stops it when it stops (SIGINT, SIGTERM) or fails. Its options (`MOCK_PORT` and
 * `MOCK_HOST` too): `--help` (`mockProgram` below).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { join } from "node:path";
import type { Command } from "commander";
import { commandLine, parseCommandLine, type CliOutput } from "../shared/command-line.js";
import { bundledSpecFile, loadBundledSpec, repoRoot } from "../shared/spec-document.js";
import { createMockFront } from "./front.js";

/** The command line: its options and their defaults, which `--help` prints. */
function mockProgram(output: CliOutput): Command {
  return commandLine("mock", output)
    .name("npm run mock --")
    .description("The onboarding mock of the session API: Prism on the bundle, behind a front that answers in the catalog's envelopes.")
    .option("--port <port>", "the port to listen on, 0 to 65535 (default: $MOCK_PORT, else 4010; 0: one the OS picks)")
    .option("--host <host>", "the address to listen on (default: $MOCK_HOST, else 127.0.0.1)")
    .addHelpText(
      "after",
      "\nThe options win over the variables. Exit status: 0 when stopped (SIGINT, SIGTERM); 1 when it cannot start or Prism stops; " +
        "2 bad arguments.",
    );
}

/** The address of parsed options, then `MOCK_PORT` / `MOCK_HOST`. @throws Error for a port that is not 0–65535 */
function addressOf(options: { port?: string; host?: string }, env: NodeJS.ProcessEnv): { host: string; port: number } {
  const text = options.port ?? env.MOCK_PORT ?? "4010";
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535)
    throw new Error(`the mock's port must be a number from 0 to 65535, not ${text} (--port or MOCK_PORT)`);
  return { host: options.host ?? env.MOCK_HOST ?? "127.0.0.1", port };
}

/**
 * Where the mock listens, from the arguments and then `MOCK_PORT` / `MOCK_HOST`.
 *
 * @throws Error for a port that is not 0–65535, or bad arguments
 */
export function mockAddress(args: string[], env: NodeJS.ProcessEnv = process.env): { host: string; port: number } {
  const errors: string[] = [];
  const program = mockProgram({ out: () => {}, err: (text) => errors.push(text) });
  if (parseCommandLine(program, args) !== undefined) throw new Error(errors[0] ?? "bad arguments");
  return addressOf(program.opts(), env);
}

/** A free loopback port for Prism. */
async function freeLoopbackPort(): Promise<number> {
  const probe = createServer().listen(0, "127.0.0.1");
  await once(probe, "listening");
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/**
 * Starts Prism on the bundle and waits until it answers.
 *
 * @throws Error with Prism's output when it exits first or is not ready within 30 s
 */
async function startPrism(port: number): Promise<ChildProcess> {
  const prism = spawn(join(repoRoot, "node_modules/.bin/prism"), ["mock", "--host", "127.0.0.1", "--port", String(port), bundledSpecFile], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  prism.stdout!.on("data", (chunk) => (output += chunk));
  prism.stderr!.on("data", (chunk) => (output += chunk));
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (prism.exitCode !== null || prism.signalCode !== null) throw new Error(`Prism exited before it was ready:\n${output}`);
    try {
      await fetch(`http://127.0.0.1:${port}/`);
      prism.stdout!.resume();
      prism.stderr!.resume();
      return prism;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
  }
  prism.kill("SIGKILL");
  throw new Error(`Prism was not ready on port ${port} within 30 s:\n${output}`);
}

async function main(): Promise<void> {
  const program = mockProgram({ out: (text) => console.log(text), err: (text) => console.error(text) });
  const status = parseCommandLine(program, process.argv.slice(2));
  if (status !== undefined) {
    process.exitCode = status;
    return;
  }
  const { host, port } = addressOf(program.opts(), process.env);
  const prismPort = await freeLoopbackPort();
  const prism = await startPrism(prismPort);
  const front = createMockFront({ spec: loadBundledSpec(), upstream: `http://127.0.0.1:${prismPort}` });
  let stopping = false;
  const stop = (code: number) => {
    if (stopping) return;
    stopping = true;
    prism.kill("SIGTERM");
    front.close();
    process.exitCode = code;
    setTimeout(() => process.exit(code), 2000).unref();
  };
  prism.once("exit", (code, signal) => {
    console.error(`Prism stopped (${code ?? signal}); the mock stops too`);
    stop(1);
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => stop(0));
  front.once("error", (error) => {
    console.error(`the mock cannot listen on ${host}:${port}: ${error.message}`);
    stop(1);
  });
  front.listen(port, host, () => {
    const { port: bound } = front.address() as { port: number };
    console.log(`mock of the session API at http://${host}:${bound} (Prism behind it; signatures are not verified)`);
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: Error) => {
    console.error(error.message);
    process.exit(1);
  });
}
