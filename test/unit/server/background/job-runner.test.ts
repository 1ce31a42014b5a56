// The loop of one background job (src/server/background/job-runner.ts): a run goes batch
// by batch until the job is drained, giving the event loop back in between; a failure
// ends the run, is logged once and counted, and the job runs again after a pause that
// doubles; runs never overlap; stop() ends a run after its current batch.
import type { FastifyBaseLogger } from "fastify";
import { afterEach, describe, expect, it, vi } from "vitest";
import { batchLane, restAfter, startBatchedJob, type BatchedJob, type BatchOutcome } from "../../../../src/server/background/job-runner.js";
import type { JobMetrics } from "../../../../src/server/background/metrics.js";

const budget = { targetMs: 10, initialRows: 100, minRows: 10, maxRows: 5000 };

function recordingLog() {
  const lines: { level: string; message: string }[] = [];
  const log = Object.fromEntries(
    ["info", "warn", "error", "debug"].map((level) => [level, (_fields: unknown, message: string) => lines.push({ level, message })]),
  ) as unknown as FastifyBaseLogger;
  return { log, lines };
}

function recordingMetrics() {
  const seen = { rows: 0, batches: 0, failures: 0, drained: 0 };
  const metrics: JobMetrics = {
    batch: (_job, rows) => {
      seen.rows += rows;
      seen.batches += 1;
    },
    failure: () => void (seen.failures += 1),
    drained: () => void (seen.drained += 1),
  };
  return { metrics, seen };
}

let jobs: BatchedJob[] = [];
afterEach(async () => {
  vi.useRealTimers();
  for (const job of jobs) await job.stop();
  jobs = [];
});

/** Starts a job whose first automatic run is parked (an hour away) until the test calls run(). */
function start(
  batch: (limit: number) => Promise<BatchOutcome>,
  extra: { retryAfterMs?: number; intervalMs?: number; warmUp?: { share(): number }; startAfter?: Promise<unknown> } = {},
) {
  const { log, lines } = recordingLog();
  const { metrics, seen } = recordingMetrics();
  const job = startBatchedJob({
    name: "expiry",
    intervalMs: extra.intervalMs ?? 3_600_000,
    budget,
    batch,
    log,
    metrics,
    retryAfterMs: extra.retryAfterMs,
    warmUp: extra.warmUp,
    startAfter: extra.startAfter,
  });
  jobs.push(job);
  return { job, lines, seen };
}

