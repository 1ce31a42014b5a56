// The example operator receiver of the session expired callback: it verifies HASH and
// the body hash, records each expiry once (counting repeats), accepts fields it does not
// know, and answers per the spec.
import { afterAll, beforeAll, expect, it } from "vitest";
import { createSessionApiClient } from "../../../src/client.js";
import { postRaw, SANDBOX, withBodyHash } from "../../support/requests.js";
import { startTestReceiver, type TestReceiver } from "../../support/servers.js";

let receiver: TestReceiver;
beforeAll(async () => {
  receiver = await startTestReceiver();
});
afterAll(() => receiver.close());

const expiry = { providerId: "luckymonaco", sessionId: "0123456789abcdef0123456789abcdef", playerId: "player-1001" };

it("records a signed callback once and counts repeated deliveries", async () => {
  const lucky = createSessionApiClient({ baseUrl: receiver.baseUrl, partnerId: SANDBOX.memberId, secret: SANDBOX.secret });
  for (let i = 0; i < 2; i++) {
    const { data, response } = await lucky.POST("/V4/sessionexpired", { body: expiry });
    expect(response.status).toBe(200);
    expect(data).toEqual({ error: 0, description: "Success" });
  }
  const [recorded] = receiver.received();
  expect(recorded).toMatchObject({ memberId: "demo", deliveries: 2, body: { ...expiry, hash: expect.stringMatching(/^[0-9a-f]{32}$/) } });
});

it("accepts fields it does not know, as long as they are signed", async () => {
  const body = withBodyHash({ ...expiry, sessionId: "fedcba9876543210fedcba9876543210", idleSeconds: 1800, final: true });
  const response = await postRaw(receiver.baseUrl, "/V4/sessionexpired", JSON.stringify(body));
  expect(response.status).toBe(200);
  expect(receiver.received().at(-1)?.body).toMatchObject({ idleSeconds: 1800, final: true });
});

it("refuses a callback whose body was changed after signing", async () => {
  const body = withBodyHash(expiry);
  const tampered = JSON.stringify({ ...body, playerId: "player-6666" });
  const response = await postRaw(receiver.baseUrl, "/V4/sessionexpired", tampered);
  expect(response).toMatchObject({ status: 401, body: { error: { code: "G.00", message: "Could not authenticate: the body hash does not match the body" } } });
  expect(receiver.received().some((entry) => entry.body.playerId === "player-6666")).toBe(false);
});
