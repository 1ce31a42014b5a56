// The store's side of background work that stays cheap at any size, on both stores:
// expiry, key pruning and session retention in batches with a limit; the outbox counts
// kept exact in the write path through every state change, and set up by the migration
// on an existing outbox; large closes; clearHistory rewriting only the rows it changes.
// The plans at a million rows are held in test/integration/store/plans.test.ts.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { openStore } from "../../../src/store/open-store.js";
import type { CallbackStats, SessionStore } from "../../../src/store/session-store.js";
import { claim, everything, key, postgresBackend, session, sqliteBackend } from "../../support/store-backends.js";

describe.each([sqliteBackend(), postgresBackend()])("background work on $name", (backend) => {
  let url: string;
  let store: SessionStore;

  /** Opens `count` sessions of `playerId` (partner demo) created at `createdAt`; returns their ids. */
  async function openMany(count: number, createdAt: number, playerId = "player-1001", partnerId = "demo"): Promise<string[]> {
    const ids: string[] = [];
    for (let index = 0; index < count; index++) {
      const created = session({ createdAt: createdAt + index, playerId, partnerId });
      await store.openSession({ ...key(`${created.id}`), partnerId }, created);
      ids.push(created.id);
    }
    return ids;
  }

  /** The outbox counts as the tables hold them, counted row by row: the ground truth of callbackStats. */
  async function countedByHand(): Promise<Omit<CallbackStats, "oldestPendingCreatedAt">> {
    const rows = await backend.query(
      url,
      "SELECT partner_id, state, count(*) AS n FROM callbacks WHERE state IN ('pending', 'failed') GROUP BY partner_id, state",
    );
    const pick = (state: string) =>
      new Map(rows.filter((row) => row.state === state).map((row) => [row.partner_id as string, Number(row.n)]));
    return { pendingByPartner: pick("pending"), failedByPartner: pick("failed") };
  }
  const counts = async () => {
    const { pendingByPartner, failedByPartner } = await store.callbackStats();
    return { pendingByPartner, failedByPartner };
  };

  describe.skipIf(backend.skip)("contract", () => {
    beforeAll(() => backend.setup());
    afterAll(() => backend.teardown());
    beforeEach(async () => {
      url = await backend.freshDatabase();
      store = await openStore(url);
      await store.migrate();
    });
    afterEach(() => store.close());

    it("expires at most the limit, longest idle first, until none is left", async () => {
      const ids = await openMany(7, 100);
      const fresh = await openMany(1, 900, "player-2");
      const first = await store.expireIdleSessions(500, 1000, new Set(["demo"]), 3);
      expect(first.map((expired) => expired.sessionId)).toEqual(ids.slice(0, 3));
      expect((await store.expireIdleSessions(500, 1000, new Set(["demo"]), 3)).map((expired) => expired.sessionId)).toEqual(
        ids.slice(3, 6),
      );
      expect((await store.expireIdleSessions(500, 1000, new Set(["demo"]), 3)).map((expired) => expired.sessionId)).toEqual(ids.slice(6));
      expect(await store.expireIdleSessions(500, 1000, new Set(["demo"]), 3)).toEqual([]);
      expect(await store.getSession(fresh[0]!)).toMatchObject({ status: "active" });
      expect((await store.callbackStats()).pendingByPartner.get("demo")).toBe(7);
    });

    it("forgets at most the limit of old idempotency keys, oldest first", async () => {
      await openMany(5, 100);
      expect(await store.forgetIdempotencyKeys(103, 2)).toBe(2);
      expect(await store.forgetIdempotencyKeys(103, 2)).toBe(1);
      expect(await store.forgetIdempotencyKeys(103, 2)).toBe(0);
      const left = await backend.query(url, "SELECT created_at FROM idempotency_keys ORDER BY created_at");
      expect(left.map((row) => Number(row.created_at))).toEqual([103, 104]);
    });

    it("walks ended sessions in batches after a cursor, deleting those no callback refers to, never active ones", async () => {
      const closed = await openMany(3, 100, "closing");
      await store.closeSessions(everything("closing"), 200);
      const expired = await openMany(2, 100, "expiring");
      await store.expireIdleSessions(150, 300, new Set(["demo"]), 10); // queues a callback for each
      const active = await openMany(1, 100, "staying");
      const first = await store.forgetEndedSessions(1000, 2, undefined);
      expect(first).toMatchObject({ deleted: 2, visited: 2 });
      const second = await store.forgetEndedSessions(1000, 2, first.cursor);
      expect(second).toMatchObject({ deleted: 1, visited: 2 }); // the third closed one, and an expired one kept for its callback
      const third = await store.forgetEndedSessions(1000, 2, second.cursor);
      expect(third).toMatchObject({ deleted: 0, visited: 1 });
      expect(await store.forgetEndedSessions(1000, 2, third.cursor)).toEqual({ deleted: 0, visited: 0, cursor: undefined });
      for (const id of closed) expect(await store.getSession(id)).toBeUndefined();
      for (const id of expired) expect(await store.getSession(id)).toMatchObject({ status: "expired" });
      expect(await store.getSession(active[0]!)).toMatchObject({ status: "active" });
      // Nothing ended before the cutoff is visited at all.
      expect(await store.forgetEndedSessions(200, 10, undefined)).toEqual({ deleted: 0, visited: 0, cursor: undefined });
    });

    it("deletes an ended session once its delivered callback is gone", async () => {
      const [id] = await openMany(1, 100);
      await store.expireIdleSessions(150, 300, new Set(["demo"]), 10);
      const [callback] = await claim(store, 300, 10, 1000);
      await store.recordCallbackAttempt(callback!, { state: "delivered", status: 200 }, 310);
      expect((await store.forgetEndedSessions(1000, 10, undefined)).deleted).toBe(0);
      expect(await store.forgetDeliveredCallbacks(1000, 10)).toBe(1);
      expect((await store.forgetEndedSessions(1000, 10, undefined)).deleted).toBe(1);
      expect(await store.getSession(id!)).toBeUndefined();
    });

    it("keeps the outbox counts exact through every change of state", async () => {
      await openMany(6, 100, "p", "a");
      await openMany(4, 100, "p", "b");
      await store.expireIdleSessions(500, 1000, new Set(["a", "b"]), 100);
      expect(await counts()).toEqual(await countedByHand());
      const claimed = await claim(store, 1000, 100, 60_000);
      expect(await counts()).toEqual(await countedByHand()); // a lease changes no state
      const outcomes = [
        { state: "delivered", status: 200 },
        { state: "delivered", status: 200 },
        { state: "failed", error: "HTTP 404", status: 404 },
        { state: "failed", error: "HTTP 410", status: 410 },
        { state: "pending", nextAttemptAt: 2000, error: "HTTP 503", status: 503 },
      ] as const;
      for (const [index, callback] of claimed.entries())
        await store.recordCallbackAttempt(callback, outcomes[index % outcomes.length]!, 1100);
      expect(await counts()).toEqual(await countedByHand());
      expect((await store.callbackStats()).failedByPartner.size).toBeGreaterThan(0);
      await store.redeliverCallbacks({ partnerId: "a", state: "failed" }, 1200);
      expect(await counts()).toEqual(await countedByHand());
      await store.redeliverCallbacks({ sessionIds: claimed.map((callback) => callback.sessionId) }, 1300);
      expect(await counts()).toEqual(await countedByHand());
      expect(await counts()).toEqual({
        pendingByPartner: new Map([
          ["a", 6],
          ["b", 4],
        ]),
        failedByPartner: new Map(),
      });
      for (const callback of await claim(store, 1300, 100, 60_000))
        await store.recordCallbackAttempt(callback, { state: "delivered", status: 200 }, 1400);
      expect(await store.forgetDeliveredCallbacks(5000, 100)).toBe(10);
      expect(await counts()).toEqual({ pendingByPartner: new Map(), failedByPartner: new Map() });
    });

    it("counts the callbacks already in the outbox when the counters are added", async () => {
      const callbacks = [
        ["a".repeat(32), "a", "pending"],
        ["b".repeat(32), "a", "failed"],
        ["c".repeat(32), "b", "pending"],
        ["d".repeat(32), "b", "delivered"],
      ] as const;
      const older = await backend.databaseBefore(
        "counts",
        callbacks
          .map(
            ([id, partner, state], index) => `
          INSERT INTO sessions (id, partner_id, player_id, game_id, game_type, currency, language, partner_session_id, player_ip, token_hash, status, created_at, last_activity_at, ended_at)
          VALUES ('${id}', '${partner}', 'p', 'g', 'slot', 'EUR', 'en', 'op', '203.0.113.1', 'token-${id}', 'expired', 1, 1, 20);
          INSERT INTO callbacks (session_id, partner_id, player_id, callback_id, created_at, state, attempts, next_attempt_at, updated_at)
          VALUES ('${id}', '${partner}', 'p', 'cb-${index}', ${20 + index}, '${state}', 1, 30, 25);`,
          )
          .join("\n"),
      );
      const migrated = await openStore(older);
      try {
        await migrated.migrate();
        expect(await migrated.callbackStats()).toEqual({
          pendingByPartner: new Map([
            ["a", 1],
            ["b", 1],
          ]),
          failedByPartner: new Map([["a", 1]]),
          oldestPendingCreatedAt: 20,
        });
      } finally {
        await migrated.close();
      }
    });

    it("closes a player with hundreds of active sessions, and replays such a close without closing new ones", async () => {
      const many = await openMany(450, 100, "whale");
      expect(await store.closeSessions(everything("whale"), 500)).toBe(450);
      const left = await backend.query(url, "SELECT count(*) AS n FROM sessions WHERE player_id = 'whale' AND status = 'active'");
      expect(Number(left[0]!.n)).toBe(0);
      await openMany(450, 600, "whale");
      expect(
        await store.closeSessionsOnce(key("close-1", "f", "closeSession"), { ...everything("whale"), clearHistory: true }, 700),
      ).toEqual({ outcome: "created", value: undefined });
      const cleared = await backend.query(
        url,
        `SELECT count(*) AS n FROM sessions WHERE player_id = 'whale' AND status = 'closed' AND history_cleared = ${backend.name === "SQLite" ? "1" : "true"}`,
      );
      expect(Number(cleared[0]!.n)).toBe(900);
      const later = await openMany(1, 800, "whale");
      expect(
        await store.closeSessionsOnce(key("close-1", "f", "closeSession"), { ...everything("whale"), clearHistory: true }, 900),
      ).toEqual({ outcome: "replayed", value: undefined });
      expect(await store.getSession(later[0]!)).toMatchObject({ status: "active" });
      expect(await store.getSession(many[0]!)).toMatchObject({ status: "closed", endedAt: 500, historyCleared: true });
    });

    it("rewrites only the sessions whose history is not cleared yet", async () => {
      await openMany(20, 100, "cleared");
      await store.closeSessions({ ...everything("cleared"), clearHistory: true }, 200);
      const before = await backend.query(
        url,
        backend.name === "SQLite"
          ? "SELECT count(*) AS n FROM sessions"
          : "SELECT count(*) AS n, min(xmin::text) AS low, max(xmin::text) AS high FROM sessions",
      );
      if (backend.name === "SQLite") {
        await backend.exec(
          url,
          "CREATE TABLE rewritten (id TEXT); CREATE TRIGGER noted AFTER UPDATE ON sessions BEGIN INSERT INTO rewritten VALUES (new.id); END;",
        );
      }
      expect(await store.closeSessions({ ...everything("cleared"), clearHistory: true }, 300)).toBe(0);
      if (backend.name === "SQLite") {
        expect(await backend.query(url, "SELECT count(*) AS n FROM rewritten")).toEqual([{ n: 0 }]);
      } else {
        // A PostgreSQL UPDATE writes a new row version with a new xmin, even when nothing changes.
        expect(await backend.query(url, "SELECT count(*) AS n, min(xmin::text) AS low, max(xmin::text) AS high FROM sessions")).toEqual(
          before,
        );
      }
    });
  });
});