describe("a batched background job", () => {
  it("runs batches until one is not full, and gives the event loop back between them", async () => {
    let left = 250;
    const limits: number[] = [];
    const between: string[] = [];
    const { job, seen } = start(async (limit) => {
      limits.push(limit);
      setImmediate(() => between.push(`after batch ${limits.length}`));
      const rows = Math.min(limit, left);
      left -= rows;
      between.push(`batch ${limits.length}`);
      return { rows, more: rows === limit };
    });
    // The run at start drained all 250; this one, asked for during it, runs after it and finds none.
    expect(await job.run()).toBe(0);
    expect(left).toBe(0);
    expect(seen.rows).toBe(250);
    // A macrotask queued during a batch ran before the next batch started.
    for (let index = 1; index < limits.length; index++)
      expect(between.indexOf(`after batch ${index}`)).toBeLessThan(between.indexOf(`batch ${index + 1}`));
    expect(limits.every((limit) => limit >= budget.minRows && limit <= budget.maxRows)).toBe(true);
  });

  it("rests so that it takes its share of the time: the warm-up's share of what it takes at full pace", () => {
    expect(restAfter(10, 0, 1)).toBe(0); // no rest beyond the next turn
    expect(restAfter(10, 3, 1)).toBe(30); // a quarter of the time
    expect(restAfter(10, 0, 0.1)).toBeCloseTo(90, 10); // a tenth of the time
    expect(restAfter(10, 3, 0.5)).toBeCloseTo(70, 10); // half of a quarter: an eighth
  });

  it("rests between batches while the process warms up", async () => {
    const spans: { start: number; end: number }[] = [];
    let left = 4;
    start(
      async () => {
        const span = { start: performance.now(), end: 0 };
        await new Promise((resolve) => setTimeout(resolve, 15));
        span.end = performance.now();
        spans.push(span);
        left -= 1;
        return { rows: 1, more: left > 0 };
      },
      { warmUp: { share: () => 0.25 } },
    );
    // The run at start: four batches, then the job waits an hour.
    await vi.waitFor(() => expect(spans).toHaveLength(4), { timeout: 2000 });
    // A quarter of the time: after a batch of at least 15 ms, a rest of three times as long.
    for (let index = 1; index < spans.length; index++) {
      const batch = spans[index - 1]!;
      expect(spans[index]!.start - batch.end).toBeGreaterThanOrEqual(3 * (batch.end - batch.start) - 2);
    }
  });

  it("starts its first run once `startAfter` settles, fulfilled or not", async () => {
    for (const settle of ["resolve", "reject"] as const) {
      let calls = 0;
      let release: Record<typeof settle, () => void> = { resolve: () => undefined, reject: () => undefined };
      const gate = new Promise<void>((resolve, reject) => (release = { resolve, reject: () => reject(new Error("no statistics")) }));
      start(
        async () => {
          calls += 1;
          return { rows: 0, more: false };
        },
        { startAfter: gate },
      );
      await new Promise((resolve) => setTimeout(resolve, 30));
      expect(calls).toBe(0);
      release[settle]();
      await vi.waitFor(() => expect(calls).toBe(1));
    }
  });

  it("starts a run asked for during another after it, so it sees what happened before the call", async () => {
    let calls = 0;
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { job } = start(async () => {
      calls += 1;
      if (calls === 1) await gate;
      return { rows: 1, more: false };
    });
    const second = job.run();
    const third = job.run();
    expect(calls).toBe(1);
    release();
    expect(await second).toBe(1);
    expect(await third).toBe(1);
    expect(calls).toBe(2); // the two calls made during the first run share one run after it
  });

  it("logs a failure once, counts it, and runs again after a pause that doubles", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const attempts: number[] = [];
    const { job, lines, seen } = start(
      async () => {
        attempts.push(Date.now());
        if (attempts.length <= 3) throw new Error("database is down");
        return { rows: 2, more: false };
      },
      { retryAfterMs: 1000, intervalMs: 60_000 },
    );
    await vi.waitFor(() => expect(attempts.length).toBe(1));
    await vi.advanceTimersByTimeAsync(999);
    expect(attempts.length).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(attempts.length).toBe(2);
    await vi.advanceTimersByTimeAsync(1999);
    expect(attempts.length).toBe(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(attempts.length).toBe(3);
    await vi.advanceTimersByTimeAsync(4000);
    expect(attempts.length).toBe(4);
    expect(seen.failures).toBe(3);
    expect(seen.rows).toBe(2);
    expect(lines.filter((line) => line.level === "error")).toHaveLength(1); // the same error, throttled
    // After a success the job is back on its interval.
    await vi.advanceTimersByTimeAsync(59_999);
    expect(attempts.length).toBe(4);
    await vi.advanceTimersByTimeAsync(1);
    expect(attempts.length).toBe(5);
    await job.stop();
  });

  it("stops after the batch in progress, leaving the rest for the next start", async () => {
    let batches = 0;
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { job } = start(async (limit) => {
      batches += 1;
      await gate;
      return { rows: limit, more: true };
    });
    const stopped = job.stop();
    release();
    await stopped;
    expect(batches).toBe(1);
  });
});

describe("a batch lane", () => {
  /** A batch that records its start and end, and ends (or fails) when released. */
  function recorder() {
    const log: string[] = [];
    const releases = new Map<string, () => void>();
    const batch =
      (name: string, fails = false) =>
      () => {
        log.push(`start ${name}`);
        return new Promise<string>((resolve, reject) =>
          releases.set(name, () => {
            log.push(`end ${name}`);
            if (fails) reject(new Error(`${name} failed`));
            else resolve(name);
          }),
        );
      };
    const release = async (name: string) => {
      await new Promise((resolve) => setImmediate(resolve));
      releases.get(name)!();
    };
    return { log, batch, release };
  }

  it("starts a batch at once when idle, then runs those asked meanwhile one at a time, the highest priority first, past a failure", async () => {
    const lane = batchLane();
    const { log, batch, release } = recorder();
    const first = lane.run(batch("retention a", true));
    expect(log).toEqual(["start retention a"]);
    const second = lane.run(batch("retention b"));
    const urgent = lane.run(batch("expiry"), 1);
    await release("retention a");
    await expect(first).rejects.toThrow("retention a failed");
    await release("expiry");
    expect(await urgent).toBe("expiry");
    await release("retention b");
    expect(await second).toBe("retention b");
    expect(log).toEqual(["start retention a", "end retention a", "start expiry", "end expiry", "start retention b", "end retention b"]);
    // A batch that throws before it returns a promise fails alone, and frees the lane.
    await expect(
      lane.run(() => {
        throw new Error("no promise");
      }),
    ).rejects.toThrow("no promise");
    // Idle again: the next batch starts at once.
    void lane.run(batch("later"));
    expect(log.at(-1)).toBe("start later");
    await release("later");
  });
});
