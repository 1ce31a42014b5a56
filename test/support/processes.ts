/**
 * Test helpers to run a server in a child process: pick a free loopback port, wait until
 * it answers HTTP, and always stop it (the whole process group) afterwards.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";

/** Asks the OS for a free TCP port on 127.0.0.1 (port 0), then releases it for the child. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts something on a free port, trying again on another port (up to `attempts` times)
 * if it fails: another test may take the port between `freePort` and the child's bind.
 */
export async function withFreePort<T>(start: (port: number) => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start(await freePort());
    } catch (error) {
      if (attempt >= attempts) throw error;
    }
  }
}

/** A running child process with its captured output. */
export interface RunningProcess {
  child: ChildProcess;
  /** stdout and stderr so far, for failure messages. */
  output(): string;
  /** Stops the process group (SIGTERM, then SIGKILL after 3 s) and waits for the exit. */
  stop(): Promise<void>;
}

/**
 * Starts `command` in its own process group and resolves once `readyUrl` answers any
 * HTTP status.
 *
 * @throws Error with the child's output if it exits first or is not ready within `timeoutMs`
 */
export async function startProcess(
  command: string,
  args: string[],
  options: { readyUrl: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; cwd?: string },
): Promise<RunningProcess> {
  const child = spawn(command, args, {
    env: { ...process.env, ...options.env },
    cwd: options.cwd,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const running: RunningProcess = {
    child,
    output: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      try {
        process.kill(-child.pid!, "SIGTERM");
      } catch {
        return;
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid!, "SIGKILL");
        } catch {
          /* already gone */
        }
      }, 3000);
      await exited;
      clearTimeout(timer);
    },
  };
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`${command} exited with ${child.exitCode ?? child.signalCode} before it was ready:\n${output}`);
    try {
      await fetch(options.readyUrl, { signal: AbortSignal.timeout(1000) });
      return running;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
  }
  await running.stop();
  throw new Error(`${command} was not ready at ${options.readyUrl} within ${options.timeoutMs ?? 30_000} ms:\n${output}`);
}
