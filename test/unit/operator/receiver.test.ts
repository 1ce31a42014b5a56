// The example operator receiver of the session expired callback: it verifies HASH and
// the body hash, refuses a stale timestamp, records each expiry once (acknowledging and
// counting repeats), accepts fields it does not know, and answers per the spec.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSessionApiClient } from "@luckymonaco/session-api-client";
import { sessionExpiredDedupeKey } from "@luckymonaco/session-api-client";
import { postRaw, SANDBOX, withBodyHash } from "../../support/requests.js";
import { startTestReceiver, type TestReceiver } from "../../support/servers.js";

let receiver: TestReceiver;
beforeAll(async () => {
  receiver = await startTestReceiver();
});
afterAll(() => receiver.close());

const expiry = { providerId: "luckymonaco", sessionId: "0123456789abcdef0123456789abcdef", playerId: "player-1001" };

it("records a signed callback once and counts repeated deliveries", async () => {
  const lucky = createSessionApiClient({ baseUrl: receiver.baseUrl, partnerId: SANDBOX.memberId, secret: SANDBOX.secret });
  for (let i = 0; i < 2; i++) {
    const { data, response } = await lucky.POST("/V4/sessionexpired", { body: expiry });
    expect(response.status).toBe(200);
    expect(data).toEqual({ error: 0, description: "Success" });
  }
  const [recorded] = receiver.received();
  expect(recorded).toMatchObject({ memberId: "demo", deliveries: 2, body: { ...expiry, hash: expect.stringMatching(/^[0-9a-f]{32}$/) } });
});

it("dedupes by callbackId: a repeat of one id is recorded once, another id is recorded, a body without one falls back to sessionId", async () => {
  const lucky = createSessionApiClient({ baseUrl: receiver.baseUrl, partnerId: SANDBOX.memberId, secret: SANDBOX.secret });
  const base = { ...expiry, sessionId: "11112222333344445555666677778888", createdAt: "2026-11-21T23:59:00Z" };
  const first = { ...base, callbackId: "0f0e0d0c-0b0a-4908-8706-050403020100" };
  const other = { ...base, callbackId: "aaaaaaaa-bbbb-4ccc-9ddd-eeeeeeeeeeee" };
  for (const body of [first, first, other, base, base])
    expect((await lucky.POST("/V4/sessionexpired", { body })).data).toEqual({ error: 0, description: "Success" });
  const recorded = receiver.received().filter((entry) => entry.body.sessionId === base.sessionId);
  expect(recorded.map((entry) => [entry.body.callbackId, entry.deliveries])).toEqual([
    [first.callbackId, 2],
    [other.callbackId, 1],
    [undefined, 2],
  ]);
  expect(sessionExpiredDedupeKey("demo", first)).toBe(`demo callback ${first.callbackId}`);
  expect(sessionExpiredDedupeKey("demo", base)).toBe(`demo session ${base.sessionId}`);
  expect(sessionExpiredDedupeKey("other", first)).not.toBe(sessionExpiredDedupeKey("demo", first));
});

it("accepts fields it does not know, as long as they are signed", async () => {
  const body = withBodyHash({ ...expiry, sessionId: "fedcba9876543210fedcba9876543210", idleSeconds: 1800, final: true });
  const response = await postRaw(receiver.baseUrl, "/V4/sessionexpired", JSON.stringify(body));
  expect(response.status).toBe(200);
  expect(receiver.received().at(-1)?.body).toMatchObject({ idleSeconds: 1800, final: true });
});

it("refuses a callback whose body was changed after signing", async () => {
  const body = withBodyHash(expiry);
  const tampered = JSON.stringify({ ...body, playerId: "player-6666" });
  const response = await postRaw(receiver.baseUrl, "/V4/sessionexpired", tampered);
  // A sandbox receiver: the message names the failed check and shows the canonical string of the body received.
  const canonical = "playerId=player-6666&providerId=luckymonaco&sessionId=0123456789abcdef0123456789abcdef";
  expect(response).toMatchObject({
    status: 401,
    body: {
      error: {
        code: "G.00",
        message: `Could not authenticate: the body hash does not match the body; the canonical string of this body is "${canonical}"`,
      },
    },
  });
  expect(receiver.received().some((entry) => entry.body.playerId === "player-6666")).toBe(false);
});

describe("freshness and duplicates (receiver with its own clock)", () => {
  let clock = Date.UTC(2026, 0, 1);
  let strictReceiver: TestReceiver;
  const partner = {
    memberId: "casino-one",
    secret: "casino-one-secret-0001",
    kyrenToken: undefined,
    callbackUrl: undefined,
    sessionExpiredCallback: true,
  };
  beforeAll(async () => {
    strictReceiver = await startTestReceiver([partner], { now: () => clock });
  });
  afterAll(() => strictReceiver.close());
  const sender = (atMs: number) =>
    createSessionApiClient({ baseUrl: strictReceiver.baseUrl, partnerId: partner.memberId, secret: partner.secret, now: () => atMs });
  const callback = (sessionId: string) => ({ providerId: "luckymonaco", sessionId, playerId: "player-1001" });

  it("refuses a callback whose timestamp is older or newer than 300 s with 401 G.04, and records nothing", async () => {
    for (const offset of [-301_000, 301_000]) {
      const { error, response } = await sender(clock + offset).POST("/V4/sessionexpired", {
        body: callback("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
      });
      expect(response.status).toBe(401);
      expect(error?.error.code).toBe("G.04");
    }
    expect(strictReceiver.received()).toEqual([]);
  });

  it("acknowledges a duplicate callback, re-signed for its retry, with 200 and records it once", async () => {
    const body = callback("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");
    const first = await sender(clock).POST("/V4/sessionexpired", { body });
    clock += 11_000;
    const retry = await sender(clock).POST("/V4/sessionexpired", { body });
    const replay = await sender(clock - 11_000).POST("/V4/sessionexpired", { body });
    for (const answer of [first, retry, replay])
      expect([answer.response.status, answer.data]).toEqual([200, { error: 0, description: "Success" }]);
    const recorded = strictReceiver.received().filter((entry) => entry.body.sessionId === body.sessionId);
    expect(recorded).toEqual([expect.objectContaining({ memberId: "casino-one", deliveries: 3, receivedAt: clock - 11_000 })]);
  });

  it("answers every G.00 with one message (not the sandbox)", async () => {
    const wrongSecret = createSessionApiClient({
      baseUrl: strictReceiver.baseUrl,
      partnerId: partner.memberId,
      secret: "guessed-secret-0000",
      now: () => clock,
    });
    const unknown = createSessionApiClient({
      baseUrl: strictReceiver.baseUrl,
      partnerId: "nobody",
      secret: partner.secret,
      now: () => clock,
    });
    const a = await wrongSecret.POST("/V4/sessionexpired", { body: callback("cccccccccccccccccccccccccccccccc") });
    const b = await unknown.POST("/V4/sessionexpired", { body: callback("cccccccccccccccccccccccccccccccc") });
    expect(a.error).toEqual({ error: { code: "G.00", message: "Could not authenticate: MEMB_ID, HASH or the body hash is not valid" } });
    expect(b.error).toEqual(a.error);
  });
});
