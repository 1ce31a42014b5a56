/**
 * Child processes of the benchmark: each server runs as `node --import tsx <file>` in its
 * own process group (no npx wrapper), is registered before anything can fail, and is
 * killed with its whole group by `stopChild`, or by `killAllNow` when the benchmark exits
 * in any way.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";

/** A server running in a child process. */
export interface Child {
  name: string;
  process: ChildProcess;
  /** Its stdout and stderr so far. */
  output(): string;
  exited: Promise<void>;
}

const running = new Set<Child>();

function signalGroup(child: Child, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.process.pid!, signal);
  } catch {
    /* the group is gone already */
  }
}

/**
 * Starts `node [nodeArgs] --import tsx <script>` in `cwd` and waits until `readyUrl`
 * answers any HTTP status.
 *
 * @throws Error with the child's output if it exits first or is not ready within `timeoutMs`
 */
export async function startChild(
  name: string,
  script: string,
  options: { cwd: string; env: NodeJS.ProcessEnv; readyUrl: string; nodeArgs?: string[]; timeoutMs?: number },
): Promise<Child> {
  const args = [...(options.nodeArgs ?? []), "--import", "tsx", script];
  // No drain on stop: the benchmark is no load balancer, and a stop should be quick.
  const proc = spawn(process.execPath, args, {
    cwd: options.cwd,
    env: { ...process.env, SHUTDOWN_DRAIN_SECONDS: "0", ...options.env },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  proc.stdout!.on("data", (chunk) => (output += chunk));
  proc.stderr!.on("data", (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
  const child: Child = { name, process: proc, output: () => output, exited };
  running.add(child);
  void exited.then(() => running.delete(child));

  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  while (Date.now() < deadline) {
    if (proc.exitCode !== null || proc.signalCode !== null)
      throw new Error(`${name} exited (${proc.exitCode ?? proc.signalCode}) before it was ready:\n${output}`);
    try {
      await fetch(options.readyUrl, { signal: AbortSignal.timeout(1000) });
      return child;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
  }
  await stopChild(child);
  throw new Error(`${name} did not answer ${options.readyUrl} within ${options.timeoutMs ?? 30_000} ms:\n${output}`);
}

/** Stops a child's process group: SIGTERM (a graceful exit, which writes a --cpu-prof), then SIGKILL after `graceMs`. */
export async function stopChild(child: Child, graceMs = 5000): Promise<void> {
  if (!running.has(child)) return;
  signalGroup(child, "SIGTERM");
  const timer = setTimeout(() => signalGroup(child, "SIGKILL"), graceMs);
  await child.exited;
  clearTimeout(timer);
}

/** Stops every child still running. */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((child) => stopChild(child)));
}

/** Synchronously SIGKILLs every child still running; for `process.on("exit")`. */
export function killAllNow(): void {
  for (const child of running) signalGroup(child, "SIGKILL");
}

/**
 * CPU seconds (user + system) the child has used so far, from /proc (Linux; USER_HZ is
 * 100 there), or undefined where /proc is not available.
 */
export function cpuSeconds(child: Child): number | undefined {
  try {
    const stat = readFileSync(`/proc/${child.process.pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}
