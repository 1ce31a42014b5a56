// The tester's HTTP client sends a request again, once, on a new connection when the
// kept-alive connection it reused was closed by the target before any answer (the target
// closes idle connections on its own timeout, and may do so just as a request leaves):
// that is no answer of the target's. Any other failure is reported as it is.
import { createServer, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeConnections, exchange } from "../../../src/contract/http.js";

/** A server that answers the first request of each connection (kept alive) and resets the connection on the second. */
let server: Server;
let baseUrl: string;
let resets = 0;
let fails = false;

beforeAll(async () => {
  server = createServer((socket: Socket) => {
    let requests = 0;
    socket.on("data", (chunk) => {
      if (!chunk.includes("\r\n\r\n")) return;
      requests += 1;
      if (requests > 1 || fails) {
        resets += 1;
        socket.resetAndDestroy();
        return;
      }
      socket.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\n{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

afterAll(async () => {
  closeConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const request = { path: "/api/session", query: {}, headers: { "Content-Type": "application/json" }, body: "{}" };

describe("exchange", () => {
  it("sends a request again on a new connection when the reused one is reset before any answer", async () => {
    expect((await exchange(baseUrl, request)).status).toBe(200);
    expect((await exchange(baseUrl, request)).status).toBe(200);
    expect(resets).toBe(1);
  });

  it("reports a reset on a new connection, without sending it again", async () => {
    closeConnections();
    fails = true;
    resets = 0;
    await expect(exchange(baseUrl, request)).rejects.toThrow(/ECONNRESET|socket hang up/);
    expect(resets).toBe(1);
  });
});
