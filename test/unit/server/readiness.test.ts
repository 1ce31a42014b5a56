// Readiness that tells the truth (src/server/readiness.ts, src/server/health.ts): a failed
// write makes /health/ready and /health answer 503 at once, /health/live stays 200, and a
// later successful write makes the instance ready again by itself; shutting down reports
// draining. And load shedding (src/http/load-shedding.ts): while the event loop is far
// behind, a new API request gets 503 G.08 with Retry-After in its operation's envelope,
// and the health endpoints are still answered.
import { afterEach, describe, expect, it } from "vitest";
import { FAILURE_HOLD_MS, Readiness, watchWrites } from "../../../src/server/readiness.js";
import { openSqliteStore } from "../../../src/store/sqlite/store.js";
import type { SessionStore } from "../../../src/store/session-store.js";
import { enterBody, postRaw } from "../../support/requests.js";
import { startTestServer, type TestServer } from "../../support/servers.js";

describe("Readiness", () => {
  it("is not ready after a failed write, until a write succeeds once the hold has passed", () => {
    let clock = 0;
    const readiness = new Readiness(() => clock);
    expect(readiness.notReady()).toBeUndefined();
    readiness.noteWrite(false, "SQLITE_FULL: database or disk is full");
    expect(readiness.notReady()).toEqual({ reason: "store cannot write", error: "SQLITE_FULL: database or disk is full" });
    clock += 100;
    readiness.noteWrite(true);
    expect(readiness.notReady()?.reason, "one lucky write within the hold").toBe("store cannot write");
    clock += FAILURE_HOLD_MS;
    expect(readiness.notReady()).toBeUndefined();
    readiness.draining = true;
    expect(readiness.notReady()).toEqual({ reason: "draining" });
  });
});

describe("the health endpoints", () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it("report a store that cannot write, and recover by themselves when it can", async () => {
    let clock = Date.now();
    let failing = false;
    const readiness = new Readiness(() => clock);
    const inner = await openSqliteStore({ location: ":memory:" });
    const flaky: SessionStore = Object.assign(Object.create(inner), {
      openSession: (...args: Parameters<SessionStore["openSession"]>) =>
        failing ? Promise.reject(new Error("SQLITE_FULL: database or disk is full")) : inner.openSession(...args),
    });
    server = await startTestServer({ store: watchWrites(flaky, readiness), readiness });
    const get = async (path: string) => {
      const response = await fetch(`${server!.baseUrl}${path}`);
      return [response.status, await response.json()];
    };
    expect(await get("/health/ready")).toEqual([200, { status: "ok" }]);
    failing = true;
    expect((await postRaw(server.baseUrl, "/api/session", JSON.stringify(enterBody()))).status).toBe(500);
    expect(await get("/health/ready")).toEqual([503, { status: "unavailable", reason: "store cannot write" }]);
    expect(await get("/health")).toEqual([503, { status: "unavailable", reason: "store cannot write" }]);
    expect(await get("/health/live")).toEqual([200, { status: "ok" }]);
    failing = false;
    clock += FAILURE_HOLD_MS;
    expect((await postRaw(server.baseUrl, "/api/session", JSON.stringify(enterBody()))).status).toBe(200);
    expect(await get("/health/ready")).toEqual([200, { status: "ok" }]);
    readiness.draining = true;
    expect(await get("/health/ready")).toEqual([503, { status: "draining" }]);
    expect(await get("/health/live")).toEqual([200, { status: "ok" }]);
  });

  it("shed API requests with 503 G.08 and Retry-After while the event loop is far behind, and still answer the health endpoints", async () => {
    server = await startTestServer({ overload: { maxEventLoopDelayMs: 50, retryAfterSeconds: 2 } });
    // Hold the event loop for longer than one sample of the delay (1 s).
    const until = Date.now() + 1300;
    while (Date.now() < until);
    let shed: Awaited<ReturnType<typeof postRaw>> | undefined;
    let retryAfter: string | null = null;
    const deadline = Date.now() + 3000;
    while (!shed && Date.now() < deadline) {
      const response = await fetch(`${server.baseUrl}/api/session?MEMB_ID=demo&HASH=x`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{}",
      });
      if (response.status === 503) {
        retryAfter = response.headers.get("retry-after");
        shed = { status: 503, contentType: response.headers.get("content-type"), body: await response.json() };
        const live = await fetch(`${server.baseUrl}/health/live`);
        expect(live.status, "the health endpoints are never shed").toBe(200);
      } else await response.arrayBuffer();
    }
    expect(shed).toEqual({
      status: 503,
      contentType: "application/json",
      body: { errors: { code: "G.08", message: "Service unavailable: the receiver is overloaded; retry after 2 seconds" } },
    });
    expect(retryAfter).toBe("2");
  });
});
