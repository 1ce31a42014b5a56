// No enumeration of partner ids (issue "Replay-proof signing"): outside the sandbox an
// unknown MEMB_ID, a missing HASH, a wrong HASH and a wrong body hash get byte-identical
// answers (Kyren: an unknown secureLogin, a wrong token and a missing one), on the
// provider's server and on the operator receiver; inside the sandbox each names its
// reason. Every signed operation is enumerated from the spec.
import { signingSecret } from "@luckymonaco/session-api-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { operationsById, type OperationId } from "../../../generated/operations.js";
import type { Partner } from "../../../src/partners/directory.js";
import { bodyHash, requestSignature } from "@luckymonaco/session-api-client";
import { enterBody } from "../../support/requests.js";
import { startTestReceiver, startTestServer, type TestReceiver, type TestServer } from "../../support/servers.js";

const partner: Partner = {
  memberId: "casino-one",
  secret: "casino-one-secret-0001",
  kyrenToken: "casino-one-kyren-token",
  callbackUrl: undefined,
  sessionExpiredCallback: false,
};

interface Ends {
  server: TestServer;
  receiver: TestReceiver;
}
const production = {} as Ends;
const sandbox = {} as Ends;

beforeAll(async () => {
  [production.server, production.receiver, sandbox.server, sandbox.receiver] = await Promise.all([
    startTestServer({ partners: [partner] }),
    startTestReceiver([partner]),
    startTestServer(),
    startTestReceiver(),
  ]);
});
afterAll(async () => void (await Promise.all([...Object.values(production), ...Object.values(sandbox)].map((end) => end?.close()))));

const signedOperations = Object.values(operationsById).filter((operation) => operation.signedWithHash);
const baseOf = (ends: Ends, operationId: OperationId) =>
  operationsById[operationId].implementedBy === "provider" ? ends.server.baseUrl : ends.receiver.baseUrl;

function fields(operationId: OperationId): Record<string, unknown> {
  if (operationId === "enterGameSession") return enterBody();
  if (operationId === "closeSession") return { secureLogin: "player-1001" };
  return { providerId: "luckymonaco", sessionId: "0123456789abcdef0123456789abcdef", playerId: "player-1001" };
}

/** The ways to fail authentication, each a raw body and its query, given the partner's id and secret. */
function failures(
  operationId: OperationId,
  memberId: string,
  secret: string,
): Record<string, { rawBody: string; query: Record<string, string> }> {
  const operation = operationsById[operationId];
  const body = fields(operationId);
  const signed = JSON.stringify(operation.bodyHash ? { ...body, hash: bodyHash(body, secret) } : body);
  const cases: Record<string, { rawBody: string; query: Record<string, string> }> = {
    "unknown MEMB_ID": { rawBody: signed, query: { MEMB_ID: "nobody-here", HASH: requestSignature(signed, secret) } },
    "missing HASH": { rawBody: signed, query: { MEMB_ID: memberId } },
    "missing MEMB_ID": { rawBody: signed, query: { HASH: requestSignature(signed, secret) } },
    "wrong HASH": { rawBody: signed, query: { MEMB_ID: memberId, HASH: requestSignature(signed, `${secret}-wrong`) } },
  };
  if (operation.bodyHash) {
    const badHash = JSON.stringify({ ...body, hash: bodyHash(body, `${secret}-wrong`) });
    cases["wrong body hash"] = { rawBody: badHash, query: { MEMB_ID: memberId, HASH: requestSignature(badHash, secret) } };
  }
  return cases;
}

async function post(baseUrl: string, path: string, rawBody: string, query: Record<string, string> = {}) {
  const url = new URL(path, baseUrl);
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: rawBody });
  return { status: response.status, contentType: response.headers.get("content-type"), text: await response.text() };
}

describe.each(signedOperations.map((operation) => [operation.operationId, operation.operationId] as const))("%s", (_name, operationId) => {
  const path = operationsById[operationId].path;

  it("outside the sandbox, answers every authentication failure with the same bytes", async () => {
    const answers = await Promise.all(
      Object.entries(failures(operationId, partner.memberId, signingSecret(partner.secret))).map(async ([name, { rawBody, query }]) => ({
        name,
        ...(await post(baseOf(production, operationId), path, rawBody, query)),
      })),
    );
    expect(answers.length).toBeGreaterThanOrEqual(4);
    for (const answer of answers)
      expect({ name: answer.name, status: answer.status, contentType: answer.contentType, text: answer.text }).toEqual({
        ...answers[0],
        name: answer.name,
      });
    expect(answers[0]!.status).toBe(401);
    expect(answers[0]!.text).toContain('"G.00"');
    expect(answers[0]!.text).not.toMatch(/unknown|missing|does not match/);
  });

  it("inside the sandbox, names the reason of each", async () => {
    const answers = await Promise.all(
      Object.values(failures(operationId, "demo", "sandbox-secret")).map(({ rawBody, query }) =>
        post(baseOf(sandbox, operationId), path, rawBody, query),
      ),
    );
    expect(answers.every((answer) => answer.status === 401)).toBe(true);
    expect(new Set(answers.map((answer) => answer.text)).size).toBe(answers.length);
    expect(answers.map((answer) => answer.text).join("\n")).toMatch(/MEMB_ID names no known partner[\s\S]*HASH is missing/);
  });
});

describe("Kyren CloseSession", () => {
  const kyren = (overrides: Record<string, unknown>) =>
    JSON.stringify({
      secureLogin: partner.memberId,
      token: partner.kyrenToken,
      userId: "player-1001",
      uuid: crypto.randomUUID(),
      ...overrides,
    });

  it("outside the sandbox, answers an unknown secureLogin, a wrong token and a missing one with the same bytes", async () => {
    const answers = await Promise.all(
      [{ secureLogin: "nobody-here" }, { token: "wrong-token-000000" }, { token: undefined }].map((overrides) =>
        post(production.server.baseUrl, "/v1/CloseSession", kyren(overrides)),
      ),
    );
    expect(answers[0]).toMatchObject({ status: 401, contentType: "application/json" });
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[2]).toEqual(answers[0]);
  });

  it("inside the sandbox, says what is wrong", async () => {
    const missing = await post(
      sandbox.server.baseUrl,
      "/v1/CloseSession",
      JSON.stringify({ secureLogin: "demo", userId: "p", uuid: crypto.randomUUID() }),
    );
    expect(JSON.parse(missing.text)).toEqual({
      error: "G.00",
      description: "Could not authenticate: secureLogin and token are required strings",
    });
  });
});
