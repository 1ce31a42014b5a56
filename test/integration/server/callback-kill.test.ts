// kill -9 of the server during delivery loses no callback: the callbacks whose
// attempts were cut off are sent again by the restarted server once their lease runs out,
// with the same callback id, and the example receiver records each of them once.
import { signingSecret } from "@luckymonaco/session-api-client";
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Partner } from "../../../src/partners/directory.js";
import { startGate, type Gate } from "../../support/callback-receivers.js";
import { makeDataDir, removeDataDir, startChildServer, type ChildServer } from "../../support/child-server.js";
import { eventually } from "../../support/eventually.js";
import { enterBody, postRaw } from "../../support/requests.js";
import { startTestReceiver, type TestReceiver } from "../../support/servers.js";

const partner: Partner = {
  memberId: "casino-k",
  secret: "casino-k-secret-00001",
  kyrenToken: undefined,
  callbackUrl: undefined,
  sessionExpiredCallback: true,
};
const COUNT = 20;
const dataDir = makeDataDir();
let receiver: TestReceiver;
let gate: Gate;
let server: ChildServer | undefined;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  receiver = await startTestReceiver([partner]);
  gate = await startGate(receiver.baseUrl);
  const partnersFile = join(dataDir, "partners.json");
  writeFileSync(partnersFile, JSON.stringify({ partners: [{ ...partner, callbackUrl: gate.url }] }));
  env = {
    PARTNERS_FILE: partnersFile,
    LAUNCH_TOKEN_SECRET: randomBytes(32).toString("hex"),
    SESSION_IDLE_TIMEOUT_SECONDS: "1",
    EXPIRY_SWEEP_SECONDS: "0.2",
    CALLBACK_RETRY_SCHEDULE: "1,2,4",
    CALLBACK_TIMEOUT_MS: "2000",
    CALLBACK_LEASE_MARGIN_SECONDS: "1",
    CALLBACK_PARTNER_CONCURRENCY: "4",
  };
  server = await startChildServer(dataDir, env);
});
afterAll(async () => {
  await server?.process.stop();
  await Promise.all([receiver?.close(), gate?.close()]);
  removeDataDir(dataDir);
});

it("loses nothing when the server is killed during delivery; the repeats carry the same callback id and are recorded once", async () => {
  gate.hold = true;
  const answers = await Promise.all(
    Array.from({ length: COUNT }, () =>
      postRaw(server!.baseUrl, "/api/session", JSON.stringify(enterBody()), {
        query: { MEMB_ID: partner.memberId },
        secret: signingSecret(partner.secret),
      }),
    ),
  );
  expect(answers.map((answer) => answer.status)).toEqual(Array(COUNT).fill(200));
  // Four attempts are in flight (the partner's bound), held by the gate: kill -9 now.
  expect(await eventually(() => gate.held() === 4)).toBe(true);
  process.kill(-server!.process.child.pid!, "SIGKILL");
  await new Promise((resolve) => server!.process.child.once("exit", resolve));
  const cutOff = gate.seen.map((request) => request.body.sessionId as string);
  // The receiver now gets and records those four: the server never learns it.
  gate.release();
  expect(await eventually(() => receiver.received().length === 4)).toBe(true);

  server = await startChildServer(dataDir, env);
  expect(await eventually(() => receiver.received().length === COUNT, 30_000)).toBe(true);
  expect(await eventually(async () => (await (await fetch(`${server!.baseUrl}/health`)).json()).callbacks.pending === 0)).toBe(true);

  const received = receiver.received();
  expect(new Set(received.map((entry) => entry.body.sessionId)).size).toBe(COUNT);
  // Each cut-off callback came again after the restart, with its callback id, and was recorded once.
  for (const sessionId of cutOff) {
    const attempts = gate.seen.filter((request) => request.body.sessionId === sessionId);
    expect(attempts.length).toBeGreaterThanOrEqual(2);
    expect(new Set(attempts.map((request) => request.body.callbackId)).size).toBe(1);
    expect(received.find((entry) => entry.body.sessionId === sessionId)?.deliveries).toBe(attempts.length);
  }
  expect(received.filter((entry) => !cutOff.includes(entry.body.sessionId)).every((entry) => entry.deliveries === 1)).toBe(true);
}, 60_000);
