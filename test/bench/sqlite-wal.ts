/**
 * What the benchmark reads from the SQLite side: the size of the write-ahead log over
 * time (its peak under load, and how soon it empties afterwards) and the sessions stored.
 */
import { statSync } from "node:fs";
import Database from "libsql";

/** Size of `file` in bytes, 0 when it does not exist. */
function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/** Samples the size of `file` every `intervalMs` until `stop()`, which returns the largest seen, bytes. */
export function sampleFileSize(file: string, intervalMs: number): { stop(): number } {
  let peak = sizeOf(file);
  const timer = setInterval(() => (peak = Math.max(peak, sizeOf(file))), intervalMs);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, sizeOf(file));
    },
  };
}

/** Polls `file` every 100 ms until it is at most `size` bytes or `timeoutMs` pass. */
export async function waitForSize(file: string, size: number, timeoutMs: number): Promise<{ reached: boolean; ms: number; size: number }> {
  const start = performance.now();
  for (;;) {
    const current = sizeOf(file);
    const ms = performance.now() - start;
    if (current <= size) return { reached: true, ms, size: current };
    if (ms >= timeoutMs) return { reached: false, ms, size: current };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Rows in the `sessions` table of a (stopped) reference server's SQLite database. */
export async function countSqliteSessions(databaseFile: string): Promise<number> {
  const db = new Database(databaseFile);
  try {
    return Number((db.prepare("SELECT count(*) AS n FROM sessions").get() as { n: number }).n);
  } finally {
    db.close();
  }
}
