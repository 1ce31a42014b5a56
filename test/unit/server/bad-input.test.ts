// Bad input never gets a 500, a hang or a body outside the spec: every malformed request
// to every operation (the provider's three, and the operator receiver's callback) gets
// its documented status, its catalog code in the operation's own error shape, and
// exactly `Content-Type: application/json`. Nothing is stored for a rejected request.
// What is refused before routing (framing, timeouts, unknown paths): test/unit/http.
import { describe, expect, it } from "vitest";
import { maxRequestBodyBytes, operationsById, type OperationId } from "../../../generated/operations.js";
import { getAtPointer } from "../../../src/shared/json-pointer.js";
import { requestSignature } from "@luckymonaco/session-api-client";
import { enterBody, postRaw, SANDBOX, withBodyHash, type RawResponse } from "../../support/requests.js";
import { useServerAndReceiver } from "../../support/servers.js";

const ends = useServerAndReceiver();

/** The catalog code where the operation's failure envelope puts it (spec: `x-error-envelope`). */
const codeOf = (operationId: OperationId, body: unknown) => getAtPointer(body, operationsById[operationId].errorEnvelope.code);

const validBodies: Record<OperationId, () => Record<string, unknown>> = {
  enterGameSession: () => enterBody(),
  closeSession: () => withBodyHash({ secureLogin: "player-1001", gameId: "lm_monaco_riches" }),
  closeSessionKyren: () => ({ secureLogin: "demo", token: SANDBOX.kyrenToken, userId: "player-1001", uuid: crypto.randomUUID() }),
  sessionExpired: () => withBodyHash({ providerId: "luckymonaco", sessionId: "6fd2d6f3bb8f4c5a9fadf15d81206af2", playerId: "player-1001" }),
};

/** A body of the operation that breaks the schema (wrong type) but is otherwise correctly signed/authenticated. */
const wrongTypes: Record<OperationId, () => Record<string, unknown>> = {
  enterGameSession: () => enterBody({ gameid: 42 }),
  closeSession: () => withBodyHash({ secureLogin: "player-1001", clearHistory: true }),
  closeSessionKyren: () => ({ ...validBodies.closeSessionKyren(), userId: ["player-1001"] }),
  sessionExpired: () => withBodyHash({ providerId: "luckymonaco", sessionId: "not-hex", playerId: "player-1001" }),
};

interface BadInput {
  name: string;
  /** Operations the input is bad for (default: all). */
  appliesTo?: (operationId: OperationId) => boolean;
  send(baseUrl: string, path: string, operationId: OperationId): Promise<RawResponse>;
  expect: { status: number; code: string };
}

const oversized = () => JSON.stringify({ secureLogin: "x".repeat(maxRequestBodyBytes) });
const signedOnly = (operationId: OperationId) => operationsById[operationId].signedWithHash;

