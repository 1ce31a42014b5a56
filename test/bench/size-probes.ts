/**
 * What the benchmark at size watches while the server works (size-benchmark.ts): `/health`
 * latency (polled every 100 ms, as a load balancer might), the server's longest event-loop
 * stall (prom-client's `monitorEventLoopDelay` gauge, read once a second from `/metrics`;
 * it resets at each read), and the rows the background jobs still have to work through,
 * counted in the database itself once a second (on SQLite from a worker thread, so that
 * the counts never hold this process's event loop, which times the other probes).
 */
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import pg from "pg";

/** A series of latencies, milliseconds. */
export interface Latencies {
  samples: number[];
  /** Answers other than 200. */
  failures: number;
}

/** p-th percentile (0–100) of `values`; NaN when empty. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Polls `url` every `everyMs` (each poll waits for the last) until `stop()`. */
export function pollLatency(url: string, everyMs: number): { stop(): Promise<Latencies> } {
  const result: Latencies = { samples: [], failures: 0 };
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const started = performance.now();
      try {
        const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
        await response.arrayBuffer();
        if (response.status !== 200) result.failures += 1;
      } catch {
        result.failures += 1;
      }
      const elapsed = performance.now() - started;
      result.samples.push(elapsed);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, everyMs - elapsed)));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      return result;
    },
  };
}

/** Reads the server's event-loop lag maximum from `/metrics` every second; `stop()` returns the largest, milliseconds. */
export function watchEventLoop(metricsUrl: string): { stop(): Promise<number> } {
  let worst = 0;
  const read = async () => {
    try {
      const text = await (await fetch(metricsUrl, { signal: AbortSignal.timeout(5000) })).text();
      const match = /^session_api_nodejs_eventloop_lag_max_seconds (\S+)$/m.exec(text);
      if (match) worst = Math.max(worst, Number(match[1]) * 1000);
    } catch {
      // a scrape that fails is a gap, not a stall
    }
  };
  const timer = setInterval(() => void read(), 1000);
  return {
    async stop() {
      clearInterval(timer);
      await read();
      return worst;
    },
  };
}

/** The rows the background jobs have left, counted in the database. */
export interface Backlog {
  /** Active sessions idle longer than the idle timeout. */
  idle: number;
  /** Ended sessions older than the session retention. */
  oldSessions: number;
  /** Idempotency keys older than 48 hours. */
  oldKeys: number;
  /** Delivered callbacks older than the callback retention. */
  oldCallbacks: number;
}

/** Cut-offs of the counts, epoch milliseconds. */
export interface BacklogCutoffs {
  idleBefore: number;
  sessionsEndedBefore: number;
  keysBefore: number;
  callbacksDeliveredBefore: number;
}

/**
 * Most rows each count walks: a count stops there (the benchmark asks "none left?" and
 * "at most a tenth left?", not how many), so that watching costs the same few rows every
 * second instead of walking hundreds of thousands of index entries on the machine the
 * server runs on. Undefined: count them all (the report at the end).
 */
export type BacklogCaps = Partial<Record<keyof Backlog, number>>;

/** One query for all four counts; each walks an index, at most `caps` rows of it. */
const COUNTS = (cut: BacklogCutoffs, caps: BacklogCaps) => {
  const count = (from: string, cap: number | undefined) =>
    cap === undefined ? `(SELECT count(*) FROM ${from})` : `(SELECT count(*) FROM (SELECT 1 FROM ${from} LIMIT ${cap}) AS capped)`;
  return `
  SELECT ${count(`sessions WHERE status = 'active' AND last_activity_at < ${cut.idleBefore}`, caps.idle)} AS idle,
         ${count(`sessions WHERE status <> 'active' AND ended_at < ${cut.sessionsEndedBefore}`, caps.oldSessions)} AS old_sessions,
         ${count(`idempotency_keys WHERE created_at < ${cut.keysBefore}`, caps.oldKeys)} AS old_keys,
         ${count(`callbacks WHERE state = 'delivered' AND delivered_at < ${cut.callbacksDeliveredBefore}`, caps.oldCallbacks)} AS old_callbacks`;
};

/** The outbox by state (a full count: for the report at the end, not while measuring). */
const STATES = "SELECT state, count(*) AS n FROM callbacks GROUP BY state";
const toStates = (rows: Record<string, unknown>[]) => Object.fromEntries(rows.map((row) => [row.state as string, Number(row.n)]));

/**
 * The code of `sqliteReader`'s worker: one read-only connection that answers
 * `{ id, sql }` with `{ id, rows }` or `{ id, error }`.
 */
const READER_WORKER = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
const db = new Database(workerData.file, { readonly: true });
parentPort.on("message", ({ id, sql }) => {
  try {
    parentPort.postMessage({ id, rows: db.prepare(sql).all() });
  } catch (error) {
    parentPort.postMessage({ id, error: String(error) });
  }
});`;

/**
 * Queries on a SQLite file from a worker thread. The driver is synchronous: a count over
 * a million rows run on this process's event loop held the `/health` poller and the
 * ENTER load for tens of milliseconds every second, and their latencies with it.
 */
function sqliteReader(file: string): { all(sql: string): Promise<Record<string, unknown>[]>; close(): Promise<void> } {
  const worker = new Worker(READER_WORKER, { eval: true, workerData: { file, driver: createRequire(import.meta.url).resolve("libsql") } });
  const waiting = new Map<number, { resolve(rows: Record<string, unknown>[]): void; reject(error: Error): void }>();
  let nextId = 0;
  worker.on("message", ({ id, rows, error }: { id: number; rows?: Record<string, unknown>[]; error?: string }) => {
    const call = waiting.get(id);
    waiting.delete(id);
    if (error === undefined) call?.resolve(rows!);
    else call?.reject(new Error(error));
  });
  worker.on("error", (error) => {
    for (const call of waiting.values()) call.reject(error);
    waiting.clear();
  });
  return {
    all: (sql) =>
      new Promise((resolve, reject) => {
        waiting.set(++nextId, { resolve, reject });
        worker.postMessage({ id: nextId, sql });
      }),
    close: async () => void (await worker.terminate()),
  };
}

/** Counts the backlog in a database (SQLite file or PostgreSQL URL) on demand, each count up to its cap (`BacklogCaps`). */
export async function backlogCounter(database: { file: string } | { url: string }): Promise<{
  count(cut: BacklogCutoffs, caps?: BacklogCaps): Promise<Backlog>;
  outbox(): Promise<Record<string, number>>;
  close(): Promise<void>;
}> {
  const toBacklog = (row: Record<string, unknown>): Backlog => ({
    idle: Number(row.idle),
    oldSessions: Number(row.old_sessions),
    oldKeys: Number(row.old_keys),
    oldCallbacks: Number(row.old_callbacks),
  });
  if ("file" in database) {
    const query = sqliteReader(database.file);
    return {
      count: async (cut, caps = {}) => toBacklog((await query.all(COUNTS(cut, caps)))[0]!),
      outbox: async () => toStates(await query.all(STATES)),
      close: () => query.close(),
    };
  }
  const pool = new pg.Pool({ connectionString: database.url, max: 1 });
  return {
    count: async (cut, caps = {}) => toBacklog((await pool.query(COUNTS(cut, caps))).rows[0]),
    outbox: async () => toStates((await pool.query(STATES)).rows),
    close: () => pool.end(),
  };
}
