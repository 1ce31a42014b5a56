// The adaptive concurrency limit of the callback delivery, in-process with real time: a
// receiver that answers each callback 300 ms after it arrived (slow, but it keeps up)
// gets more than 8 attempts at once, never more than the ceiling, and its backlog drains
// well ahead of the same backlog under a fixed 8, while a failing partner beside it is
// still held to its first attempts by the circuit breaker. Counts and order only, no
// durations: both loops run side by side on the same event loop.
import { createServer, type Server } from "node:http";
import type { FastifyBaseLogger } from "fastify";
import { afterEach, expect, it } from "vitest";
import type { Partner } from "../../../src/partners/directory.js";
import { createDeliveryMetrics } from "../../../src/server/delivery/metrics.js";
import type { SessionStore } from "../../../src/store/session-store.js";
import { openSqliteStore } from "../../../src/store/sqlite/store.js";
import { startCallbackLoops, type CallbackLoops } from "../../support/callback-loops.js";
import { eventually } from "../../support/eventually.js";

const silent = { info() {}, warn() {}, error() {}, debug() {} } as unknown as FastifyBaseLogger;
const partner = (memberId: string): Partner => ({
  memberId,
  secret: `${memberId}-secret-0001`,
  kyrenToken: undefined,
  callbackUrl: undefined,
  sessionExpiredCallback: true,
});
const slow = partner("casino-slow");
const fixed = partner("casino-fixed");
const failing = partner("casino-failing");
/** The loops' clock, 1 s ahead: every session opened by then is idle (timeout 0). */
const later = () => Date.now() + 1000;
const BACKLOG = 120;
const CEILING = 32;

/** A receiver that answers every request `delayMs` after it arrived with `status`, and counts what it holds. */
interface CountingReceiver {
  url: string;
  requests: number;
  answered200: number;
  open: number;
  peak: number;
  close(): Promise<void>;
}

