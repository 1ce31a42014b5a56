// The session expired callback from the outbox to the receiver, in-process on a
// fake clock: signed bodies with a stable callback id and creation time, the retry
// schedule (what retries, what stops, Retry-After), the dead letter that stays listed,
// redelivery, and callbacks of partners with callbacks off.
import { signingSecret } from "@luckymonaco/session-api-client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createSessionApiClient } from "@luckymonaco/session-api-client";
import type { Partner } from "../../../src/partners/directory.js";
import { signRequest } from "@luckymonaco/session-api-client";
import { startCallbackLoops, type CallbackLoopOptions, type CallbackLoops } from "../../support/callback-loops.js";
import { startScriptedReceiver, type StandIn } from "../../support/callback-receivers.js";
import { enterBody } from "../../support/requests.js";
import { startTestReceiver, startTestServer, type TestReceiver, type TestServer } from "../../support/servers.js";

let clock = Date.UTC(2026, 10, 21, 23, 59, 0, 250);
const now = () => clock;
const IDLE_MS = 60_000;
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const partner = (memberId: string, callbackUrl?: string, on = true): Partner => ({
  memberId,
  secret: `${memberId}-secret-0001`,
  kyrenToken: undefined,
  callbackUrl,
  sessionExpiredCallback: on,
});

let receiver: TestReceiver;
let server: TestServer;
let loops: CallbackLoops | undefined;
const standIns: StandIn[] = [];

beforeAll(async () => {
  receiver = await startTestReceiver([partner("casino-one")], { now });
  server = await startTestServer({ partners: [partner("casino-one"), partner("casino-quiet", undefined, false)], now });
});
afterEach(async () => {
  await loops?.stop();
  loops = undefined;
  await Promise.all(standIns.splice(0).map((standIn) => standIn.close()));
});
afterAll(async () => void (await Promise.all([server.close(), receiver.close()])));

/** Starts the loops for `partners` (the server accepts ENTERs of any of them). */
function start(partners: Partner[], options: Partial<CallbackLoopOptions> = {}): CallbackLoops {
  loops = startCallbackLoops({ store: server.store, partners, log: server.app.log, idleTimeoutMs: IDLE_MS, now, ...options });
  return loops;
}

/** Opens a session for `partner` and returns its id. */
async function enterAs(memberId: string, playerId: string): Promise<string> {
  const client = createSessionApiClient({ baseUrl: server.baseUrl, partnerId: memberId, secret: `${memberId}-secret-0001`, now });
  const { data } = await client.POST("/api/session", { body: enterBody({ player: { ...enterBody().player, id: playerId } }) as never });
  return (await server.store.findSessionByTokenHash(server.launchTokens.hash(new URL(data!.url).searchParams.get("token")!)))!.id;
}

/** The server's partners are fixed; other member ids are added on the fly for these tests. */
async function serverWith(memberIds: string[]) {
  await server.close();
  server = await startTestServer({ partners: memberIds.map((memberId) => partner(memberId)), now });
}

const outbox = async (sessionId: string) =>
  (await server.store.listCallbacks({ limit: 1000 })).find((callback) => callback.sessionId === sessionId)!;

