// The reference server's behaviour per operation, through real HTTP: what the spec's
// descriptions promise (idempotency, close semantics, Kyren authentication, order of checks).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { createSessionApiClient } from "@luckymonaco/session-api-client";
import { enterBody, postRaw, SANDBOX, withBodyHash } from "../../support/requests.js";
import { startTestServer, type TestServer } from "../../support/servers.js";
import { bundledSpec } from "../../support/spec-views.js";

let server: TestServer;
let client: ReturnType<typeof createSessionApiClient>;

beforeAll(async () => {
  server = await startTestServer();
  client = createSessionApiClient({ baseUrl: server.baseUrl, partnerId: SANDBOX.memberId, secret: SANDBOX.secret });
});
afterAll(() => server.close());

async function enter(body = enterBody()) {
  const result = await client.POST("/api/session", { body: body as never });
  return { ...result, body };
}

/** The stored session behind a launch URL, found by its token's hash. */
async function sessionOf(url: string) {
  return server.store.findSessionByTokenHash(server.launchTokens.hash(new URL(url).searchParams.get("token")!));
}

describe("ENTER (enterGameSession)", () => {
  it("creates a session and answers a launch URL with an opaque token of at least 128 bits", async () => {
    const { data, response } = await enter();
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json");
    const url = new URL(data!.url);
    expect(`${url.origin}${url.pathname}`).toBe("https://games.luckymonaco.example/index.html");
    const token = url.searchParams.get("token")!;
    expect(Buffer.from(token, "base64url").length * 8).toBeGreaterThanOrEqual(128);
  });

  it("records every field, and stores the token only as its hash", async () => {
    const body = enterBody({ gameid: "lm_record_check" });
    const { data } = await enter(body);
    const token = new URL(data!.url).searchParams.get("token")!;
    const stored = await sessionOf(data!.url);
    expect(stored).toMatchObject({
      partnerId: "demo",
      playerId: "player-1001",
      playerNickname: "LuckyLuca",
      gameId: "lm_record_check",
      gameType: "slot",
      currency: "EUR",
      language: "en",
      partnerSessionId: "op-session-77f3a1",
      playerIp: "203.0.113.42",
      status: "active",
      tokenHash: server.launchTokens.hash(token),
    });
    expect(stored!.id).toMatch(/^[0-9a-f]{32}$/);
    expect(JSON.stringify(stored)).not.toContain(token);
  });

  it("replays the same response for the same uuid and body, also with another key order or uuid case", async () => {
    const body = enterBody();
    const first = await enter(body);
    const again = await enter(body);
    const reordered = { player: body.player, gameid: body.gameid, gametype: body.gametype, uuid: body.uuid.toUpperCase() };
    const third = await enter(reordered as never);
    expect(again.data).toEqual(first.data);
    expect(third.data).toEqual(first.data);
  });

  it("refuses the same uuid with a different body with 409 G.03", async () => {
    const body = enterBody();
    await enter(body);
    const { error, response } = await enter({ ...body, gameid: "another_game" });
    expect(response.status).toBe(409);
    expect(error).toEqual({
      errors: { code: "G.03", message: `Duplicate request id: uuid ${body.uuid} was already used with a different body` },
    });
  });

  it("refuses table games with 400 G.02, and does not use up the uuid", async () => {
    const body = enterBody({ gametype: "table" });
    const { error, response } = await enter(body);
    expect(response.status).toBe(400);
    expect(error?.errors).toEqual({ code: "G.02", message: 'Invalid game type: gametype "table" is not available now' });
    expect((await enter({ ...body, gametype: "slot" })).response.status).toBe(200);
  });
});

