// The expiry loop (src/server/expiry.ts) on an in-memory SQLite store, driven by its clock:
// idle sessions expire with their callback queued, and a delivered callback is deleted once
// CALLBACK_RETENTION_DAYS have passed since its delivery, while failed ones (dead letters)
// stay. The store's own deletion rules are in the conformance suite (test/unit/store/).
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyBaseLogger } from "fastify";
import { partnerDirectory } from "../../../src/partners/directory.js";
import { loadConfig } from "../../../src/server/config.js";
import { startExpiry, type Expiry } from "../../../src/server/expiry.js";
import { openStore } from "../../../src/store/open-store.js";
import type { SessionStore } from "../../../src/store/session-store.js";

const DAY_MS = 86_400_000;
const silent = { info() {}, warn() {}, error() {} } as unknown as FastifyBaseLogger;
const partners = partnerDirectory([{ memberId: "demo", secret: "s", kyrenToken: undefined, callbackUrl: "http://127.0.0.1:9/", sessionExpiredCallback: true }]);

describe("expiry loop", () => {
  let store: SessionStore;
  let clock: number;
  let loops: Expiry[];
  let directory: string;
  const start = (callbackRetentionMs?: number) => {
    const loop = startExpiry({ store, partners, log: silent, idleTimeoutMs: 1000, sweepIntervalMs: 3_600_000, callbackRetentionMs, now: () => clock });
    loops.push(loop);
    return loop;
  };
  /** Opens a session of `demo` for `playerId` at the current clock. */
  const open = (playerId: string) =>
    store.openSession(
      { partnerId: "demo", uuid: playerId, operationId: "enterGameSession", fingerprint: playerId },
      { id: playerId.padStart(32, "0"), partnerId: "demo", playerId, playerNickname: undefined, gameId: "g", gameType: "slot", currency: "EUR", language: "en", partnerSessionId: "p", playerIp: "203.0.113.1", tokenHash: `t-${playerId}`, createdAt: clock },
    );
  /** Expires both sessions, then records one callback delivered and the other failed, at the current clock. */
  async function deliverOneFailOne(loop: Expiry) {
    await open("1");
    await open("2");
    clock += 2000;
    expect(await loop.sweep()).toHaveLength(2);
    const claimed = await store.claimDueCallbacks({ at: clock, leaseMs: 1000, others: 10 });
    expect(claimed).toHaveLength(2);
    await store.recordCallbackAttempt(claimed[0]!, { state: "delivered", status: 200 }, clock);
    await store.recordCallbackAttempt(claimed[1]!, { state: "failed", error: "HTTP 400", status: 400 }, clock);
    return { delivered: claimed[0]!.sessionId, failed: claimed[1]!.sessionId };
  }
  /** The outbox as [session id, state] pairs, ordered by state. */
  const listed = async () => (await store.listCallbacks({ limit: 10 })).map((callback) => [callback.sessionId, callback.state]).sort((a, b) => a[1]!.localeCompare(b[1]!));

  beforeEach(async () => {
    directory = mkdtempSync(join(tmpdir(), "expiry-"));
    store = await openStore(join(directory, "sessions.db"));
    await store.migrate();
    clock = Date.UTC(2026, 0, 1);
    loops = [];
  });
  afterEach(async () => {
    for (const loop of loops) await loop.stop();
    await store.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it("deletes a delivered callback once its retention has passed, and keeps the failed one", async () => {
    const loop = start(30 * DAY_MS);
    const { delivered, failed } = await deliverOneFailOne(loop);
    clock += 30 * DAY_MS - 1;
    await loop.sweep();
    expect(await listed()).toEqual([[delivered, "delivered"], [failed, "failed"]]);
    clock += 2;
    await loop.sweep();
    expect(await listed()).toEqual([[failed, "failed"]]);
  });

  it("keeps delivered callbacks forever with a retention of 0", async () => {
    const loop = start(0);
    const { delivered, failed } = await deliverOneFailOne(loop);
    clock += 3650 * DAY_MS;
    await loop.sweep();
    expect(await listed()).toEqual([[delivered, "delivered"], [failed, "failed"]]);
  });

  it("reads CALLBACK_RETENTION_DAYS: 30 by default, 0 allowed, a negative value refused by name", () => {
    expect(loadConfig({}).callbackRetentionDays).toBe(30);
    expect(loadConfig({ CALLBACK_RETENTION_DAYS: "0" }).callbackRetentionDays).toBe(0);
    expect(loadConfig({ CALLBACK_RETENTION_DAYS: "7.5" }).callbackRetentionDays).toBe(7.5);
    expect(() => loadConfig({ CALLBACK_RETENTION_DAYS: "-1" })).toThrow(/CALLBACK_RETENTION_DAYS must be >= 0/);
    expect(() => loadConfig({ CALLBACK_RETENTION_DAYS: "a month" })).toThrow(/CALLBACK_RETENTION_DAYS must be number/);
  });
});
