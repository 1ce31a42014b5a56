// The SessionStore contract, run against both implementations (SQLite and PostgreSQL):
// idempotency, concurrency (also between two instances on one database), close
// semantics, expiry with callbacks, callback leases, durability and migrations. The
// PostgreSQL cases need TEST_DATABASE_URL (see test/support/postgres.ts).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { openStore } from "../../../src/store/open-store.js";
import type { SessionStore } from "../../../src/store/session-store.js";
import { claim, everything, key, postgresBackend, session, sqliteBackend, UUID_V4 } from "../../support/store-backends.js";

describe.each([sqliteBackend(), postgresBackend()])("SessionStore on $name", (backend) => {
  let url: string;
  let store: SessionStore;
  /** Stores opened by a test besides `store`: other instances on the same database. */
  let others: SessionStore[] = [];
  const another = async () => {
    const opened = await openStore(url);
    await opened.migrate();
    others.push(opened);
    return opened;
  };

  describe.skipIf(backend.skip)("contract", () => {
    beforeAll(() => backend.setup());
    afterAll(() => backend.teardown());
    beforeEach(async () => {
      url = await backend.freshDatabase();
      store = await openStore(url);
      await store.migrate();
    });
    afterEach(async () => {
      await Promise.all([store, ...others].map((opened) => opened.close()));
      others = [];
    });

    describe("idempotency", () => {
      it("stores every field of a new session as active", async () => {
        const created = session();
        expect(await store.openSession(key("u1"), created)).toEqual({ outcome: "created", value: { sessionId: created.id } });
        expect(await store.getSession(created.id)).toEqual({
          ...created,
          status: "active",
          lastActivityAt: 1000,
          historyCleared: false,
          endedAt: undefined,
        });
        expect(await store.findSessionByTokenHash(created.tokenHash)).toMatchObject({ id: created.id });
        expect(await store.findSessionByTokenHash("no-such-hash")).toBeUndefined();
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
        expect(await store.closeSessionsOnce(key("u1", "f1", "closeSessionKyren"), { ...everything("p"), clearHistory: false }, 2)).toEqual(
          { outcome: "conflict" },
        );
      });

      it("keeps keys per partner", async () => {
        await store.openSession(key("u1"), session());
        expect((await store.openSession({ ...key("u1"), partnerId: "other" }, session({ partnerId: "other" }))).outcome).toBe("created");
      });

      it("fails only the write that breaks a constraint, not the others sent with it, and frees its key", async () => {
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

      it("forgets old idempotency keys only", async () => {
        await store.openSession(key("old"), session({ createdAt: 1 }));
        await store.openSession(key("new"), session({ createdAt: 5000 }));
        expect(await store.forgetIdempotencyKeys(1000, 100)).toBe(1);
        expect((await store.openSession(key("new", "other"), session())).outcome).toBe("conflict");
        expect((await store.openSession(key("old", "other"), session())).outcome).toBe("created");
      });
    });

    describe("concurrency, also between two instances on one database", () => {
      it("settles concurrent requests with one key and one body to one session", async () => {
        const second = await another();
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, index) => (index % 2 ? second : store).openSession(key("race"), session())),
        );
        expect(results.filter((result) => result.outcome === "created")).toHaveLength(1);
        const ids = new Set(results.map((result) => (result.outcome === "conflict" ? "conflict" : result.value.sessionId)));
        expect(ids.size).toBe(1);
        expect(await second.getSession([...ids][0]!)).toMatchObject({ status: "active" });
      });

      it("lets exactly one of concurrent requests with one key and different bodies take effect", async () => {
        const second = await another();
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, index) => (index % 2 ? second : store).openSession(key("race", `body-${index}`), session())),
        );
        expect(results.filter((result) => result.outcome === "created")).toHaveLength(1);
        expect(results.filter((result) => result.outcome === "conflict")).toHaveLength(19);
      });

      it("closes on one instance a session opened on another", async () => {
        const second = await another();
        const opened = session();
        await store.openSession(key("a"), opened);
        expect(await second.closeSessions(everything(), 50)).toBe(1);
        expect(await store.getSession(opened.id)).toMatchObject({ status: "closed", endedAt: 50 });
      });

      it("closes at most once per Kyren key under concurrent calls", async () => {
        const second = await another();
        await store.openSession(key("e1"), session());
        const results = await Promise.all(
          Array.from({ length: 10 }, (_, index) =>
            (index % 2 ? second : store).closeSessionsOnce(key("k1", "f", "closeSessionKyren"), everything(), 10),
          ),
        );
        expect(results.filter((result) => result.outcome === "created")).toHaveLength(1);
        expect(results.filter((result) => result.outcome === "replayed")).toHaveLength(9);
      });

      it("expires each idle session once, and queues its callback once, when instances sweep together", async () => {
        const second = await another();
        const idle = Array.from({ length: 30 }, (_, index) => session({ createdAt: 100, playerId: `idle-${index}` }));
        for (const [index, created] of idle.entries()) await store.openSession(key(`idle-${index}`), created);
        const sweeps = await Promise.all(
          Array.from({ length: 6 }, (_, index) => (index % 2 ? second : store).expireIdleSessions(500, 1000, new Set(["demo"]), 1000)),
        );
        const expired = sweeps.flat().map((entry) => entry.sessionId);
        expect(expired.sort()).toEqual(idle.map((created) => created.id).sort());
        const claimed = await claim(store, 1000, 100, 60_000);
        expect(claimed.map((callback) => callback.sessionId).sort()).toEqual(idle.map((created) => created.id).sort());
      });

      it("never hands one callback to two concurrent claims", async () => {
        const second = await another();
        const idle = Array.from({ length: 20 }, (_, index) => session({ createdAt: 100, playerId: `cb-${index}` }));
        for (const [index, created] of idle.entries()) await store.openSession(key(`cb-${index}`), created);
        await store.expireIdleSessions(500, 1000, new Set(["demo"]), 1000);
        const claims = await Promise.all(Array.from({ length: 10 }, (_, index) => claim(index % 2 ? second : store, 1000, 3, 60_000)));
        const claimedIds = claims.flat().map((callback) => callback.sessionId);
        expect(new Set(claimedIds).size).toBe(claimedIds.length);
        expect(claimedIds.sort()).toEqual(idle.map((created) => created.id).sort());
      });
    });

    describe("close", () => {
      it("closes all of the player's active sessions, or only those of one game", async () => {
        const a = session({ gameId: "a" });
        const b = session({ gameId: "b" });
        const other = session({ playerId: "someone-else" });
        for (const [index, created] of [a, b, other].entries()) await store.openSession(key(`k${index}`), created);
        expect(await store.closeSessions({ ...everything(), gameId: "a" }, 50)).toBe(1);
        expect((await store.getSession(a.id))?.status).toBe("closed");
        expect((await store.getSession(b.id))?.status).toBe("active");
        expect(await store.closeSessions(everything(), 60)).toBe(1);
        expect(await store.getSession(b.id)).toMatchObject({ status: "closed", endedAt: 60, lastActivityAt: 60 });
        expect((await store.getSession(other.id))?.status).toBe("active");
      });

      it("records clearHistory, also on sessions closed before, and is idempotent", async () => {
        const a = session();
        await store.openSession(key("k"), a);
        await store.closeSessions(everything(), 5);
        expect((await store.getSession(a.id))?.historyCleared).toBe(false);
        expect(await store.closeSessions({ ...everything(), clearHistory: true }, 6)).toBe(0);
        expect(await store.getSession(a.id)).toMatchObject({ status: "closed", historyCleared: true, endedAt: 5 });
        const b = session();
        await store.openSession(key("k2"), b);
        expect(await store.closeSessions({ ...everything(), clearHistory: true }, 7)).toBe(1);
        expect(await store.getSession(b.id)).toMatchObject({ status: "closed", historyCleared: true, endedAt: 7 });
      });

      it("closes at most once per Kyren key", async () => {
        const first = session();
        await store.openSession(key("e1"), first);
        expect(await store.closeSessionsOnce(key("k1", "f", "closeSessionKyren"), everything(), 10)).toEqual({
          outcome: "created",
          value: undefined,
        });
        expect((await store.getSession(first.id))?.status).toBe("closed");
        const later = session();
        await store.openSession(key("e2"), later);
        expect(await store.closeSessionsOnce(key("k1", "f", "closeSessionKyren"), everything(), 20)).toEqual({
          outcome: "replayed",
          value: undefined,
        });
        expect((await store.getSession(later.id))?.status).toBe("active");
      });
    });

    describe("expiry and callbacks", () => {
      it("expires idle sessions and queues callbacks only for partners that want them", async () => {
        const idle = session({ createdAt: 100 });
        const fresh = session({ createdAt: 900 });
        const otherPartner = session({ createdAt: 100, partnerId: "quiet" });
        for (const [index, created] of [idle, fresh, otherPartner].entries())
          await store.openSession({ ...key(`x${index}`), partnerId: created.partnerId }, created);
        const expired = await store.expireIdleSessions(500, 1000, new Set(["demo"]), 1000);
        expect(expired.map((entry) => entry.sessionId).sort()).toEqual([idle.id, otherPartner.id].sort());
        expect(await store.getSession(idle.id)).toMatchObject({ status: "expired", endedAt: 1000 });
        expect((await store.getSession(fresh.id))?.status).toBe("active");
        expect(await claim(store, 1000, 10, 100)).toEqual([
          {
            sessionId: idle.id,
            partnerId: "demo",
            playerId: "player-1001",
            callbackId: expect.stringMatching(UUID_V4),
            createdAt: 1000,
            attempts: 0,
            lease: expect.any(String),
          },
        ]);
        expect(await store.expireIdleSessions(500, 1001, new Set(["demo"]), 1000)).toEqual([]);
      });

      it("reschedules, delivers and gives up on callbacks", async () => {
        const retried = session({ createdAt: 1 });
        const refused = session({ createdAt: 1, playerId: "refused" });
        await store.openSession(key("c"), retried);
        await store.openSession(key("d"), refused);
        await store.expireIdleSessions(10, 20, new Set(["demo"]), 1000);
        const claimed = await claim(store, 20, 10, 100);
        expect(claimed.map((callback) => callback.attempts)).toEqual([0, 0]);
        const [first, second] = [
          claimed.find((callback) => callback.sessionId === retried.id)!,
          claimed.find((callback) => callback.sessionId === refused.id)!,
        ];
        expect(await store.recordCallbackAttempt(first, { state: "pending", nextAttemptAt: 100, error: "HTTP 503" }, 21)).toBe(true);
        expect(await store.recordCallbackAttempt(second, { state: "failed", error: "HTTP 400" }, 21)).toBe(true);
        expect(await claim(store, 99, 10, 100)).toEqual([]);
        const again = await claim(store, 100, 10, 100);
        expect(again).toMatchObject([{ sessionId: retried.id, attempts: 1 }]);
        expect(await store.recordCallbackAttempt(again[0]!, { state: "delivered", status: 200 }, 101)).toBe(true);
        expect(await claim(store, 10_000, 10, 100)).toEqual([]);
      });

      it("hands a callback to another claimant once its lease ran out, and ignores the late holder", async () => {
        const second = await another();
        const idle = session({ createdAt: 1 });
        await store.openSession(key("lease"), idle);
        await store.expireIdleSessions(10, 20, new Set(["demo"]), 1000);
        const [held] = await claim(store, 20, 10, 1000);
        expect(held?.sessionId).toBe(idle.id);
        expect(await claim(second, 1019, 10, 1000)).toEqual([]);
        const [taken] = await claim(second, 1020, 10, 1000);
        expect(taken).toMatchObject({ sessionId: idle.id, attempts: 0 });
        expect(taken!.lease).not.toBe(held!.lease);
        // The first holder comes back late: its attempt is not recorded over the new holder's.
        expect(await store.recordCallbackAttempt(held!, { state: "delivered", status: 200 }, 1500)).toBe(false);
        expect(await second.recordCallbackAttempt(taken!, { state: "pending", nextAttemptAt: 3000, error: "HTTP 502" }, 1500)).toBe(true);
        expect(await claim(store, 3000, 10, 1000)).toMatchObject([{ sessionId: idle.id, attempts: 1 }]);
      });
    });

    describe("the callback outbox", () => {
      /** Opens `count` sessions of each partner, all idle at 1000, and expires them at `at`. */
      async function expireMany(partners: Record<string, number>, at = 2000): Promise<string[]> {
        const ids: string[] = [];
        for (const [partnerId, count] of Object.entries(partners)) {
          for (let index = 0; index < count; index++) {
            const created = session({ partnerId, createdAt: 1000, playerId: `${partnerId}-${index}` });
            await store.openSession({ ...key(`${partnerId}-${index}`), partnerId }, created);
            ids.push(created.id);
          }
        }
        await store.expireIdleSessions(1500, at, new Set(Object.keys(partners)), 1000);
        return ids;
      }

      it("gives each callback its own UUID v4 and creation time, the same on every claim", async () => {
        await expireMany({ demo: 3 });
        const first = await claim(store, 2000, 10, 100);
        expect(first.map((callback) => callback.callbackId)).toEqual([
          expect.stringMatching(UUID_V4),
          expect.stringMatching(UUID_V4),
          expect.stringMatching(UUID_V4),
        ]);
        expect(new Set(first.map((callback) => callback.callbackId)).size).toBe(3);
        expect(first.every((callback) => callback.createdAt === 2000)).toBe(true);
        for (const callback of first)
          expect(
            await store.recordCallbackAttempt(callback, { state: "pending", nextAttemptAt: 3000, error: "HTTP 503", status: 503 }, 2100),
          ).toBe(true);
        const again = await claim(store, 3000, 10, 100);
        expect(
          again
            .map(({ sessionId, callbackId, createdAt }) => ({ sessionId, callbackId, createdAt }))
            .sort((a, b) => a.sessionId.localeCompare(b.sessionId)),
        ).toEqual(
          first
            .map(({ sessionId, callbackId, createdAt }) => ({ sessionId, callbackId, createdAt }))
            .sort((a, b) => a.sessionId.localeCompare(b.sessionId)),
        );
      });

      it("claims at most each partner's limit, and of the others only partners not listed", async () => {
        await expireMany({ a: 5, b: 5, c: 2 });
        const claimed = await store.claimDueCallbacks({
          at: 2000,
          leaseMs: 100,
          perPartner: new Map([
            ["a", 2],
            ["b", 0],
          ]),
          others: 10,
        });
        const count = (partnerId: string) => claimed.filter((callback) => callback.partnerId === partnerId).length;
        expect([count("a"), count("b"), count("c")]).toEqual([2, 0, 2]);
        expect(await store.claimDueCallbacks({ at: 2000, leaseMs: 100, perPartner: new Map([["b", 3]]) })).toHaveLength(3);
        expect(await store.claimDueCallbacks({ at: 2000, leaseMs: 100 })).toEqual([]);
      });

      it("never hands one callback to two concurrent per-partner claims of two instances", async () => {
        const second = await another();
        await expireMany({ a: 20, b: 20 });
        const limits = new Map([
          ["a", 3],
          ["b", 2],
        ]);
        const claims = await Promise.all(
          Array.from({ length: 12 }, (_, index) =>
            (index % 2 ? second : store).claimDueCallbacks({ at: 2000, leaseMs: 60_000, perPartner: limits }),
          ),
        );
        // A claim may pass over callbacks another one holds for the moment; later claims take them.
        for (let more = true; more; ) {
          const later = await store.claimDueCallbacks({ at: 2000, leaseMs: 60_000, perPartner: limits });
          claims.push(later);
          more = later.length > 0;
        }
        const ids = claims.flat().map((callback) => callback.sessionId);
        expect(new Set(ids).size).toBe(ids.length);
        expect(
          claims.every(
            (batch) =>
              batch.filter((callback) => callback.partnerId === "a").length <= 3 &&
              batch.filter((callback) => callback.partnerId === "b").length <= 2,
          ),
        ).toBe(true);
        expect(ids).toHaveLength(40);
      });

      it("records the status, error and delivery time of each attempt and lists the outbox by partner and state", async () => {
        const [delivered, failed, retried] = await expireMany({ demo: 3 });
        const claimed = await claim(store, 2000, 10, 100);
        const of = (id: string) => claimed.find((callback) => callback.sessionId === id)!;
        // Recorded together: one group (SQLite) or one statement (PostgreSQL).
        expect(
          await Promise.all([
            store.recordCallbackAttempt(of(delivered!), { state: "delivered", status: 200 }, 2010),
            store.recordCallbackAttempt(of(failed!), { state: "failed", error: "HTTP 400", status: 400 }, 2011),
            store.recordCallbackAttempt(
              of(retried!),
              { state: "pending", nextAttemptAt: 9000, error: "timeout: no answer within 5000 ms" },
              2012,
            ),
            store.recordCallbackAttempt({ sessionId: retried!, lease: "not-the-lease" }, { state: "delivered", status: 200 }, 2013),
          ]),
        ).toEqual([true, true, true, false]);
        const listed = await store.listCallbacks({ limit: 10 });
        const row = (id: string) => listed.find((callback) => callback.sessionId === id);
        expect(row(delivered!)).toMatchObject({
          state: "delivered",
          attempts: 1,
          lastStatus: 200,
          lastError: undefined,
          deliveredAt: 2010,
          updatedAt: 2010,
          leasedUntil: undefined,
          createdAt: 2000,
        });
        expect(row(failed!)).toMatchObject({
          state: "failed",
          attempts: 1,
          lastStatus: 400,
          lastError: "HTTP 400",
          deliveredAt: undefined,
        });
        expect(row(retried!)).toMatchObject({
          state: "pending",
          attempts: 1,
          lastStatus: undefined,
          lastError: "timeout: no answer within 5000 ms",
          nextAttemptAt: 9000,
        });
        expect((await store.listCallbacks({ state: "failed", limit: 10 })).map((callback) => callback.sessionId)).toEqual([failed]);
        expect(await store.listCallbacks({ partnerId: "nobody", limit: 10 })).toEqual([]);
        expect(await store.listCallbacks({ limit: 2 })).toHaveLength(2);
      });

      it("deletes delivered callbacks past their retention, oldest first and at most the limit, never pending or failed ones", async () => {
        const [early, late, failed, pending] = await expireMany({ demo: 4 });
        const claimed = await claim(store, 2000, 10, 100);
        const of = (id: string) => claimed.find((callback) => callback.sessionId === id)!;
        await store.recordCallbackAttempt(of(early!), { state: "delivered", status: 200 }, 3000);
        await store.recordCallbackAttempt(of(late!), { state: "delivered", status: 200 }, 4000);
        await store.recordCallbackAttempt(of(failed!), { state: "failed", error: "HTTP 400", status: 400 }, 1000);
        await store.recordCallbackAttempt(of(pending!), { state: "pending", nextAttemptAt: 9000, error: "HTTP 503" }, 1000);
        const remaining = async () => (await store.listCallbacks({ limit: 10 })).map((callback) => callback.sessionId).sort();
        expect(await store.forgetDeliveredCallbacks(3000, 10)).toBe(0);
        expect(await store.forgetDeliveredCallbacks(10_000, 1)).toBe(1);
        expect(await remaining()).toEqual([late, failed, pending].sort());
        expect(await store.forgetDeliveredCallbacks(10_000, 10)).toBe(1);
        expect(await remaining()).toEqual([failed, pending].sort());
        expect(await store.callbackStats()).toEqual({
          pendingByPartner: new Map([["demo", 1]]),
          failedByPartner: new Map([["demo", 1]]),
          oldestPendingCreatedAt: 2000,
        });
      });

      it("counts pending and failed callbacks by partner, and knows the oldest pending one", async () => {
        expect(await store.callbackStats()).toEqual({
          pendingByPartner: new Map(),
          failedByPartner: new Map(),
          oldestPendingCreatedAt: undefined,
        });
        await expireMany({ a: 2 }, 2000);
        await expireMany({ b: 3 }, 2500);
        const [gone] = (await claim(store, 2500, 10, 100)).filter((callback) => callback.partnerId === "b");
        await store.recordCallbackAttempt(gone!, { state: "failed", error: "HTTP 404", status: 404 }, 2600);
        expect(await store.callbackStats()).toEqual({
          pendingByPartner: new Map([
            ["a", 2],
            ["b", 2],
          ]),
          failedByPartner: new Map([["b", 1]]),
          oldestPendingCreatedAt: 2000,
        });
      });

      it("re-queues a partner's dead letters, or callbacks by session, with the whole schedule again and the same id", async () => {
        const ids = await expireMany({ a: 3, b: 1 });
        const claimed = await claim(store, 2000, 10, 100);
        for (const callback of claimed)
          await store.recordCallbackAttempt(callback, { state: "failed", error: "HTTP 410", status: 410 }, 2100);
        expect(await claim(store, 99_999, 10, 100)).toEqual([]);

        expect((await store.redeliverCallbacks({ partnerId: "a", state: "failed" }, 5000)).sort()).toEqual(ids.slice(0, 3).sort());
        expect(await store.redeliverCallbacks({ sessionIds: [ids[3]!, "0".repeat(32)] }, 6000)).toEqual([ids[3]]);
        expect(await claim(store, 4999, 10, 100)).toEqual([]);
        const again = await claim(store, 6000, 10, 100);
        expect(again).toHaveLength(4);
        for (const callback of again) {
          expect(callback.attempts).toBe(0);
          expect(callback.callbackId).toBe(claimed.find((before) => before.sessionId === callback.sessionId)!.callbackId);
        }
        const listed = await store.listCallbacks({ partnerId: "a", limit: 10 });
        expect(
          listed.every((callback) => callback.state === "pending" && callback.lastError === "HTTP 410" && callback.nextAttemptAt === 5000),
        ).toBe(true);
      });

      it("gives the callbacks queued before the outbox migration an id and their creation time", async () => {
        const id = "a".repeat(32);
        const old = await backend.databaseBefore(
          "outbox",
          `
          INSERT INTO sessions (id, partner_id, player_id, game_id, game_type, currency, language, partner_session_id, player_ip, token_hash, status, created_at, last_activity_at, ended_at)
          VALUES ('${id}', 'demo', 'p', 'g', 'slot', 'EUR', 'en', 'op', '203.0.113.1', 'old-token-hash', 'expired', 1, 1, 20);
          INSERT INTO callbacks (session_id, partner_id, player_id, state, attempts, next_attempt_at, updated_at) VALUES ('${id}', 'demo', 'p', 'pending', 1, 30, 25);`,
        );
        const migrated = await openStore(old);
        others.push(migrated);
        await migrated.migrate();
        const [callback] = await claim(migrated, 30, 10, 100);
        expect(callback).toMatchObject({ sessionId: id, callbackId: expect.stringMatching(UUID_V4), createdAt: 20, attempts: 1 });
        expect(await migrated.listCallbacks({ limit: 10 })).toMatchObject([
          { sessionId: id, lastStatus: undefined, deliveredAt: undefined },
        ]);
      });
    });

    describe("durability and migrations", () => {
      it("keeps what it acknowledged for a store opened later on the same database", async () => {
        const created = session();
        await store.openSession(key("m"), created);
        await store.closeSessionsOnce(key("k", "f", "closeSessionKyren"), everything("nobody"), 3);
        await store.close();
        store = await openStore(url);
        await store.migrate(); // again: a no-op
        expect((await store.getSession(created.id))?.id).toBe(created.id);
        expect((await store.openSession(key("m"), session())).outcome).toBe("replayed");
        expect((await store.closeSessionsOnce(key("k", "f", "closeSessionKyren"), everything("nobody"), 4)).outcome).toBe("replayed");
      });

      it("migrates a new database from two instances at once", async () => {
        const fresh = await backend.freshDatabase();
        const [a, b] = await Promise.all([openStore(fresh), openStore(fresh)]);
        others.push(a, b);
        await Promise.all([a.migrate(), b.migrate()]);
        const created = session();
        expect((await a.openSession(key("after-migrate"), created)).outcome).toBe("created");
        expect((await b.getSession(created.id))?.id).toBe(created.id);
      });

      it("refuses a database whose schema is newer than the code", async () => {
        await backend.setSchemaVersion(url, 99);
        const newer = await openStore(url);
        others.push(newer);
        await expect(newer.migrate()).rejects.toThrow(/schema version 99, newer than this server knows/);
      });
    });
  });
});

describe("openStore", () => {
  it("creates a SQLite file and its directory from a path or a file: URL", async () => {
    const dir = mkdtempSync(join(tmpdir(), "session-store-"));
    try {
      for (const location of [join(dir, "nested", "a.db"), `file:${join(dir, "b.db")}`]) {
        const store = await openStore(location);
        await store.migrate();
        await store.openSession(key("f"), session());
        await store.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    [
      "mysql://app:hunter2-secret@db.example/sessions",
      /^DATABASE_URL mysql:\/\/app:\*\*\*@db\.example\/sessions: unsupported database URL scheme "mysql:"/,
    ],
    [
      "redis://:hunter2-secret@cache.example:6379",
      /^DATABASE_URL redis:\/\/:\*\*\*@cache\.example:6379: unsupported database URL scheme "redis:"/,
    ],
  ])("refuses %s naming the scheme, with the password masked", async (databaseUrl, message) => {
    const failure = await openStore(databaseUrl).then(
      () => undefined,
      (error: Error) => error,
    );
    expect(failure?.message).toMatch(message);
    expect(failure?.message).not.toContain("hunter2");
  });
});
