/**
 * The reference server as a real child process, started exactly as `npm start` starts
 * it (src/server/main.ts under tsx), on a free port with its own database directory.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "../../src/codegen/spec.js";
import { startProcess, withFreePort, type RunningProcess } from "./processes.js";

/** A server child process and where it keeps its data. */
export interface ChildServer {
  process: RunningProcess;
  baseUrl: string;
  dataDir: string;
}

/** A fresh temporary data directory; remove it with `removeDataDir`. */
export function makeDataDir(): string {
  return mkdtempSync(join(tmpdir(), "session-api-data-"));
}

export function removeDataDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/**
 * Starts `src/server/main.ts` with DATABASE_URL (a SQLite file) and the launch-token secret
 * file in `dataDir`, and waits for /health; `env` overrides (e.g. a PostgreSQL DATABASE_URL).
 * It stops without a drain and sheds no load (a loaded test machine holds its event loop
 * back): a test of either sets the variable.
 */
export function startChildServer(dataDir: string, env: NodeJS.ProcessEnv = {}): Promise<ChildServer> {
  return withFreePort(async (port) => {
    const baseUrl = `http://127.0.0.1:${port}`;
    const child = await startProcess(process.execPath, ["--import", "tsx", join(repoRoot, "src/server/main.ts")], {
      readyUrl: `${baseUrl}/health`,
      env: {
        PORT: String(port),
        HOST: "127.0.0.1",
        DATABASE_URL: join(dataDir, "sessions.db"),
        LAUNCH_TOKEN_SECRET_FILE: join(dataDir, "launch-token.secret"),
        LOG_LEVEL: "warn",
        SHUTDOWN_DRAIN_SECONDS: "0",
        OVERLOAD_EVENT_LOOP_DELAY_MS: "0",
        ...env,
      },
    });
    return { process: child, baseUrl, dataDir };
  });
}
