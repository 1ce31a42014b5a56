// failureOf (src/failure-of.ts): one { code, message, status } from each of the three
// failure envelopes of the spec, read from real answers of the reference server; nothing
// from a body in none of them.
import { describe, expect, it } from "vitest";
import { createSessionApiClient } from "../../../src/client.js";
import { failureOf } from "../../../src/failure-of.js";
import { SANDBOX } from "../../support/requests.js";
import { useServerAndReceiver } from "../../support/servers.js";

const ends = useServerAndReceiver();

describe("failureOf", () => {
  it("reads the ENTER, V4 and Kyren envelopes the same way", async () => {
    const wrong = createSessionApiClient({ baseUrl: ends.server.baseUrl, partnerId: SANDBOX.memberId, secret: "not-the-secret" });
    const enter = await wrong.POST("/api/session", { body: { uuid: crypto.randomUUID() } as never });
    expect(failureOf(enter.error, enter.response.status)).toEqual({ code: "G.00", message: expect.stringMatching(/^Could not authenticate/), status: 401 });
    const close = await wrong.POST("/V4/closesession", { body: { secureLogin: "player-1001" } });
    expect(failureOf(close.error, close.response.status, "closeSession")).toEqual({ code: "G.00", message: expect.stringMatching(/^Could not authenticate/), status: 401 });
    const kyren = await wrong.POST("/v1/CloseSession", { body: { secureLogin: "demo", token: "wrong-token", userId: "p", uuid: crypto.randomUUID() } });
    expect(failureOf(kyren.error, kyren.response.status)).toEqual({ code: "G.00", message: expect.stringMatching(/^Could not authenticate/), status: 401 });
  });

  it("finds nothing in a body in none of the envelopes, or in another operation's", () => {
    expect(failureOf({ error: 0, description: "Success" }, 200)).toBeUndefined();
    expect(failureOf("<html>502 Bad Gateway</html>", 502)).toBeUndefined();
    expect(failureOf({ errors: { code: "G.01", message: "System error" } }, 500, "closeSession")).toBeUndefined();
  });
});
