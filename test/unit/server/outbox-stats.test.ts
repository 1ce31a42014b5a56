import { describe, expect, it } from "vitest";
import { OutboxStats } from "../../../src/server/outbox-stats.js";
import type { CallbackStats } from "../../../src/store/callback-outbox.js";

const statsWith = (pending: number): CallbackStats => ({
  pendingByPartner: new Map([["casino-a", pending]]),
  failedByPartner: new Map(),
  oldestPendingCreatedAt: undefined,
});
const pendingOf = (stats: CallbackStats) => stats.pendingByPartner.get("casino-a");

/** A store whose counts the test sets, counting its reads; `fail` makes the next reads reject. */
function fakeStore() {
  const store = { pending: 1, reads: 0, fail: false, hang: false };
  const read = async () => {
    store.reads += 1;
    if (store.hang) return new Promise<CallbackStats>(() => undefined);
    if (store.fail) throw new Error("database is locked");
    return statsWith(store.pending);
  };
  return { store, read };
}

describe("OutboxStats: the outbox's counts at a bounded read rate", () => {
  it("answers from the last reading while it is younger than refreshMs: one read for many probes", async () => {
    let now = 0;
    const { store, read } = fakeStore();
    const stats = new OutboxStats(read, { refreshMs: 1000, maxAgeMs: 5000, now: () => now });
    expect(pendingOf(await stats.get())).toBe(1);
    store.pending = 2;
    for (now = 0; now < 1000; now += 100) expect(pendingOf(await stats.get())).toBe(1);
    expect(store.reads).toBe(1);
  });

  it("after refreshMs answers the last reading at once and reads again in the background for the next probe", async () => {
    let now = 0;
    const { store, read } = fakeStore();
    const stats = new OutboxStats(read, { refreshMs: 1000, maxAgeMs: 5000, now: () => now });
    await stats.get();
    store.pending = 7;
    now = 1500;
    expect(pendingOf(await stats.get())).toBe(1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(pendingOf(await stats.get())).toBe(7);
    expect(store.reads).toBe(2);
  });

  it("never answers a reading older than maxAgeMs: the probe waits for a new one, and fails when the store does", async () => {
    let now = 0;
    const { store, read } = fakeStore();
    const stats = new OutboxStats(read, { refreshMs: 1000, maxAgeMs: 5000, now: () => now });
    await stats.get();
    store.fail = true;
    now = 2000;
    expect(pendingOf(await stats.get())).toBe(1); // still young enough; the background read fails
    await new Promise((resolve) => setImmediate(resolve));
    now = 6000;
    await expect(stats.get()).rejects.toThrow("database is locked");
    store.fail = false;
    store.pending = 3;
    expect(pendingOf(await stats.get())).toBe(3);
  });

  it("a store that does not answer fails the probe at the deadline, and never two reads at once", async () => {
    const { store, read } = fakeStore();
    store.hang = true;
    const stats = new OutboxStats(read, { refreshMs: 1000, deadlineMs: 30 });
    const [first, second] = [stats.get(), stats.get()];
    await expect(first).rejects.toThrow("the database did not answer within 30 ms");
    await expect(second).rejects.toThrow("within 30 ms");
    expect(store.reads).toBe(1);
  });

  it("with refreshMs 0 reads on every call (the default of a server built without one)", async () => {
    const { store, read } = fakeStore();
    const stats = new OutboxStats(read, { refreshMs: 0 });
    await stats.get();
    store.pending = 9;
    expect(pendingOf(await stats.get())).toBe(9);
    expect(store.reads).toBe(2);
  });
});