async function startReceiver(delayMs: number, status: number): Promise<CountingReceiver> {
  const server: Server = createServer((request, response) => {
    receiver.requests += 1;
    receiver.open += 1;
    receiver.peak = Math.max(receiver.peak, receiver.open);
    request.resume();
    setTimeout(() => {
      receiver.open -= 1;
      if (status === 200) receiver.answered200 += 1;
      const body = status === 200 ? '{"error":0,"description":"Success"}' : '{"error":{"code":"G.01","message":"System error"}}';
      response.writeHead(status, { "content-type": "application/json" }).end(body);
    }, delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const receiver: CountingReceiver = {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    requests: 0,
    answered200: 0,
    open: 0,
    peak: 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return receiver;
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A fresh in-memory store. */
async function openStore(): Promise<SessionStore> {
  const store = await openSqliteStore({ location: ":memory:" });
  await store.migrate();
  cleanups.push(() => store.close());
  return store;
}

let opened = 0;
/** Opens `count` sessions of `who` in `store` now (as ENTER would). */
async function enter(store: SessionStore, who: Partner, count: number): Promise<void> {
  for (let index = 0; index < count; index++) {
    const id = (++opened).toString(16).padStart(32, "0");
    await store.openSession(
      { partnerId: who.memberId, uuid: id, operationId: "enterGameSession", fingerprint: id },
      {
        id,
        partnerId: who.memberId,
        playerId: `player-${opened}`,
        playerNickname: undefined,
        gameId: "lm_monaco_riches",
        gameType: "slot",
        currency: "EUR",
        language: "en",
        partnerSessionId: `op-${opened}`,
        playerIp: "203.0.113.42",
        tokenHash: `t-${id}`,
        createdAt: Date.now(),
      },
    );
  }
}

it("gives a slow receiver that keeps up more than 8 attempts at once, up to the ceiling, and drains its backlog ahead of a fixed 8, while a failing partner stays isolated", async () => {
  const [adaptiveStore, fixedStore, slowReceiver, fixedReceiver, failingReceiver] = await Promise.all([
    openStore(),
    openStore(),
    startReceiver(300, 200),
    startReceiver(300, 200),
    startReceiver(0, 503),
  ]);
  for (const receiver of [slowReceiver, fixedReceiver, failingReceiver]) cleanups.push(() => receiver.close());
  await Promise.all([enter(adaptiveStore, slow, BACKLOG), enter(adaptiveStore, failing, 30), enter(fixedStore, fixed, BACKLOG)]);

  const metrics = createDeliveryMetrics(() => adaptiveStore.callbackStats());
  const common = {
    log: silent,
    idleTimeoutMs: 0,
    now: later,
    pollIntervalMs: 20,
    attemptTimeoutMs: 10_000,
    concurrency: 64,
    breakerThreshold: 5,
    breakerCooldownMs: 60_000,
  };
  const adaptive: CallbackLoops = startCallbackLoops({
    ...common,
    store: adaptiveStore,
    partners: [
      { ...slow, callbackUrl: slowReceiver.url },
      { ...failing, callbackUrl: failingReceiver.url },
    ],
    partnerConcurrency: CEILING,
    metrics,
  });
  const before: CallbackLoops = startCallbackLoops({
    ...common,
    store: fixedStore,
    partners: [{ ...fixed, callbackUrl: fixedReceiver.url }],
    partnerConcurrency: 8,
    adaptiveConcurrency: false,
  });
  cleanups.push(
    () => adaptive.stop(),
    () => before.stop(),
  );
  await Promise.all([adaptive.expiry.sweep(), before.expiry.sweep()]);
  adaptive.delivery.wake();
  before.delivery.wake();

  expect(await eventually(() => slowReceiver.answered200 === BACKLOG, 20_000, 10)).toBe(true);
  // The same backlog under a fixed 8 is not half done: the adaptive limit went 8, 16, 32, 32 …
  const fixedDone = fixedReceiver.answered200;
  expect(fixedDone).toBeLessThan(BACKLOG / 2);
  expect(slowReceiver.peak).toBeGreaterThan(8);
  expect(slowReceiver.peak).toBeLessThanOrEqual(CEILING);
  expect(fixedReceiver.peak).toBeLessThanOrEqual(8);
  expect(slowReceiver.requests).toBe(BACKLOG); // each callback once: nothing timed out or was repeated

  // The failing partner got its first limit of attempts (8) and no more: its breaker opened after 5 failures in a row.
  expect(failingReceiver.requests).toBeGreaterThanOrEqual(5);
  expect(failingReceiver.requests).toBeLessThanOrEqual(8);
  const scrape = await metrics.registry.metrics();
  const value = (pattern: string) => Number(new RegExp(`^${pattern} (\\d+)$`, "m").exec(scrape)?.[1]);
  expect(value('session_expired_callback_concurrency_limit\\{partner="casino-slow"\\}')).toBe(CEILING);
  expect(value('session_expired_callback_concurrency_limit\\{partner="casino-failing"\\}')).toBeLessThan(8);
  expect(value('session_expired_callback_circuit_open\\{partner="casino-failing"\\}')).toBe(1);
});

// The pace (CALLBACK_MAX_PER_SECOND): a backlog against a receiver that answers at once
// never has more attempts started than the pace since the loop started (its bucket
// starts empty), and `drain()` waits for the pace instead of returning with callbacks
// still due.
it("starts no more attempts than the pace allows, and drains a backlog larger than a second's worth", async () => {
  const PACE = 40;
  const store = await openStore();
  const receiver = await startReceiver(0, 200);
  cleanups.push(() => receiver.close());
  await enter(store, fixed, 100);
  const started = performance.now(); // before the pace's bucket is made: the bound below is loose, never tight
  const loops = startCallbackLoops({
    log: silent,
    idleTimeoutMs: 0,
    now: later,
    store,
    partners: [{ ...fixed, callbackUrl: receiver.url }],
    maxPerSecond: PACE,
  });
  cleanups.push(() => loops.stop());
  await loops.expiry.sweep();
  let drained = false;
  void loops.delivery.drain().then(() => (drained = true));
  const looks: { arrived: number; allowed: number }[] = [];
  while (!drained) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    looks.push({ arrived: receiver.requests, allowed: 1 + (PACE * (performance.now() - started)) / 1000 });
  }
  for (const look of looks) expect(look.arrived).toBeLessThanOrEqual(look.allowed);
  expect(looks.some((look) => look.arrived < 100)).toBe(true); // it was paced: not all at once
  expect(receiver.answered200).toBe(100); // drain() ended only once all of them were delivered
  expect(receiver.requests).toBe(100); // each once
  expect((await store.callbackStats()).pendingByPartner.size).toBe(0);
});
