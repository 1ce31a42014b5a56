// The background jobs (src/server/background/jobs.ts) on a SQLite store, driven by a fake
// clock: expiry drains a backlog larger than a batch, with a callback queued for each
// session of a partner that wants them; delivered callbacks and ended sessions are deleted
// once their retention has passed, while dead letters, sessions that a callback still
// refers to, and active sessions stay. The store's own rules are in the conformance suite
// (test/unit/store/); the plans at size in test/integration/store/plans.test.ts.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyBaseLogger } from "fastify";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { partnerDirectory } from "../../../../src/partners/directory.js";
import { startBackgroundJobs, type BackgroundJobs } from "../../../../src/server/background/jobs.js";
import { loadConfig } from "../../../../src/server/config.js";
import { openStore } from "../../../../src/store/open-store.js";
import type { SessionStore } from "../../../../src/store/session-store.js";

const DAY_MS = 86_400_000;
const silent = { info() {}, warn() {}, error() {}, debug() {} } as unknown as FastifyBaseLogger;
const partners = partnerDirectory([
  { memberId: "demo", secret: "s", kyrenToken: undefined, callbackUrl: "http://127.0.0.1:9/", sessionExpiredCallback: true },
  { memberId: "quiet", secret: "s", kyrenToken: undefined, callbackUrl: undefined, sessionExpiredCallback: false },
]);

