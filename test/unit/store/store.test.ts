// The SQLite SessionStore: idempotency outcomes, close semantics, expiry with callbacks,
// and migrations that can run again.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openSqliteStore } from "../../../src/store/sqlite-store.js";
import type { IdempotencyKey, NewSession, SessionStore } from "../../../src/store/session-store.js";

let store: SessionStore;
let counter = 0;

function session(overrides: Partial<NewSession> = {}): NewSession {
  counter += 1;
  return {
    id: counter.toString(16).padStart(32, "0"),
    partnerId: "demo",
    playerId: "player-1001",
    playerNickname: "LuckyLuca",
    gameId: "lm_monaco_riches",
    gameType: "slot",
    currency: "EUR",
    language: "en",
    partnerSessionId: "op-1",
    playerIp: "203.0.113.42",
    tokenHash: `hash-${counter}`,
    createdAt: 1000,
    ...overrides,
  };
}

const key = (uuid: string, fingerprint = "f1", operationId: IdempotencyKey["operationId"] = "enterGameSession"): IdempotencyKey => ({ partnerId: "demo", uuid, operationId, fingerprint });

beforeEach(async () => {
  store = await openSqliteStore({ location: ":memory:" });
  await store.migrate();
});
afterEach(() => store.close());

describe("openSession", () => {
  it("stores every field of a new session as active", async () => {
    const created = session();
    expect(await store.openSession(key("u1"), created)).toEqual({ outcome: "created", value: { sessionId: created.id } });
    expect(await store.getSession(created.id)).toEqual({ ...created, status: "active", lastActivityAt: 1000, historyCleared: false, endedAt: undefined });
  });

  it("replays the first session for the same key and fingerprint, without a second session", async () => {
    const first = session();
    await store.openSession(key("u1"), first);
    const second = session();
    expect(await store.openSession(key("u1"), second)).toEqual({ outcome: "replayed", value: { sessionId: first.id } });
    expect(await store.getSession(second.id)).toBeUndefined();
  });

  it("reports a conflict for the same key with another fingerprint or operation", async () => {
    await store.openSession(key("u1"), session());
    expect(await store.openSession(key("u1", "f2"), session())).toEqual({ outcome: "conflict" });
    expect(await store.closeSessionsOnce(key("u1", "f1", "closeSessionKyren"), { partnerId: "demo", playerId: "p", gameId: undefined, clearHistory: false }, 2)).toEqual({ outcome: "conflict" });
  });

  it("keeps keys per partner", async () => {
    await store.openSession(key("u1"), session());
    expect((await store.openSession({ ...key("u1"), partnerId: "other" }, session({ partnerId: "other" }))).outcome).toBe("created");
  });

  it("settles concurrent requests with one key to one session", async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => store.openSession(key("race"), session())));
    expect(results.filter((result) => result.outcome === "created")).toHaveLength(1);
    const ids = new Set(results.map((result) => (result.outcome === "conflict" ? "conflict" : result.value.sessionId)));
    expect(ids.size).toBe(1);
  });
});

describe("group commit", () => {
  it("fails only the write that breaks a constraint, not the others committed with it", async () => {
    const taken = session({ tokenHash: "same-token-hash" });
    await store.openSession(key("first"), taken);
    const clash = session({ tokenHash: "same-token-hash" });
    const fine = session();
    const [clashed, ok] = await Promise.allSettled([store.openSession(key("clash"), clash), store.openSession(key("fine"), fine)]);
    expect(clashed.status).toBe("rejected");
    expect(ok).toEqual({ status: "fulfilled", value: { outcome: "created", value: { sessionId: fine.id } } });
    expect(await store.getSession(fine.id)).toBeDefined();
    expect(await store.getSession(clash.id)).toBeUndefined();
    // The failed request's key was rolled back with it, so a corrected retry can use it.
    expect((await store.openSession(key("clash"), session())).outcome).toBe("created");
  });
});