describe("delivery of the session expired callback", () => {
  it("sends each expired session's callback once, signed, with its callback id and creation time; partners with callbacks off get none", async () => {
    const one = partner("casino-one", receiver.baseUrl);
    start([one, partner("casino-quiet", receiver.baseUrl, false)]);
    const sessionId = await enterAs("casino-one", "idle-player");
    const quiet = await enterAs("casino-quiet", "quiet-player");
    clock += IDLE_MS + 1;
    const expiredAt = clock;
    await loops!.sweepAndDeliver();
    expect((await server.store.getSession(quiet))?.status).toBe("expired");
    const received = receiver.received().filter((entry) => entry.body.sessionId === sessionId);
    expect(received).toEqual([expect.objectContaining({ memberId: "casino-one", deliveries: 1 })]);
    const row = await outbox(sessionId);
    expect(row).toMatchObject({
      state: "delivered",
      attempts: 1,
      lastStatus: 200,
      createdAt: expiredAt,
      callbackId: expect.stringMatching(UUID_V4),
    });
    const body = received[0]!.body as Record<string, unknown>;
    expect(body).toEqual({
      providerId: "luckymonaco",
      sessionId,
      playerId: "idle-player",
      callbackId: row.callbackId,
      createdAt: new Date(Math.floor(expiredAt / 1000) * 1000).toISOString().replace(".000Z", "Z"),
      timestamp: Math.floor(clock / 1000),
      hash: expect.any(String),
    });
    // The body hash covers the new fields: it is the one of exactly these fields.
    const { hash, ...fields } = body;
    expect(hash).toBe(signRequest(fields as never, signingSecret(one.secret), true).hash);
    expect(receiver.received().some((entry) => entry.body.sessionId === quiet)).toBe(false);
  });

  it("retries a 5xx, 408, 429 (after its Retry-After) and a 200 without the success body on the schedule, then delivers with the same callback id", async () => {
    const flaky = await startScriptedReceiver([
      503,
      408,
      { status: 429, headers: { "retry-after": "120" } },
      { status: 200, body: { ok: true } },
      500,
    ]);
    standIns.push(flaky);
    await serverWith(["casino-flaky"]);
    start([partner("casino-flaky", flaky.url)], { retrySchedule: [1, 2, 4, 8, 16, 32] });
    const sessionId = await enterAs("casino-flaky", "flaky-player");
    clock += IDLE_MS + 1;
    await loops!.sweepAndDeliver();
    const pauses: number[] = [];
    for (let attempt = 2; attempt <= 6; attempt++) {
      const before = await outbox(sessionId);
      expect(before.state).toBe("pending");
      pauses.push(before.nextAttemptAt - clock);
      clock = before.nextAttemptAt - 1;
      await loops!.delivery.drain(); // not due yet
      expect(flaky.seen).toHaveLength(attempt - 1);
      clock += 1;
      await loops!.delivery.drain();
      expect(flaky.seen).toHaveLength(attempt);
    }
    // The schedule's pauses (no jitter in tests), except after the 429: its Retry-After of 120 s.
    expect(pauses).toEqual([1000, 2000, 120_000, 8000, 16_000]);
    expect(await outbox(sessionId)).toMatchObject({ state: "delivered", attempts: 6, lastStatus: 200 });
    expect(new Set(flaky.seen.map((request) => request.body.callbackId)).size).toBe(1);
    expect(new Set(flaky.seen.map((request) => request.body.createdAt)).size).toBe(1);
  });

  it("stops at a 4xx other than 408 and 429: the callback is failed, listed with its status, and redelivery sends it again", async () => {
    const refusing = await startScriptedReceiver([404]);
    standIns.push(refusing);
    await serverWith(["casino-refusing"]);
    start([partner("casino-refusing", refusing.url)]);
    const sessionId = await enterAs("casino-refusing", "refused-player");
    clock += IDLE_MS + 1;
    await loops!.sweepAndDeliver();
    clock += 3_600_000;
    await loops!.delivery.drain();
    expect(refusing.seen).toHaveLength(1);
    expect(await server.store.listCallbacks({ state: "failed", partnerId: "casino-refusing", limit: 10 })).toMatchObject([
      { sessionId, attempts: 1, lastStatus: 404, lastError: "HTTP 404" },
    ]);

    expect(await server.store.redeliverCallbacks({ partnerId: "casino-refusing", state: "failed" }, clock)).toEqual([sessionId]);
    await loops!.delivery.drain();
    expect(refusing.seen).toHaveLength(2);
    expect(refusing.seen[1]!.body.callbackId).toBe(refusing.seen[0]!.body.callbackId);
    expect(await outbox(sessionId)).toMatchObject({ state: "delivered", attempts: 1 });
  });

  it("gives up after the last attempt of the schedule and keeps the callback listed as failed", async () => {
    const down = await startScriptedReceiver([503, 503, 503, 503]);
    standIns.push(down);
    await serverWith(["casino-down"]);
    start([partner("casino-down", down.url)], { retrySchedule: [1, 2] });
    const sessionId = await enterAs("casino-down", "down-player");
    clock += IDLE_MS + 1;
    await loops!.sweepAndDeliver();
    for (let step = 0; step < 3; step++) {
      clock += 60_000;
      await loops!.delivery.drain();
    }
    expect(down.seen).toHaveLength(3); // 2 pauses: 3 attempts
    expect(await outbox(sessionId)).toMatchObject({
      state: "failed",
      attempts: 3,
      lastStatus: 503,
      lastError: "gave up after 3 attempts; last: HTTP 503",
    });
    expect((await server.store.callbackStats()).failedByPartner.get("casino-down")).toBe(1);
  });

  it("gives up at once the callbacks of a partner whose callbacks are off on this instance, saying why", async () => {
    await serverWith(["casino-switched"]);
    const sessionId = await enterAs("casino-switched", "switched-player");
    clock += IDLE_MS + 1;
    // Expired while its callbacks were on (another instance's configuration) …
    await server.store.expireIdleSessions(clock - IDLE_MS, clock, new Set(["casino-switched"]), 1000);
    // … and delivered by an instance that has them off.
    start([partner("casino-switched", "http://127.0.0.1:9", false)]);
    await loops!.delivery.drain();
    expect(await outbox(sessionId)).toMatchObject({
      state: "failed",
      lastError: expect.stringContaining("callbacks are switched off for partner casino-switched"),
    });
  });
});
