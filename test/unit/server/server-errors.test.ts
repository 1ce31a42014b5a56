// An unexpected failure inside a handler is a documented 500 `G.01` in the operation's own
// error shape, with exactly `Content-Type: application/json`; never a stack trace.
import { afterAll, beforeAll, expect, it } from "vitest";
import { openSqliteStore } from "../../../src/store/sqlite/store.js";
import { enterBody, postRaw, SANDBOX } from "../../support/requests.js";
import { startTestServer, type TestServer } from "../../support/servers.js";

let server: TestServer;
beforeAll(async () => {
  const store = await openSqliteStore({ location: ":memory:" });
  const failing = Object.assign(Object.create(Object.getPrototypeOf(store)), store, {
    openSession: () => Promise.reject(new Error("disk on fire")),
    closeSessionsOnce: () => Promise.reject(new Error("disk on fire")),
  });
  server = await startTestServer({ store: failing });
});
afterAll(() => server.close());

it.each([
  ["/api/session", () => enterBody(), { errors: { code: "G.01", message: "System error" } }],
  [
    "/v1/CloseSession",
    () => ({ secureLogin: "demo", token: SANDBOX.kyrenToken, userId: "p", uuid: crypto.randomUUID() }),
    { error: "G.01", description: "System error" },
  ],
])("%s answers 500 G.01 when the store fails", async (path, body, expected) => {
  const response = await postRaw(server.baseUrl, path, JSON.stringify(body()));
  expect(response).toEqual({ status: 500, contentType: "application/json", body: expected });
});

it("answers /health with 503 when the database hangs instead of failing (within its deadline, not the store's timeouts)", async () => {
  const store = await openSqliteStore({ location: ":memory:" });
  const hanging = Object.assign(Object.create(Object.getPrototypeOf(store)), store, {
    ping: () => new Promise<void>(() => undefined),
    callbackStats: () => new Promise<never>(() => undefined),
  });
  const hung = await startTestServer({ store: hanging });
  try {
    const health = await fetch(`${hung.baseUrl}/health`);
    expect([health.status, await health.json()]).toEqual([503, { status: "unavailable", reason: "the database did not answer" }]);
  } finally {
    await hung.close();
  }
});