describe("closeSessions", () => {
  it("closes all of the player's active sessions, or only those of one game", async () => {
    const a = session({ gameId: "a" });
    const b = session({ gameId: "b" });
    const other = session({ playerId: "someone-else" });
    for (const [index, created] of [a, b, other].entries()) await store.openSession(key(`k${index}`), created);
    expect(await store.closeSessions({ partnerId: "demo", playerId: "player-1001", gameId: "a", clearHistory: false }, 50)).toBe(1);
    expect((await store.getSession(a.id))?.status).toBe("closed");
    expect((await store.getSession(b.id))?.status).toBe("active");
    expect(await store.closeSessions({ partnerId: "demo", playerId: "player-1001", gameId: undefined, clearHistory: false }, 60)).toBe(1);
    expect((await store.getSession(b.id))).toMatchObject({ status: "closed", endedAt: 60 });
    expect((await store.getSession(other.id))?.status).toBe("active");
  });

  it("records clearHistory, also on sessions closed before, and is idempotent", async () => {
    const a = session();
    await store.openSession(key("k"), a);
    await store.closeSessions({ partnerId: "demo", playerId: "player-1001", gameId: undefined, clearHistory: false }, 5);
    expect((await store.getSession(a.id))?.historyCleared).toBe(false);
    expect(await store.closeSessions({ partnerId: "demo", playerId: "player-1001", gameId: undefined, clearHistory: true }, 6)).toBe(0);
    expect((await store.getSession(a.id))).toMatchObject({ status: "closed", historyCleared: true, endedAt: 5 });
  });

  it("closes at most once per Kyren key", async () => {
    const filter = { partnerId: "demo", playerId: "player-1001", gameId: undefined, clearHistory: false };
    const first = session();
    await store.openSession(key("e1"), first);
    expect(await store.closeSessionsOnce(key("k1", "f", "closeSessionKyren"), filter, 10)).toEqual({ outcome: "created", value: undefined });
    const later = session();
    await store.openSession(key("e2"), later);
    expect(await store.closeSessionsOnce(key("k1", "f", "closeSessionKyren"), filter, 20)).toEqual({ outcome: "replayed", value: undefined });
    expect((await store.getSession(later.id))?.status).toBe("active");
  });
});

describe("expiry and callbacks", () => {
  it("expires idle sessions and queues callbacks only for partners that want them", async () => {
    const idle = session({ createdAt: 100 });
    const fresh = session({ createdAt: 900 });
    const otherPartner = session({ createdAt: 100, partnerId: "quiet" });
    for (const [index, created] of [idle, fresh, otherPartner].entries()) await store.openSession({ ...key(`x${index}`), partnerId: created.partnerId }, created);
    const expired = await store.expireIdleSessions(500, 1000, new Set(["demo"]));
    expect(expired.map((entry) => entry.sessionId).sort()).toEqual([idle.id, otherPartner.id].sort());
    expect((await store.getSession(fresh.id))?.status).toBe("active");
    expect(await store.dueCallbacks(1000, 10)).toEqual([{ sessionId: idle.id, partnerId: "demo", playerId: "player-1001", attempts: 0 }]);
    expect(await store.expireIdleSessions(500, 1001, new Set(["demo"]))).toEqual([]);
  });

  it("reschedules, delivers and gives up on callbacks", async () => {
    const idle = session({ createdAt: 1 });
    await store.openSession(key("c"), idle);
    await store.expireIdleSessions(10, 20, new Set(["demo"]));
    await store.recordCallbackAttempt(idle.id, { state: "pending", nextAttemptAt: 100, error: "HTTP 503" }, 21);
    expect(await store.dueCallbacks(99, 10)).toEqual([]);
    expect(await store.dueCallbacks(100, 10)).toMatchObject([{ sessionId: idle.id, attempts: 1 }]);
    await store.recordCallbackAttempt(idle.id, { state: "delivered" }, 101);
    expect(await store.dueCallbacks(1000, 10)).toEqual([]);
  });

  it("forgets old idempotency keys only", async () => {
    await store.openSession(key("old"), session({ createdAt: 1 }));
    await store.openSession(key("new"), session({ createdAt: 5000 }));
    expect(await store.forgetIdempotencyKeys(1000)).toBe(1);
    expect((await store.openSession(key("new", "other"), session())).outcome).toBe("conflict");
  });
});

describe("files and migrations", () => {
  const dir = mkdtempSync(join(tmpdir(), "session-store-"));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("creates the file and its directory, and migrates again without harm", async () => {
    const location = join(dir, "nested", "sessions.db");
    const first = await openSqliteStore({ location });
    await first.migrate();
    const created = session();
    await first.openSession(key("m"), created);
    await first.close();
    const second = await openSqliteStore({ location });
    await second.migrate();
    expect((await second.getSession(created.id))?.id).toBe(created.id);
    await second.close();
  });

  it("refuses a database URL it cannot serve, with a clear message", async () => {
    await expect(openSqliteStore({ location: "postgres://db.example/sessions" })).rejects.toThrow(/unsupported database URL postgres:\/\/db.example\/sessions/);
  });
});
