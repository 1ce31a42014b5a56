// A session answered with 200 survives `kill -9` of the server process: the store
// commits before the response is sent.
import { createHash } from "node:crypto";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { createSessionApiClient } from "@luckymonaco/session-api-client";
import { openSqliteStore } from "../../../src/store/sqlite/store.js";
import { makeDataDir, removeDataDir, startChildServer, type ChildServer } from "../../support/child-server.js";
import { enterBody, SANDBOX } from "../../support/requests.js";

const dataDir = makeDataDir();
let server: ChildServer | undefined;
afterAll(async () => {
  await server?.process.stop();
  removeDataDir(dataDir);
});

it("keeps every session answered with 200 after kill -9, and replays it after a restart", async () => {
  server = await startChildServer(dataDir);
  const client = () => createSessionApiClient({ baseUrl: server!.baseUrl, partnerId: SANDBOX.memberId, secret: SANDBOX.secret });
  const bodies = Array.from({ length: 20 }, () => enterBody());
  const answered = await Promise.all(bodies.map((body) => client().POST("/api/session", { body: body as never })));
  expect(answered.every((result) => result.response.status === 200)).toBe(true);

  process.kill(-server.process.child.pid!, "SIGKILL");
  await new Promise((resolve) => server!.process.child.once("exit", resolve));

  const store = await openSqliteStore({ location: join(dataDir, "sessions.db") });
  for (const { data } of answered) {
    const token = new URL(data!.url).searchParams.get("token")!;
    const session = await store.findSessionByTokenHash(createHash("sha256").update(token).digest("hex"));
    expect(session?.status).toBe("active");
  }
  await store.close();

  server = await startChildServer(dataDir);
  const replay = await client().POST("/api/session", { body: bodies[0] as never });
  expect(replay.data).toEqual(answered[0]!.data);
}, 60_000);