describe("background jobs", () => {
  let store: SessionStore;
  let clock: number;
  let jobs: BackgroundJobs[];
  let directory: string;
  let opened = 0;
  const start = (retention: { callbackRetentionMs?: number; sessionRetentionMs?: number } = {}) => {
    const started = startBackgroundJobs({
      store,
      partners,
      log: silent,
      idleTimeoutMs: 1000,
      sweepIntervalMs: 3_600_000,
      ...retention,
      now: () => clock,
    });
    jobs.push(started);
    return started;
  };
  /** Opens a session of `partnerId` at the current clock; returns its id. */
  const open = async (partnerId = "demo") => {
    const id = String(++opened).padStart(32, "0");
    await store.openSession(
      { partnerId, uuid: id, operationId: "enterGameSession", fingerprint: id },
      {
        id,
        partnerId,
        playerId: `player-${opened}`,
        playerNickname: undefined,
        gameId: "g",
        gameType: "slot",
        currency: "EUR",
        language: "en",
        partnerSessionId: "p",
        playerIp: "203.0.113.1",
        tokenHash: `t-${id}`,
        createdAt: clock,
      },
    );
    return id;
  };
  /** Expires two sessions of demo, then records one callback delivered and the other failed, at the current clock. */
  async function deliverOneFailOne(loop: BackgroundJobs) {
    await open();
    await open();
    clock += 2000;
    expect((await loop.sweep()).expired).toBe(2);
    const claimed = await store.claimDueCallbacks({ at: clock, leaseMs: 1000, others: 10 });
    expect(claimed).toHaveLength(2);
    await store.recordCallbackAttempt(claimed[0]!, { state: "delivered", status: 200 }, clock);
    await store.recordCallbackAttempt(claimed[1]!, { state: "failed", error: "HTTP 400", status: 400 }, clock);
    return { delivered: claimed[0]!.sessionId, failed: claimed[1]!.sessionId };
  }
  /** The outbox as [session id, state] pairs, ordered by state. */
  const listed = async () =>
    (await store.listCallbacks({ limit: 10 }))
      .map((callback) => [callback.sessionId, callback.state])
      .sort((a, b) => a[1]!.localeCompare(b[1]!));

  beforeEach(async () => {
    directory = mkdtempSync(join(tmpdir(), "background-"));
    store = await openStore(join(directory, "sessions.db"));
    await store.migrate();
    clock = Date.UTC(2026, 0, 1);
    jobs = [];
  });
  afterEach(async () => {
    for (const loop of jobs) await loop.stop();
    await store.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it("drains an expiry backlog larger than one batch in one sweep, queuing a callback for each session of a partner that wants them", async () => {
    const backlog = store.batchBudget.maxRows + 700;
    const rows = Array.from({ length: backlog }, () => undefined);
    for (const [index] of rows.entries()) await open(index % 10 === 0 ? "quiet" : "demo");
    const loop = start();
    clock += 2000;
    expect((await loop.sweep()).expired).toBe(backlog);
    const stats = await store.callbackStats();
    expect(stats.pendingByPartner.get("demo")).toBe(backlog - Math.ceil(backlog / 10));
    expect(stats.pendingByPartner.has("quiet")).toBe(false);
    expect((await loop.sweep()).expired).toBe(0);
  });

  it("refreshes the planner's statistics before any other job's first batch", async () => {
    await open();
    clock += 2000;
    const order: string[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const gated: SessionStore = Object.create(store);
    gated.optimize = async () => {
      order.push("statistics asked");
      await gate;
      await store.optimize();
      order.push("statistics done");
    };
    gated.expireIdleSessions = (...args) => {
      order.push("expiry");
      return store.expireIdleSessions(...args);
    };
    jobs.push(
      startBackgroundJobs({ store: gated, partners, log: silent, idleTimeoutMs: 1000, sweepIntervalMs: 3_600_000, now: () => clock }),
    );
    try {
      await new Promise((resolve) => setTimeout(resolve, 30));
      expect(order).toEqual(["statistics asked"]);
    } finally {
      release(); // also when it failed: stop() waits for the statistics' batch
    }
    await vi.waitFor(() => expect(order).toEqual(["statistics asked", "statistics done", "expiry"]));
    expect((await store.getSession(String(opened).padStart(32, "0")))?.status).toBe("expired");
  });

  it("deletes a delivered callback once its retention has passed, and keeps the failed one", async () => {
    const loop = start({ callbackRetentionMs: 30 * DAY_MS });
    const { delivered, failed } = await deliverOneFailOne(loop);
    clock += 30 * DAY_MS - 1;
    expect((await loop.sweep()).callbacksDeleted).toBe(0);
    expect(await listed()).toEqual([
      [delivered, "delivered"],
      [failed, "failed"],
    ]);
    clock += 2;
    expect((await loop.sweep()).callbacksDeleted).toBe(1);
    expect(await listed()).toEqual([[failed, "failed"]]);
  });

  it("keeps delivered callbacks forever with a retention of 0", async () => {
    const loop = start({ callbackRetentionMs: 0 });
    const { delivered, failed } = await deliverOneFailOne(loop);
    clock += 3650 * DAY_MS;
    await loop.sweep();
    expect(await listed()).toEqual([
      [delivered, "delivered"],
      [failed, "failed"],
    ]);
  });

  it("deletes ended sessions past their retention once no callback refers to them, never active ones or those of a dead letter", async () => {
    const loop = start({ callbackRetentionMs: 30 * DAY_MS, sessionRetentionMs: 90 * DAY_MS });
    const closed = await open("quiet");
    await store.closeSessions({ partnerId: "quiet", playerId: `player-${opened}`, gameId: undefined, clearHistory: false }, clock);
    const { delivered, failed } = await deliverOneFailOne(loop);
    clock += 90 * DAY_MS - 2001;
    expect((await loop.sweep()).sessionsDeleted).toBe(0);
    clock += 2002; // past the retention of the sessions that expired 2 s after the closed one
    const active = await open("quiet");
    const run = await loop.sweep();
    // The closed session and the one whose callback was delivered (deleted after 30 days) go; the dead letter's session stays.
    expect(run.sessionsDeleted).toBe(2);
    expect(await store.getSession(closed)).toBeUndefined();
    expect(await store.getSession(delivered)).toBeUndefined();
    expect(await store.getSession(failed)).toMatchObject({ status: "expired" });
    expect(await store.getSession(active)).toMatchObject({ status: "active" });
    expect(await listed()).toEqual([[failed, "failed"]]);
  });

  it("keeps sessions forever with a retention of 0", async () => {
    const loop = start({ sessionRetentionMs: 0 });
    const closed = await open("quiet");
    await store.closeSessions({ partnerId: "quiet", playerId: `player-${opened}`, gameId: undefined, clearHistory: false }, clock);
    clock += 3650 * DAY_MS;
    expect((await loop.sweep()).sessionsDeleted).toBe(0);
    expect(await store.getSession(closed)).toMatchObject({ status: "closed" });
  });

  it("reads CALLBACK_RETENTION_DAYS (30) and SESSION_RETENTION_DAYS (90): 0 allowed, a negative value refused by name", () => {
    expect(loadConfig({}).callbackRetentionDays).toBe(30);
    expect(loadConfig({}).sessionRetentionDays).toBe(90);
    expect(loadConfig({ CALLBACK_RETENTION_DAYS: "0", SESSION_RETENTION_DAYS: "0" })).toMatchObject({
      callbackRetentionDays: 0,
      sessionRetentionDays: 0,
    });
    expect(loadConfig({ CALLBACK_RETENTION_DAYS: "7.5" }).callbackRetentionDays).toBe(7.5);
    expect(() => loadConfig({ CALLBACK_RETENTION_DAYS: "-1" })).toThrow(/CALLBACK_RETENTION_DAYS must be >= 0/);
    expect(() => loadConfig({ SESSION_RETENTION_DAYS: "-1" })).toThrow(/SESSION_RETENTION_DAYS must be >= 0/);
    expect(() => loadConfig({ CALLBACK_RETENTION_DAYS: "a month" })).toThrow(/CALLBACK_RETENTION_DAYS must be number/);
  });
});

describe("background jobs' batch sizes", () => {
  // The job measured "takes" 10 ms a batch on a fake performance clock (the other job
  // finds nothing and takes no time): expiry aims at 20 ms here and so doubles its
  // batches; key retention aims at 5 ms and so halves them.
  it.each([
    ["expiry", "deadlineTargetMs", [100, 200, 400]],
    ["keys", "targetMs", [100, 50, 25]],
  ] as const)("sizes %s's batches toward the store's %s", async (measured, _aim, sizes) => {
    let fakeNow = 0;
    const timing = vi.spyOn(performance, "now").mockImplementation(() => fakeNow);
    const limits: number[] = [];
    const batch = (name: "expiry" | "keys", limit: number) => {
      if (name !== measured) return 0;
      limits.push(limit);
      fakeNow += 10;
      return limits.length < 3 ? limit : 0;
    };
    const store = {
      batchBudget: { targetMs: 5, deadlineTargetMs: 20, initialRows: 100, minRows: 10, maxRows: 5000 },
      expireIdleSessions: async (_before: number, _at: number, _partners: unknown, limit: number) =>
        Array.from({ length: batch("expiry", limit) }, (_, n) => ({ sessionId: String(n), partnerId: "quiet", playerId: "p" })),
      forgetIdempotencyKeys: async (_before: number, limit: number) => batch("keys", limit),
      optimize: async () => undefined,
    } as unknown as SessionStore;
    const jobs = startBackgroundJobs({ store, partners, log: silent, idleTimeoutMs: 1000, sweepIntervalMs: 3_600_000, now: () => 0 });
    try {
      await jobs.sweep();
      expect(limits.slice(0, 3)).toEqual(sizes);
    } finally {
      await jobs.stop();
      timing.mockRestore();
    }
  });
});
