// The attempt deadline fires even when garbage collections run during the attempt (issue
// 9, "Deadlines that fire"): on Node 20, `AbortSignal.timeout` could be collected and never
// fire, and the attempt then ended only after undici's 300 s headers timeout. The receiver
// here accepts the TCP connection and never answers; the test forces a collection every
// few milliseconds until the attempt ends, and checks that it ended as a timeout and was
// recorded so. Run with --expose-gc (the unit project's execArgv, vitest.config.ts).
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Partner } from "../../../src/partners/directory.js";
import { createCallbackSender } from "../../../src/server/delivery/sender.js";
import { startCallbackLoops } from "../../support/callback-loops.js";
import { startBlackHole, type BlackHole } from "../../support/callback-receivers.js";
import { enterBody } from "../../support/requests.js";
import { startTestServer, type TestServer } from "../../support/servers.js";
import { createSessionApiClient } from "@luckymonaco/session-api-client";

const gc = (globalThis as { gc?: () => void }).gc;
const TIMEOUT_MS = 700;

let hole: BlackHole;
let server: TestServer;
const partner = (callbackUrl: string): Partner => ({
  memberId: "casino-gc",
  secret: "casino-gc-secret-0001",
  kyrenToken: undefined,
  callbackUrl,
  sessionExpiredCallback: true,
});

beforeAll(async () => {
  hole = await startBlackHole();
  server = await startTestServer({ partners: [partner(hole.url)] });
});
afterAll(async () => void (await Promise.all([hole.close(), server.close()])));

/** Forces a garbage collection every 5 ms until `work` settles; returns its result and how many ran. */
async function underGc<T>(work: Promise<T>): Promise<{ result: T; collections: number }> {
  let collections = 0;
  let done = false;
  const collecting = (async () => {
    while (!done) {
      gc!();
      collections += 1;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  })();
  const result = await work.finally(() => (done = true));
  await collecting;
  return { result, collections };
}

it("runs with --expose-gc", () => {
  expect(typeof gc).toBe("function");
});

it("ends an attempt to a receiver that never answers at its deadline, under forced garbage collection", async () => {
  const sender = createCallbackSender({ providerId: "luckymonaco", timeoutMs: TIMEOUT_MS, connectionsPerPartner: 2, now: Date.now });
  const accepted = hole.accepted();
  const { result, collections } = await underGc(
    sender.send(partner(hole.url) as Partner & { callbackUrl: string }, {
      sessionId: "a".repeat(32),
      partnerId: "casino-gc",
      playerId: "p",
      callbackId: crypto.randomUUID(),
      createdAt: Date.now(),
      attempts: 0,
      lease: "l",
    }),
  );
  await sender.close();
  expect(hole.accepted()).toBeGreaterThan(accepted); // it did connect: the wait was for the answer
  // The first collection runs as the attempt starts; any after it ran while the attempt
  // waited, which is what could collect a timer. A loaded machine fits fewer in 700 ms.
  expect(collections).toBeGreaterThan(1);
  expect(result).toEqual({ outcome: "retry", kind: "timeout", error: `timeout: no answer within ${TIMEOUT_MS} ms` });
}, 20_000);

it("records such an attempt as a timeout in the outbox and schedules the retry", async () => {
  const client = createSessionApiClient({ baseUrl: server.baseUrl, partnerId: "casino-gc", secret: "casino-gc-secret-0001" });
  await client.POST("/api/session", { body: enterBody() as never });
  const loops = startCallbackLoops({
    store: server.store,
    partners: [partner(hole.url)],
    log: server.app.log,
    idleTimeoutMs: 0,
    attemptTimeoutMs: TIMEOUT_MS,
    now: () => Date.now() + 1000,
  });
  try {
    await underGc(loops.sweepAndDeliver());
  } finally {
    await loops.stop();
  }
  const [callback] = await server.store.listCallbacks({ partnerId: "casino-gc", limit: 10 });
  expect(callback).toMatchObject({
    state: "pending",
    attempts: 1,
    lastError: `timeout: no answer within ${TIMEOUT_MS} ms`,
    lastStatus: undefined,
  });
}, 20_000);
