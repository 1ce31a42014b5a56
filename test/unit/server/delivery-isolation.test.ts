// Isolation and concurrency of the callback delivery, in-process with real
// time: a partner whose receiver accepts connections and never answers delays neither a
// healthy partner's callbacks nor expiry, attempts to one partner never exceed its bound,
// and the circuit breaker leaves a dead partner one slot.
import { signingSecret } from "@luckymonaco/session-api-client";
import { createServer } from "node:http";
import { afterEach, beforeEach, expect, it } from "vitest";
import { createSessionApiClient } from "@luckymonaco/session-api-client";
import type { Partner } from "../../../src/partners/directory.js";
import { startCallbackLoops, type CallbackLoops } from "../../support/callback-loops.js";
import { startBlackHole, type BlackHole } from "../../support/callback-receivers.js";
import { enterBody } from "../../support/requests.js";
import { eventually } from "../../support/eventually.js";
import { startTestReceiver, startTestServer, type TestReceiver, type TestServer } from "../../support/servers.js";

const healthy: Partner = {
  memberId: "casino-a",
  secret: "casino-a-secret-00001",
  kyrenToken: undefined,
  callbackUrl: undefined,
  sessionExpiredCallback: true,
};
const blackHoled: Partner = {
  memberId: "casino-b",
  secret: "casino-b-secret-00001",
  kyrenToken: undefined,
  callbackUrl: undefined,
  sessionExpiredCallback: true,
};
/** The loops' clock, 1 s ahead: every session opened by then is idle (timeout 0). */
const later = () => Date.now() + 1000;
/** Much longer than the test takes: B's attempts are still hanging when A's are all done. */
const TIMEOUT_MS = 20_000;

let server: TestServer;
let receiver: TestReceiver;
let hole: BlackHole;
let loops: CallbackLoops | undefined;

beforeEach(async () => {
  [server, receiver, hole] = await Promise.all([
    startTestServer({ partners: [healthy, blackHoled] }),
    startTestReceiver([healthy]),
    startBlackHole(),
  ]);
});
afterEach(async () => {
  await hole.close(); // ends B's attempts (network error) so that stop() need not wait for their deadline
  await loops?.stop();
  loops = undefined;
  await Promise.all([server.close(), receiver.close()]);
});

async function enter(partner: Partner, count: number): Promise<void> {
  const client = createSessionApiClient({ baseUrl: server.baseUrl, partnerId: partner.memberId, secret: signingSecret(partner.secret) });
  await Promise.all(Array.from({ length: count }, () => client.POST("/api/session", { body: enterBody() as never })));
}

it("delivers all of a healthy partner's callbacks while another partner's receiver hangs, and expiry goes on", async () => {
  loops = startCallbackLoops({
    store: server.store,
    partners: [
      { ...healthy, callbackUrl: receiver.baseUrl },
      { ...blackHoled, callbackUrl: hole.url },
    ],
    log: server.app.log,
    idleTimeoutMs: 0,
    now: later,
    attemptTimeoutMs: TIMEOUT_MS,
    concurrency: 16,
    partnerConcurrency: 4,
    pollIntervalMs: 20,
  });
  // B's callbacks first, so that they are the oldest in the outbox and take their slots first.
  await enter(blackHoled, 30);
  await loops.expiry.sweep();
  loops.delivery.wake();
  expect(await eventually(() => hole.openConnections() === 4)).toBe(true);

  await enter(healthy, 50);
  await loops.expiry.sweep();
  loops.delivery.wake();
  expect(await eventually(() => receiver.received().length === 50)).toBe(true);
  // Not one of B's attempts has ended yet: A waited for none of them.
  expect(hole.openConnections()).toBe(4);
  expect(hole.accepted()).toBe(4);

  // Expiry does not wait on delivery either: more of B's sessions expire while its attempts hang.
  await enter(blackHoled, 5);
  expect((await loops.expiry.sweep()).expired).toBe(5);
  expect((await server.store.callbackStats()).pendingByPartner.get("casino-b")).toBe(35);
  expect(receiver.received().every((entry) => entry.deliveries === 1)).toBe(true);
});

it("never runs more attempts to one partner than its bound, nor more than the total", async () => {
  let inFlight = 0;
  let most = 0;
  let mostInAll = 0;
  const slow = createServer((request, response) => {
    inFlight += 1;
    most = Math.max(most, inFlight);
    mostInAll = Math.max(mostInAll, inFlight + hole.openConnections());
    request.resume();
    setTimeout(() => {
      inFlight -= 1;
      response.writeHead(200, { "content-type": "application/json" }).end('{"error":0,"description":"Success"}');
    }, 30);
  });
  await new Promise<void>((resolve) => slow.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(slow.address() as { port: number }).port}`;
  try {
    loops = startCallbackLoops({
      store: server.store,
      partners: [
        { ...healthy, callbackUrl: url },
        { ...blackHoled, callbackUrl: hole.url },
      ],
      log: server.app.log,
      idleTimeoutMs: 0,
      now: later,
      concurrency: 5,
      partnerConcurrency: 3,
      pollIntervalMs: 20,
    });
    await enter(blackHoled, 10);
    await enter(healthy, 40);
    await loops.expiry.sweep();
    loops.delivery.wake();
    expect(
      await eventually(
        async () => (await server.store.listCallbacks({ partnerId: "casino-a", state: "delivered", limit: 100 })).length === 40,
      ),
    ).toBe(true);
    expect(most).toBeLessThanOrEqual(3);
    expect(hole.accepted()).toBeGreaterThanOrEqual(2); // B hangs: it holds what the total left it, never more than its 3
    expect(hole.accepted()).toBeLessThanOrEqual(3);
    expect(mostInAll).toBeLessThanOrEqual(5);
    expect(mostInAll).toBeGreaterThanOrEqual(4); // A's 3 beside B's first 2 at least
  } finally {
    slow.closeAllConnections();
    await new Promise((resolve) => slow.close(resolve));
  }
});

it("leaves a dead partner one probe per cool-down once its breaker opens", async () => {
  const refused = "http://127.0.0.1:9"; // nothing listens: each attempt fails at once
  loops = startCallbackLoops({
    store: server.store,
    partners: [{ ...blackHoled, callbackUrl: refused }],
    log: server.app.log,
    idleTimeoutMs: 0,
    now: later,
    retrySchedule: [0.001, 0.001, 0.001, 0.001, 0.001, 0.001, 0.001, 0.001],
    breakerThreshold: 3,
    breakerCooldownMs: 60_000,
    partnerConcurrency: 1,
    pollIntervalMs: 10,
  });
  await enter(blackHoled, 10);
  await loops.expiry.sweep();
  loops.delivery.wake();
  const attempts = async () =>
    (await server.store.listCallbacks({ partnerId: "casino-b", limit: 100 })).reduce((total, callback) => total + callback.attempts, 0);
  // Three failed attempts opened the breaker; then nothing more during the 60 s cool-down,
  // although the retry schedule makes every callback due again within a millisecond.
  expect(await eventually(async () => (await attempts()) >= 3, 10_000, 20)).toBe(true);
  await new Promise((resolve) => setTimeout(resolve, 300)); // about 30 poll intervals in which a closed breaker would have sent more
  expect(await attempts()).toBe(3);
  const listed = await server.store.listCallbacks({ partnerId: "casino-b", limit: 100 });
  expect(listed.every((callback) => callback.state === "pending")).toBe(true);
});
