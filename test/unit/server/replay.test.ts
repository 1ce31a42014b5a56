// Replay protection (issue "Replay-proof signing"), against the reference server with
// PARTNERS_FILE-style partners (not the sandbox) whose callbacks are on, on a clock the
// test moves: a `timestamp` outside the tolerance is 401 `G.04` in both directions; an
// exact replay within the tolerance is answered from the idempotency record and changes
// nothing; beyond the tolerance, and beyond the 48 h retention of idempotency keys, it is
// refused; a retry re-signed with a new `timestamp` keeps its uuid's first answer; a
// partner that requires `timestamp` is refused without one. Every provider operation is
// enumerated from the spec.
import { signingSecret } from "@luckymonaco/session-api-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { operationsById, type OperationId } from "../../../generated/operations.js";
import { signedCall } from "../../../src/cli/sign.js";
import { getAtPointer } from "../../../src/shared/json-pointer.js";
import type { Partner } from "../../../src/partners/directory.js";
import { signRequest, type JsonObject } from "@luckymonaco/session-api-client";
import { startCallbackLoops, type CallbackLoops } from "../../support/callback-loops.js";
import { enterBody } from "../../support/requests.js";
import { startTestReceiver, startTestServer, type TestReceiver, type TestServer } from "../../support/servers.js";

const TOLERANCE_S = 300;
const IDLE_MS = 30 * 60_000;
let clock = Date.UTC(2026, 0, 1, 12);
const now = () => clock;

const casino: Partner = {
  memberId: "casino-one",
  secret: "casino-one-secret-0001",
  kyrenToken: "casino-one-kyren-token",
  callbackUrl: undefined, // set once the receiver listens
  sessionExpiredCallback: true,
  requireTimestamp: false,
};
const strict: Partner = {
  memberId: "casino-strict",
  secret: "casino-strict-secret-01",
  kyrenToken: "casino-strict-kyren-01",
  callbackUrl: undefined,
  sessionExpiredCallback: false,
  requireTimestamp: true,
};

let server: TestServer;
let receiver: TestReceiver;
let expiry: CallbackLoops;

beforeAll(async () => {
  receiver = await startTestReceiver([casino], { now });
  casino.callbackUrl = receiver.baseUrl;
  server = await startTestServer({ partners: [casino, strict], now, signatureToleranceSeconds: TOLERANCE_S });
  expiry = startCallbackLoops({ store: server.store, partners: [casino, strict], log: server.app.log, idleTimeoutMs: IDLE_MS, now });
});
afterAll(async () => {
  await expiry?.stop();
  await Promise.all([server?.close(), receiver?.close()]);
});

const providerOperations = Object.values(operationsById).filter((operation) => operation.implementedBy === "provider");

/** A valid body of each provider operation for `partner`, with a fresh uuid and no timestamp. */
function bodyOf(operationId: OperationId, partner: Partner, player = `player-${crypto.randomUUID().slice(0, 8)}`): JsonObject {
  switch (operationId) {
    case "enterGameSession":
      return enterBody({ player: { ...enterBody().player, id: player } });
    case "closeSession":
      return { secureLogin: player, uuid: crypto.randomUUID() };
    case "closeSessionKyren":
      return { secureLogin: partner.memberId, token: partner.kyrenToken, userId: player, uuid: crypto.randomUUID() };
    default:
      throw new Error(`no body for ${operationId}`);
  }
}

interface Sent {
  status: number;
  text: string;
  json: any;
}

/** A request as the typed client and the sign CLI build it: `timestamp` from `atMs` (unless the body has one), signed. */
function signedAt(operationId: OperationId, fields: JsonObject, partner: Partner, atMs: number) {
  return signedCall(operationId, fields, {
    baseUrl: server.baseUrl,
    memberId: partner.memberId,
    secret: signingSecret(partner.secret),
    now: () => atMs,
  });
}

/** The same, without any `timestamp` (as integrations built on the seeds send). */
function signedWithoutTimestamp(operationId: OperationId, fields: JsonObject, partner: Partner) {
  const operation = operationsById[operationId];
  const url = new URL(operation.path, server.baseUrl);
  if (!operation.signedWithHash) return { url: url.href, rawBody: JSON.stringify(fields) };
  const signed = signRequest(fields, signingSecret(partner.secret), operation.bodyHash);
  url.searchParams.set("MEMB_ID", partner.memberId);
  url.searchParams.set("HASH", signed.HASH);
  return { url: url.href, rawBody: signed.rawBody };
}

