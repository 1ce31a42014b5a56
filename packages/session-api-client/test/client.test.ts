// The typed client signs every request so that it matches the published vectors, with
// no network: a capturing fetch records the exact request the client would send.
import { createServer, type Socket } from "node:net";
import { describe, expect, it } from "vitest";
import { operationsById } from "../../../generated/operations.js";
import { signingVectors } from "../../../src/codegen/spec.js";
import { createSessionApiClient } from "../src/index.js";
import { signRequest, SigningError } from "../src/index.js";

interface Captured {
  url: URL;
  body: string;
  contentType: string | null;
}

/** The client's clock in these tests: 2026-01-01T00:00:00.900Z, so `timestamp` is 1767225600. */
const NOW_MS = 1767225600_900;

function capturingClient(
  secret: string,
  answer: { status: number; body: unknown } = { status: 200, body: { error: 0, description: "Success" } },
) {
  const sent: Captured[] = [];
  const client = createSessionApiClient({
    baseUrl: "http://provider.test",
    partnerId: "demo",
    secret,
    now: () => NOW_MS,
    fetch: async (request) => {
      sent.push({ url: new URL(request.url), body: await request.text(), contentType: request.headers.get("content-type") });
      return new Response(JSON.stringify(answer.body), { status: answer.status, headers: { "Content-Type": "application/json" } });
    },
  });
  return { client, sent };
}

const pathOf = (operationId: string) => operationsById[operationId as keyof typeof operationsById].path;

describe("createSessionApiClient", () => {
  const compactVectors = signingVectors().vectors.filter((vector) => !vector.name.includes("escaped"));
  const timestamped = compactVectors.filter((vector) => "timestamp" in vector.fields);
  const untimed = compactVectors.filter((vector) => !("timestamp" in vector.fields));

  it("has vectors with and without timestamp to check", () => {
    expect(timestamped.length).toBeGreaterThanOrEqual(3);
    expect(untimed.length).toBeGreaterThanOrEqual(3);
  });

  it.each(timestamped.map((vector) => [vector.name, vector] as const))(
    "%s: keeps the given timestamp and sends exactly the vector's body bytes and HASH",
    async (_name, vector) => {
      const { client, sent } = capturingClient(vector.secret);
      await client.POST(pathOf(vector.operationId) as "/V4/closesession", { body: vector.fields as never });
      expect(sent).toHaveLength(1);
      expect(sent[0]!.body).toBe(vector.rawBody);
      expect(sent[0]!.url.searchParams.get("MEMB_ID")).toBe("demo");
      expect(sent[0]!.url.searchParams.get("HASH")).toBe(vector.HASH);
      expect(sent[0]!.contentType).toBe("application/json");
    },
  );

  it.each(untimed.map((vector) => [vector.name, vector] as const))(
    "%s: adds the current timestamp as the last field, then signs that body",
    async (_name, vector) => {
      const { client, sent } = capturingClient(vector.secret);
      await client.POST(pathOf(vector.operationId) as "/V4/closesession", { body: vector.fields as never });
      const expected = signRequest({ ...vector.fields, timestamp: 1767225600 }, vector.secret, vector.hash !== null);
      expect(sent[0]!.body).toBe(expected.rawBody);
      expect(sent[0]!.url.searchParams.get("HASH")).toBe(expected.HASH);
      expect(
        Object.keys(JSON.parse(sent[0]!.body))
          .filter((key) => key !== "hash")
          .at(-1),
      ).toBe("timestamp");
    },
  );

  it("adds no MEMB_ID, HASH or hash to Kyren CloseSession, which is authenticated in the body, but adds its timestamp", async () => {
    const { client, sent } = capturingClient("sandbox-secret");
    const body = { secureLogin: "demo", token: "sandbox-token", userId: "player-1001", uuid: "0b6c1f7e-2d4a-4c3b-9e8f-7a6d5c4b3a21" };
    await client.POST("/v1/CloseSession", { body });
    expect(sent[0]!.url.search).toBe("");
    expect(sent[0]!.body).toBe(JSON.stringify({ ...body, timestamp: 1767225600 }));
  });

  it("takes the time from Date.now by default", async () => {
    const sent: string[] = [];
    const client = createSessionApiClient({
      baseUrl: "http://provider.test",
      partnerId: "demo",
      secret: "sandbox-secret",
      fetch: async (request) => (sent.push(await request.text()), new Response("{}")),
    });
    const before = Math.floor(Date.now() / 1000);
    await client.POST("/V4/closesession", { body: { secureLogin: "player-1001" } });
    const { timestamp } = JSON.parse(sent[0]!) as { timestamp: number };
    expect(timestamp).toBeGreaterThanOrEqual(before);
    expect(timestamp).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
  });

  it("returns the typed error body and status of a documented failure", async () => {
    const failure = { errors: { code: "G.00", message: "Could not authenticate: HASH does not match the request body" } };
    const { client } = capturingClient("sandbox-secret", { status: 401, body: failure });
    const { data, error, response } = await client.POST("/api/session", {
      body: {
        uuid: "3f1c2a7e-9b4d-4e2f-8a61-5c0d9e7b1a23",
        gametype: "slot",
        gameid: "g",
        player: { id: "p", language: "en", currency: "EUR", session: { id: "s", ip: "203.0.113.42" } },
      },
    });
    expect(data).toBeUndefined();
    expect(response.status).toBe(401);
    expect(error?.errors.code).toBe("G.00");
  });

  it("refuses to sign a body with a nested value instead of sending it", async () => {
    const { client, sent } = capturingClient("sandbox-secret");
    const body = { secureLogin: "player-1001", extra: { nested: true } } as never;
    await expect(client.POST("/V4/closesession", { body })).rejects.toThrow(SigningError);
    expect(sent).toHaveLength(0);
  });
});

describe("request timeout", () => {
  it("rejects with TimeoutError when a server accepts the connection and never answers, and succeeds otherwise", async () => {
    const hole = await blackHole();
    try {
      const client = createSessionApiClient({ baseUrl: hole.url, partnerId: "demo", secret: "sandbox-secret", timeoutMs: 200 });
      let settled = false;
      const call = client
        .POST("/V4/closesession", { body: { secureLogin: "player-1001" } })
        .then(
          () => undefined,
          (reason: unknown) => reason,
        )
        .finally(() => (settled = true));
      // Garbage collections while it waits (the unit project runs with --expose-gc): a deadline
      // held only weakly (AbortSignal.timeout, AbortSignal.any on Node 20) would never fire.
      while (!settled) {
        (globalThis as { gc?: () => void }).gc?.();
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const error = await call;
      expect(error).toBeInstanceOf(DOMException);
      expect((error as DOMException).name).toBe("TimeoutError");
      expect(hole.accepted()).toBe(1);
    } finally {
      await hole.close();
    }
    const { client, sent } = capturingClient("sandbox-secret");
    const { data } = await client.POST("/V4/closesession", { body: { secureLogin: "player-1001" } });
    expect(data).toEqual({ error: 0, description: "Success" });
    expect(sent).toHaveLength(1);
  });
});

/** A server that accepts connections and never answers, on 127.0.0.1 and a free port. */
async function blackHole(): Promise<{ url: string; accepted(): number; close(): Promise<void> }> {
  const sockets: Socket[] = [];
  const server = createServer((socket) => void sockets.push(socket));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    accepted: () => sockets.length,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