describe("V4 close session (closeSession)", () => {
  it("closes only the player's sessions of gameId, then all, and records clearHistory", async () => {
    const player = { ...enterBody().player, id: "closer-1" };
    const a = await enter(enterBody({ gameid: "game_a", player }));
    const b = await enter(enterBody({ gameid: "game_b", player }));
    const idA = (await sessionOf(a.data!.url))!.id;
    const idB = (await sessionOf(b.data!.url))!.id;

    const one = await client.POST("/V4/closesession", { body: { secureLogin: "closer-1", gameId: "game_a", clearHistory: "1" } });
    expect(one.data).toEqual({ error: 0, description: "Success" });
    expect(await server.store.getSession(idA)).toMatchObject({ status: "closed", historyCleared: true });
    expect((await server.store.getSession(idB))?.status).toBe("active");

    await client.POST("/V4/closesession", { body: { secureLogin: "closer-1" } });
    expect(await server.store.getSession(idB)).toMatchObject({ status: "closed", historyCleared: false });
  });

  it("is idempotent: closing again, or a player with no session, is a success", async () => {
    for (let i = 0; i < 2; i++) {
      const { data, response } = await client.POST("/V4/closesession", { body: { secureLogin: "nobody-here" } });
      expect(response.status).toBe(200);
      expect(data).toEqual({ error: 0, description: "Success" });
    }
  });

  it("checks the body hash before the schema: a bad hash on a bad body is 401, a good hash on a bad body is 400", async () => {
    const broken = { secureLogin: "p", clearHistory: 1 };
    const badHash = await postRaw(server.baseUrl, "/V4/closesession", JSON.stringify({ ...broken, hash: "0".repeat(32) }));
    expect(badHash).toMatchObject({ status: 401, body: { error: { code: "G.00" } } });
    const goodHash = await postRaw(server.baseUrl, "/V4/closesession", JSON.stringify(withBodyHash(broken)));
    expect(goodHash).toMatchObject({
      status: 400,
      body: { error: { code: "V.02", message: 'Invalid request: body.clearHistory must be a string and must be one of "0", "1"' } },
    });
  });
});

describe("Kyren CloseSession (closeSessionKyren)", () => {
  const kyren = (overrides: Record<string, unknown> = {}) => ({
    secureLogin: "demo",
    token: SANDBOX.kyrenToken,
    userId: "kyren-player",
    uuid: crypto.randomUUID(),
    ...overrides,
  });

  it("closes the player's sessions for the partner named by secureLogin and token", async () => {
    const entered = await enter(enterBody({ player: { ...enterBody().player, id: "kyren-player" } }));
    const id = (await sessionOf(entered.data!.url))!.id;
    const { data, response } = await client.POST("/v1/CloseSession", { body: kyren() });
    expect(response.status).toBe(200);
    expect(data).toEqual({ error: 0, description: "Success" });
    expect((await server.store.getSession(id))?.status).toBe("closed");
  });

  it("refuses an unknown partner or a wrong token with 401 in the Kyren shape", async () => {
    for (const overrides of [{ token: "wrong-token" }, { secureLogin: "nobody" }, { token: 42 }]) {
      const { error, response } = await client.POST("/v1/CloseSession", { body: kyren(overrides) as never });
      expect(response.status).toBe(401);
      expect(error).toMatchObject({ error: "G.00" });
    }
  });

  it("replays the same uuid and body, and refuses the same uuid with another body with 409", async () => {
    const body = kyren();
    expect((await client.POST("/v1/CloseSession", { body })).response.status).toBe(200);
    expect((await client.POST("/v1/CloseSession", { body })).response.status).toBe(200);
    const { error, response } = await client.POST("/v1/CloseSession", { body: { ...body, gameId: "other_game" } });
    expect(response.status).toBe(409);
    expect(error).toEqual({ error: "G.03", description: `Duplicate request id: uuid ${body.uuid} was already used with a different body` });
  });
});

describe("the rest of the server", () => {
  it("answers /health and the bundle it serves (the docs at /docs/: test/integration/docs)", async () => {
    expect(await (await fetch(`${server.baseUrl}/health`)).json()).toEqual({
      status: "ok",
      callbacks: { pending: 0, failed: 0, oldestPendingAgeSeconds: 0 },
    });
    const json = await fetch(`${server.baseUrl}/openapi.json`);
    expect(json.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await json.json()).toEqual(bundledSpec);
    const yaml = await fetch(`${server.baseUrl}/openapi.yaml`);
    expect(yaml.headers.get("content-type")).toMatch(/^application\/yaml/);
    expect(parse(await yaml.text())).toEqual(bundledSpec);
  });

  it("does not serve the operator's callback: 404 G.05", async () => {
    expect(await postRaw(server.baseUrl, "/V4/sessionexpired", "{}")).toMatchObject({
      status: 404,
      contentType: "application/json",
      body: { error: { code: "G.05" } },
    });
  });
});