async function send(call: { url: string; rawBody: string }): Promise<Sent> {
  const response = await fetch(call.url, { method: "POST", headers: { "content-type": "application/json" }, body: call.rawBody });
  const text = await response.text();
  return { status: response.status, text, json: JSON.parse(text) };
}

const codeOf = (operationId: OperationId, sent: Sent) => getAtPointer(sent.json, operationsById[operationId].errorEnvelope.code);
const messageOf = (operationId: OperationId, sent: Sent) => getAtPointer(sent.json, operationsById[operationId].errorEnvelope.message);

describe.each(providerOperations.map((operation) => [operation.operationId, operation.operationId] as const))(
  "%s",
  (_name, operationId) => {
    it("refuses a timestamp 600 s old and one 600 s ahead with 401 G.04, and accepts a current one", async () => {
      const stale = await send(signedAt(operationId, bodyOf(operationId, casino), casino, clock - 600_000));
      const future = await send(signedAt(operationId, bodyOf(operationId, casino), casino, clock + 600_000));
      const current = await send(signedAt(operationId, bodyOf(operationId, casino), casino, clock));
      expect([stale.status, codeOf(operationId, stale)]).toEqual([401, "G.04"]);
      expect(messageOf(operationId, stale)).toBe(
        `Request expired: timestamp ${Math.floor(clock / 1000) - 600} is 600 s behind the receiver's clock; the tolerance is 300 s`,
      );
      expect([future.status, codeOf(operationId, future)]).toEqual([401, "G.04"]);
      expect(messageOf(operationId, future)).toMatch(/is 600 s ahead of the receiver's clock/);
      expect(current.status, current.text).toBe(200);
    });

    it("accepts a timestamp exactly at the tolerance and refuses one second beyond it", async () => {
      const at = await send(signedAt(operationId, bodyOf(operationId, casino), casino, clock - TOLERANCE_S * 1000));
      const beyond = await send(signedAt(operationId, bodyOf(operationId, casino), casino, clock - (TOLERANCE_S + 1) * 1000));
      expect(at.status, at.text).toBe(200);
      expect([beyond.status, codeOf(operationId, beyond)]).toEqual([401, "G.04"]);
    });

    it("answers an exact replay within the tolerance from the idempotency record, and refuses it beyond the tolerance and beyond the retention", async () => {
      const signedAtMs = clock;
      const call = signedAt(operationId, bodyOf(operationId, casino), casino, signedAtMs);
      const first = await send(call);
      expect(first.status, first.text).toBe(200);
      clock = signedAtMs + 200_000;
      expect(await send(call)).toEqual(first);
      clock = signedAtMs + (TOLERANCE_S + 1) * 1000;
      const late = await send(call);
      expect([late.status, codeOf(operationId, late)]).toEqual([401, "G.04"]);
      clock = signedAtMs + 49 * 3600_000;
      await expiry.sweepAndDeliver(); // forgets idempotency keys older than 48 h
      const afterRetention = await send(call);
      expect([afterRetention.status, codeOf(operationId, afterRetention)]).toEqual([401, "G.04"]);
    });

    it("answers a retry re-signed with a new timestamp and the same uuid from the record, not with 409", async () => {
      const body = bodyOf(operationId, casino);
      const first = await send(signedAt(operationId, body, casino, clock));
      clock += 20_000;
      const retry = await send(signedAt(operationId, body, casino, clock));
      expect(retry.status, retry.text).toBe(200);
      expect(retry.json).toEqual(first.json);
    });

    it("refuses a request without timestamp from a partner that requires one, and accepts it from one that does not", async () => {
      const refused = await send(signedWithoutTimestamp(operationId, bodyOf(operationId, strict), strict));
      expect([refused.status, codeOf(operationId, refused), messageOf(operationId, refused)]).toEqual([
        401,
        "G.04",
        "Request expired: timestamp is required for this partner",
      ]);
      expect((await send(signedAt(operationId, bodyOf(operationId, strict), strict, clock))).status).toBe(200);
      expect((await send(signedWithoutTimestamp(operationId, bodyOf(operationId, casino), casino))).status).toBe(200);
    });
  },
);

describe("freshness in the order of checks", () => {
  it("checks the signature first: a stale request with a wrong HASH is G.00", async () => {
    const call = signedAt("closeSession", { secureLogin: "p" }, { ...casino, secret: "not-the-secret-000" }, clock - 600_000);
    const sent = await send(call);
    expect([sent.status, sent.json.error.code]).toEqual([401, "G.00"]);
  });

  it("checks freshness before the schema: a stale, correctly signed request with a bad field is G.04", async () => {
    const sent = await send(signedAt("closeSession", { secureLogin: "p", clearHistory: 1 }, casino, clock - 600_000));
    expect([sent.status, sent.json.error.code]).toEqual([401, "G.04"]);
  });

  it("leaves a timestamp that is not an integer to the schema (400 V.02)", async () => {
    for (const timestamp of [String(Math.floor(clock / 1000)), Math.floor(clock / 1000) + 0.5]) {
      const sent = await send(signedAt("closeSession", { secureLogin: "p", timestamp }, casino, clock));
      expect([sent.status, sent.json.error.code, sent.json.error.message]).toEqual([
        400,
        "V.02",
        expect.stringMatching(/^Invalid request: body\.timestamp must be an integer/),
      ]);
    }
  });
});

describe("the sandbox partner", () => {
  it("does not require timestamp, so the seeds' examples keep working", async () => {
    const sandbox = await startTestServer();
    try {
      const call = signRequest({ secureLogin: "player-1001", gameId: "lm_monaco_riches", clearHistory: "1" }, "sandbox-secret", true);
      const response = await fetch(`${sandbox.baseUrl}/V4/closesession?MEMB_ID=demo&HASH=${call.HASH}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: call.rawBody,
      });
      expect(response.status).toBe(200);
    } finally {
      await sandbox.close();
    }
  });
});

describe("a replayed V4 close after the player came back (the review's attack)", () => {
  it("closes nothing new: the second session stays active and later expires with a callback", async () => {
    const player = `returning-${crypto.randomUUID().slice(0, 8)}`;
    const sessionOf = async (url: string) =>
      server.store.findSessionByTokenHash(server.launchTokens.hash(new URL(url).searchParams.get("token")!));

    const first = await send(signedAt("enterGameSession", bodyOf("enterGameSession", casino, player), casino, clock));
    const firstSession = (await sessionOf(first.json.url))!;
    const close = signedAt("closeSession", { secureLogin: player, uuid: crypto.randomUUID() }, casino, clock);
    expect((await send(close)).json).toEqual({ error: 0, description: "Success" });
    expect((await server.store.getSession(firstSession.id))?.status).toBe("closed");

    clock += 1500;
    const second = await send(signedAt("enterGameSession", bodyOf("enterGameSession", casino, player), casino, clock));
    const secondSession = (await sessionOf(second.json.url))!;
    const replay = await send(close);
    expect(replay.json).toEqual({ error: 0, description: "Success" });
    expect((await server.store.getSession(secondSession.id))?.status).toBe("active");

    clock += IDLE_MS + 1000;
    await expiry.sweepAndDeliver();
    expect((await server.store.getSession(secondSession.id))?.status).toBe("expired");
    const callbacks = receiver.received().filter((entry) => entry.body.playerId === player);
    expect(callbacks).toEqual([
      expect.objectContaining({
        memberId: "casino-one",
        deliveries: 1,
        body: expect.objectContaining({ sessionId: secondSession.id, timestamp: Math.floor(clock / 1000) }),
      }),
    ]);
  });

  it("refuses the same close uuid with another body with 409 G.03", async () => {
    const uuid = crypto.randomUUID();
    expect((await send(signedAt("closeSession", { secureLogin: "p-409", uuid }, casino, clock))).status).toBe(200);
    const other = await send(signedAt("closeSession", { secureLogin: "p-409", gameId: "lm_other", uuid }, casino, clock));
    expect([other.status, other.json]).toEqual([
      409,
      { error: { code: "G.03", message: `Duplicate request id: uuid ${uuid} was already used with a different body` } },
    ]);
  });

  it("still closes again on a replay without uuid (documented: send a uuid)", async () => {
    const player = `no-uuid-${crypto.randomUUID().slice(0, 8)}`;
    const close = signedAt("closeSession", { secureLogin: player }, casino, clock);
    await send(close);
    const entered = await send(signedAt("enterGameSession", bodyOf("enterGameSession", casino, player), casino, clock));
    await send(close);
    const session = await server.store.findSessionByTokenHash(
      server.launchTokens.hash(new URL(entered.json.url).searchParams.get("token")!),
    );
    expect(session?.status).toBe("closed");
  });
});
