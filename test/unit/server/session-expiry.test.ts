// Session expiry and the session expired callback, end to end: the reference server's
// expiry job signs and sends the callback to the operator receiver, retries after a
// 5xx, gives up after a 4xx, and only calls partners who switched callbacks on.
import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSessionApiClient } from "../../../src/client.js";
import { partnerDirectory, type Partner } from "../../../src/partners/directory.js";
import { startSessionExpiry, type SessionExpiry } from "../../../src/server/session-expiry.js";
import { enterBody } from "../../support/requests.js";
import { startTestReceiver, startTestServer, type TestReceiver, type TestServer } from "../../support/servers.js";

let clock = Date.now();
const now = () => clock;
const IDLE_MS = 60_000;

let receiver: TestReceiver;
let flaky: { server: Server; url: string; statuses: number[]; calls: number };
let server: TestServer;
let expiry: SessionExpiry;
let partners: Partner[];

beforeAll(async () => {
  receiver = await startTestReceiver([{ memberId: "casino-one", secret: "casino-one-secret-0001", kyrenToken: undefined, callbackUrl: undefined, sessionExpiredCallback: false }]);
  flaky = { server: createServer(), url: "", statuses: [], calls: 0 };
  flaky.server.on("request", (request, response) => {
    request.resume();
    const status = flaky.statuses[flaky.calls++] ?? 200;
    response.writeHead(status, { "content-type": "application/json" }).end(status === 200 ? '{"error":0,"description":"Success"}' : '{"error":{"code":"G.01","message":"System error"}}');
  });
  await new Promise<void>((resolve) => flaky.server.listen(0, "127.0.0.1", resolve));
  flaky.url = `http://127.0.0.1:${(flaky.server.address() as { port: number }).port}`;
  partners = [
    { memberId: "casino-one", secret: "casino-one-secret-0001", kyrenToken: undefined, callbackUrl: receiver.baseUrl, sessionExpiredCallback: true },
    { memberId: "casino-flaky", secret: "casino-flaky-secret-01", kyrenToken: undefined, callbackUrl: flaky.url, sessionExpiredCallback: true },
    { memberId: "casino-quiet", secret: "casino-quiet-secret-01", kyrenToken: undefined, callbackUrl: receiver.baseUrl, sessionExpiredCallback: false },
  ];
  server = await startTestServer({ partners, now });
  expiry = startSessionExpiry({
    store: server.store,
    partners: partnerDirectory(partners),
    log: server.app.log,
    providerId: "luckymonaco",
    idleTimeoutMs: IDLE_MS,
    sweepIntervalMs: 3_600_000,
    retryDelaysMs: [1000, 5000],
    now,
  });
});

afterAll(async () => {
  await expiry.stop();
  await Promise.all([server.close(), receiver.close(), new Promise((resolve) => flaky.server.close(resolve))]);
});

async function enterAs(partner: Partner, playerId: string) {
  const client = createSessionApiClient({ baseUrl: server.baseUrl, partnerId: partner.memberId, secret: partner.secret });
  const { data } = await client.POST("/api/session", { body: enterBody({ player: { ...enterBody().player, id: playerId } }) as never });
  return server.store.findSessionByTokenHash(server.launchTokens.hash(new URL(data!.url).searchParams.get("token")!));
}

describe("session expiry", () => {
  it("expires idle sessions and delivers a signed callback to partners who want one", async () => {
    const one = await enterAs(partners[0]!, "idle-player");
    const quiet = await enterAs(partners[2]!, "quiet-player");
    clock += IDLE_MS - 1;
    await expiry.sweep();
    expect((await server.store.getSession(one!.id))?.status).toBe("active");

    clock += 2;
    await expiry.sweep();
    expect((await server.store.getSession(one!.id))?.status).toBe("expired");
    expect((await server.store.getSession(quiet!.id))?.status).toBe("expired");
    expect(receiver.received()).toEqual([
      expect.objectContaining({ memberId: "casino-one", deliveries: 1, body: expect.objectContaining({ providerId: "luckymonaco", sessionId: one!.id, playerId: "idle-player" }) }),
    ]);
  });

  it("retries after a 5xx with growing pauses and gives up after a 4xx", async () => {
    flaky.statuses = [503, 500, 200];
    flaky.calls = 0;
    const retried = await enterAs(partners[1]!, "flaky-player");
    clock += IDLE_MS + 1;
    await expiry.sweep();
    expect(flaky.calls).toBe(1);
    await expiry.sweep(); // not due yet
    expect(flaky.calls).toBe(1);
    clock += 1000;
    await expiry.sweep();
    expect(flaky.calls).toBe(2);
    clock += 4999;
    await expiry.sweep();
    expect(flaky.calls).toBe(2);
    clock += 1;
    await expiry.sweep();
    expect(flaky.calls).toBe(3);
    clock += 60_000;
    await expiry.sweep();
    expect(flaky.calls).toBe(3);
    expect((await server.store.claimDueCallbacks(clock, 10, 0)).map((callback) => callback.sessionId)).not.toContain(retried!.id);

    flaky.statuses = [400];
    flaky.calls = 0;
    await enterAs(partners[1]!, "rejected-player");
    clock += IDLE_MS + 1;
    await expiry.sweep();
    clock += 60_000;
    await expiry.sweep();
    expect(flaky.calls).toBe(1);
  });
});