const badInputs: BadInput[] = [
  { name: "broken JSON", send: (b, p) => postRaw(b, p, '{"secureLogin": "player-1001",'), expect: { status: 400, code: "V.01" } },
  { name: "a JSON array instead of an object", send: (b, p) => postRaw(b, p, "[1, 2]"), expect: { status: 400, code: "V.01" } },
  { name: "an empty body", send: (b, p) => postRaw(b, p, ""), expect: { status: 400, code: "V.01" } },
  {
    name: "Content-Type text/plain",
    send: (b, p, id) => postRaw(b, p, JSON.stringify(validBodies[id]()), { contentType: "text/plain" }),
    expect: { status: 415, code: "V.04" },
  },
  {
    name: "a charset other than UTF-8",
    send: (b, p, id) => postRaw(b, p, JSON.stringify(validBodies[id]()), { contentType: "application/json; charset=latin1" }),
    expect: { status: 415, code: "V.04" },
  },
  {
    name: "no Content-Type and no body",
    send: (b, p) => postRaw(b, p, undefined, { contentType: null }),
    expect: { status: 415, code: "V.04" },
  },
  { name: "a body over the size limit", send: (b, p) => postRaw(b, p, oversized()), expect: { status: 413, code: "V.03" } },
  {
    name: "a body over the size limit, streamed without Content-Length",
    send: async (baseUrl, path) => {
      const url = new URL(path, baseUrl);
      url.searchParams.set("MEMB_ID", SANDBOX.memberId);
      url.searchParams.set("HASH", "0".repeat(64));
      const chunk = new TextEncoder().encode("x".repeat(4096));
      const stream = new ReadableStream({
        start(controller) {
          for (let i = 0; i < 8; i++) controller.enqueue(chunk);
          controller.close();
        },
      });
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: stream,
        duplex: "half",
      } as RequestInit);
      return { status: response.status, contentType: response.headers.get("content-type"), body: await response.json() };
    },
    expect: { status: 413, code: "V.03" },
  },
  { name: "wrong types", send: (b, p, id) => postRaw(b, p, JSON.stringify(wrongTypes[id]())), expect: { status: 400, code: "V.02" } },
  {
    name: "a field the operation does not define",
    // Receivers of the callback must accept unknown fields (spec: SessionExpiredRequest); test/operator covers that.
    appliesTo: (id) => id !== "sessionExpired",
    send: (b, p, id) =>
      postRaw(
        b,
        p,
        JSON.stringify(
          id === "closeSession" ? withBodyHash({ secureLogin: "player-1001", gameID: "typo" }) : { ...validBodies[id](), gameID: "typo" },
        ),
      ),
    expect: { status: 400, code: "V.02" },
  },
  {
    name: "missing MEMB_ID and HASH (Kyren: missing token)",
    send: (b, p, id) => {
      const body = validBodies[id]();
      if (!signedOnly(id)) delete body.token;
      return postRaw(b, p, JSON.stringify(body), { sign: false });
    },
    expect: { status: 401, code: "G.00" },
  },
  {
    name: "an unknown MEMB_ID (Kyren: unknown secureLogin)",
    send: (b, p, id) => {
      const raw = JSON.stringify(signedOnly(id) ? validBodies[id]() : { ...validBodies[id](), secureLogin: "nobody" });
      return postRaw(b, p, raw, { query: signedOnly(id) ? { MEMB_ID: "nobody" } : {} });
    },
    expect: { status: 401, code: "G.00" },
  },
  ...(["MEMB_ID", "HASH"] as const).map(
    (name): BadInput => ({
      name: `${name} given twice`,
      appliesTo: signedOnly,
      send: async (baseUrl, path, id) => {
        const raw = JSON.stringify(validBodies[id]());
        const url = new URL(path, baseUrl);
        url.searchParams.append("MEMB_ID", SANDBOX.memberId);
        url.searchParams.append("HASH", requestSignature(raw, SANDBOX.secret));
        url.searchParams.append(name, url.searchParams.get(name)!);
        const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: raw });
        return { status: response.status, contentType: response.headers.get("content-type"), body: await response.json() };
      },
      expect: { status: 401, code: "G.00" },
    }),
  ),
  {
    name: "a correctly signed body that is not valid UTF-8",
    send: async (baseUrl, path, id) => {
      const withReplacement: Record<OperationId, () => Record<string, unknown>> = {
        enterGameSession: () => enterBody({ gameid: "lm_monaco_riches\uFFFD" }),
        closeSession: () => withBodyHash({ secureLogin: "player-1001\uFFFD" }),
        closeSessionKyren: () => ({ ...validBodies.closeSessionKyren(), userId: "player-1001\uFFFD" }),
        sessionExpired: () =>
          withBodyHash({ providerId: "luckymonaco", sessionId: "6fd2d6f3bb8f4c5a9fadf15d81206af2", playerId: "player-1001\uFFFD" }),
      };
      // U+FFFD (EF BF BD) becomes a lone 0xFF: a lenient decoder reads it back as U+FFFD, so every signature matches.
      const text = Buffer.from(JSON.stringify(withReplacement[id]())).toString("hex").replace("efbfbd", "ff");
      const raw = Buffer.from(text, "hex");
      const url = new URL(path, baseUrl);
      url.searchParams.set("MEMB_ID", SANDBOX.memberId);
      url.searchParams.set("HASH", requestSignature(raw, SANDBOX.secret));
      const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: raw });
      return { status: response.status, contentType: response.headers.get("content-type"), body: await response.json() };
    },
    expect: { status: 400, code: "V.01" },
  },
  {
    name: "a Content-Type of 2,000 characters",
    send: (b, p, id) => postRaw(b, p, JSON.stringify(validBodies[id]()), { contentType: `text/${"x".repeat(2000)}` }),
    expect: { status: 415, code: "V.04" },
  },
  {
    name: "a HASH made with another secret (Kyren: a wrong token)",
    send: (b, p, id) =>
      signedOnly(id)
        ? postRaw(b, p, JSON.stringify(validBodies[id]()), { secret: "not-the-secret" })
        : postRaw(b, p, JSON.stringify({ ...validBodies[id](), token: "wrong" })),
    expect: { status: 401, code: "G.00" },
  },
];

const targets = Object.values(operationsById).map((operation) => ({
  operation,
  base: () => (operation.implementedBy === "provider" ? ends.server.baseUrl : ends.receiver.baseUrl),
}));

describe.each(targets.map((target) => [target.operation.operationId, target] as const))("%s", (operationId, target) => {
  const inputs = badInputs.filter((input) => input.appliesTo?.(operationId) ?? true);
  it.each(inputs.map((input) => [input.name, input] as const))("%s gets its documented error", async (_name, input) => {
    const expected = input.expect;
    const response = await input.send(target.base(), target.operation.path, operationId);
    expect(response.status).toBe(expected.status);
    expect(response.contentType).toBe("application/json");
    expect(codeOf(operationId, response.body)).toBe(expected.code);
    expect(target.operation.statuses).toContain(response.status);
  });
});

describe("after all that bad input", () => {
  it("stored nothing and still serves", async () => {
    const stale = await ends.server.store.expireIdleSessions(Number.MAX_SAFE_INTEGER, Date.now(), new Set(), 1000);
    expect(stale).toEqual([]);
    expect(await (await fetch(`${ends.server.baseUrl}/health`)).json()).toEqual({
      status: "ok",
      callbacks: { pending: 0, failed: 0, oldestPendingAgeSeconds: 0 },
    });
    expect(ends.receiver.received()).toEqual([]);
  });

  it("a valid request still works", async () => {
    const response = await postRaw(ends.server.baseUrl, "/api/session", JSON.stringify(enterBody()));
    expect(response.status).toBe(200);
  });
});
