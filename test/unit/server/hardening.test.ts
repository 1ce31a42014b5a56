// Hardened answers (src/http/security-headers.ts, src/server/docs-routes.ts,
// src/http/transport-answers.ts): security headers on every kind of answer, the API's,
// the docs', the health endpoints' and those written on a bare socket; an unusual Expect
// served as if absent. The built docs pages' own answers are in
// test/integration/docs/docs-answers.test.ts (they need the docs build).
import { connect } from "node:net";
import { describe, expect, it } from "vitest";
import { postRaw, SANDBOX } from "../../support/requests.js";
import { useServerAndReceiver } from "../../support/servers.js";
import { requestSignature } from "@luckymonaco/session-api-client";

const ends = useServerAndReceiver();

/** The security headers every answer carries. */
const SECURITY = {
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
  "strict-transport-security": "max-age=31536000; includeSubDomains",
};
const STRICT_POLICY = "default-src 'none';frame-ancestors 'none';base-uri 'none';form-action 'none'";

/** Sends raw bytes and returns the raw answer (status line, headers and body). */
function rawExchange(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(bytes));
    let answer = "";
    socket.on("data", (chunk) => (answer += chunk));
    socket.on("close", () => resolve(answer));
    socket.on("error", reject);
  });
}

describe("security headers", () => {
  it.each([
    ["an API answer", "/V4/closesession", "POST"],
    ["a refused API call", "/api/session", "POST"],
    ["the health check", "/health/ready", "GET"],
    ["the bundle", "/openapi.json", "GET"],
    ["an unknown path", "/nowhere", "GET"],
  ])("are on %s, with the strict policy", async (_what, path, method) => {
    const body = method === "POST" ? JSON.stringify({ secureLogin: "player-1001" }) : undefined;
    const url = new URL(path, ends.server.baseUrl);
    if (body) url.searchParams.set("MEMB_ID", SANDBOX.memberId), url.searchParams.set("HASH", requestSignature(body, SANDBOX.secret));
    const response = await fetch(url, { method, headers: body ? { "content-type": "application/json" } : {}, body });
    await response.arrayBuffer();
    for (const [name, value] of Object.entries(SECURITY)) expect(response.headers.get(name), name).toBe(value);
    expect(response.headers.get("content-security-policy")).toBe(STRICT_POLICY);
  });

  it("are on the answers written before Fastify sees a request (bad framing, headers too large)", async () => {
    const port = Number(new URL(ends.server.baseUrl).port);
    const framing = await rawExchange(port, "POST /api/session HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}");
    expect(framing).toMatch(/^HTTP\/1\.1 400 /);
    const large = await rawExchange(port, `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`);
    expect(large).toMatch(/^HTTP\/1\.1 431 /);
    for (const answer of [framing, large]) {
      for (const [name, value] of Object.entries(SECURITY)) expect(answer.toLowerCase()).toContain(`${name}: ${value.toLowerCase()}`);
    }
  });

  it("are on the operator receiver's answers too", async () => {
    const response = await postRaw(ends.receiver.baseUrl, "/V4/sessionexpired", "[]");
    expect(response.status).toBe(400);
    const answer = await fetch(`${ends.receiver.baseUrl}/V4/sessionexpired`);
    await answer.arrayBuffer();
    const headers = answer.headers;
    for (const [name, value] of Object.entries(SECURITY)) expect(headers.get(name), name).toBe(value);
  });
});

it("serves a request whose Expect is not 100-continue as if it had none", async () => {
  const body = JSON.stringify({ secureLogin: "player-1001" });
  const port = Number(new URL(ends.server.baseUrl).port);
  const answer = await rawExchange(
    port,
    `POST /V4/closesession?MEMB_ID=demo&HASH=${requestSignature(body, SANDBOX.secret)} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nExpect: foo\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
  );
  expect(answer).toMatch(/^HTTP\/1\.1 401 /); // the close session rules (its body needs a hash), not a bare 417
  expect(answer).toContain('"code":"G.00"');
});
