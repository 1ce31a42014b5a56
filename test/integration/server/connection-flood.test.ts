// A flood of connections that send nothing, or trickle a request byte by byte, against the
// server as a process with a small MAX_CONNECTIONS (src/http/connection-limits.ts): it
// keeps at most that many open, its memory stays bounded, and a client that sends a real
// request is still answered during the flood, because idle connections make room.
import { readFileSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeDataDir, removeDataDir, startChildServer, type ChildServer } from "../../support/child-server.js";
import { enterBody, postRaw } from "../../support/requests.js";

const MAX = 200;
const dataDir = makeDataDir();
let server: ChildServer;

/** The resident memory of the server process, bytes (Linux /proc). */
const rss = () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${server.process.child.pid}/status`, "utf8"))![1]) * 1024;

/** Opens `count` connections, keeping those the server accepts; resolves with them once all have settled. */
async function flood(count: number, trickle: boolean): Promise<Socket[]> {
  const port = Number(new URL(server.baseUrl).port);
  const sockets = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<Socket>((resolve) => {
          const socket = connect(port, "127.0.0.1", () => {
            socket.resume(); // read what the server sends (a 408), so that its close is seen
            if (trickle) socket.write("POST /api/session HTTP/1.1\r\nHost: x\r\n");
            resolve(socket);
          });
          socket.on("error", () => resolve(socket));
        }),
    ),
  );
  return sockets;
}

/** How many of `sockets` the server still holds open, once it had a moment to close some. */
async function stillOpen(sockets: Socket[]): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, 300));
  return sockets.filter((socket) => !socket.destroyed && socket.readyState === "open").length;
}

beforeAll(async () => {
  server = await startChildServer(dataDir, { DATABASE_URL: join(dataDir, "flood.db"), MAX_CONNECTIONS: String(MAX) });
});
afterAll(async () => {
  await server?.process.stop();
  removeDataDir(dataDir);
});

describe.skipIf(process.platform !== "linux")("a flood of connections", () => {
  it("of idle ones: at most MAX_CONNECTIONS stay open, memory stays bounded, and real requests are answered", async () => {
    const before = rss();
    const idle = await flood(5 * MAX, false);
    try {
      expect(await stillOpen(idle)).toBeLessThanOrEqual(MAX);
      const answers = await Promise.all(
        Array.from({ length: 5 }, () => postRaw(server.baseUrl, "/api/session", JSON.stringify(enterBody()))),
      );
      expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200]);
      expect(rss() - before, "memory grown by the flood").toBeLessThan(64 * 2 ** 20);
    } finally {
      for (const socket of idle) socket.destroy();
    }
  }, 60_000);

  it("of slow requests: at most MAX_CONNECTIONS stay open, and each is cut at the request timeout", async () => {
    const slow = await flood(2 * MAX, true);
    try {
      expect(await stillOpen(slow)).toBeLessThanOrEqual(MAX);
      // The request timeout (10 s) ends every trickling request with 408 G.07 and frees its connection.
      await expect.poll(() => stillOpen(slow), { timeout: 15_000, interval: 500 }).toBe(0);
      const answer = await postRaw(server.baseUrl, "/api/session", JSON.stringify(enterBody()));
      expect(answer.status).toBe(200);
    } finally {
      for (const socket of slow) socket.destroy();
    }
  }, 60_000);
});
