// SANDBOX_CALLBACK_URL: the sandbox (no PARTNERS_FILE) sends the session expired callbacks
// of its partner `demo` to a partner's receiver, signed with `sandbox-secret`, so that a
// partner can try their receiver against a local sandbox end to end. The example receiver
// records only callbacks whose signature holds.
import { signingSecret } from "@luckymonaco/session-api-client";
import { afterAll, beforeAll, expect, it } from "vitest";
import { makeDataDir, removeDataDir, startChildServer, type ChildServer } from "../../support/child-server.js";
import { eventually } from "../../support/eventually.js";
import { enterBody, postRaw, SANDBOX } from "../../support/requests.js";
import { startTestReceiver, type TestReceiver } from "../../support/servers.js";

const dataDir = makeDataDir();
let receiver: TestReceiver;
let server: ChildServer | undefined;

beforeAll(async () => {
  receiver = await startTestReceiver();
  server = await startChildServer(dataDir, {
    SANDBOX_CALLBACK_URL: receiver.baseUrl,
    SESSION_IDLE_TIMEOUT_SECONDS: "1",
    EXPIRY_SWEEP_SECONDS: "0.2",
    BACKGROUND_WARM_UP_SECONDS: "0",
  });
});
afterAll(async () => {
  await server?.process.stop();
  await receiver?.close();
  removeDataDir(dataDir);
});

it("sends the sandbox partner's session expired callback, signed with its secret, to SANDBOX_CALLBACK_URL", async () => {
  const body = enterBody({ player: { ...enterBody().player, id: "player-sandbox-callback" } });
  const answer = await postRaw(server!.baseUrl, "/api/session", JSON.stringify(body), {
    query: { MEMB_ID: SANDBOX.memberId },
    secret: signingSecret(SANDBOX.secret),
  });
  expect(answer.status).toBe(200);
  expect(await eventually(() => receiver.received().length === 1, 15_000)).toBe(true);
  const [callback] = receiver.received();
  expect(callback).toMatchObject({ memberId: "demo", deliveries: 1, body: { playerId: "player-sandbox-callback" } });
  expect(server!.process.output()).toContain(
    `SANDBOX_CALLBACK_URL: the sandbox partner's session expired callbacks go to ${receiver.baseUrl}`,
  );
});
