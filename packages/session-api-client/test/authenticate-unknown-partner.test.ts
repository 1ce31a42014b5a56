// An unknown MEMB_ID costs the same work as a known partner's wrong HASH (src/authenticate.ts):
// the HMACs and the diagnosis of the usual mistakes run in both cases, once per possible secret
// (decoys fill in), so the time to refuse tells neither which partner ids exist nor how many
// secrets a partner has.
// No timing is measured here (tests never time): the diagnosis is counted, and the secret it
// was given is checked to be no partner's.
import { beforeEach, describe, expect, it, vi } from "vitest";
import { signRequest } from "../src/signing.js";

vi.mock("../src/signature-diagnosis.js", async (importOriginal) => {
  const original = await importOriginal<typeof import("../src/signature-diagnosis.js")>();
  return { ...original, diagnoseSignature: vi.fn(original.diagnoseSignature) };
});
const { authenticateSignedRequest } = await import("../src/authenticate.js");
const { MAX_SECRETS } = await import("../src/signing.js");
const diagnoseSignature = vi.mocked((await import("../src/signature-diagnosis.js")).diagnoseSignature);

const secret = "sandbox-secret";
const partners = new Map([["demo", { secret }]]);
const find = (id: string) => partners.get(id);
const body = { secureLogin: "player-1001", clearHistory: "1" };

/** A V4 close body signed with `signingSecret`, sent as `memberId`. */
function request(memberId: string, signingSecret: string) {
  const signed = signRequest(body, signingSecret, true);
  return { rawBody: Buffer.from(signed.rawBody), MEMB_ID: memberId, HASH: signed.HASH, withBodyHash: true };
}

describe("authenticateSignedRequest on an unknown MEMB_ID", () => {
  beforeEach(() => {
    diagnoseSignature.mockClear(); // in braces: a function returned by beforeEach would run as its teardown
  });

  it("runs the diagnosis of a wrong signature, as for a known partner's wrong HASH, once per possible secret", () => {
    const known = authenticateSignedRequest(request("demo", "not-the-secret"), find);
    expect(known).toMatchObject({ ok: false, kind: "unauthenticated", reason: "HASH does not match the request body" });
    // The partner's one secret, then a decoy in place of a second: a partner with two secrets costs the same.
    expect(diagnoseSignature.mock.calls.length).toBe(MAX_SECRETS);

    const unknown = authenticateSignedRequest(request("nobody", "not-the-secret"), find);
    expect(unknown).toEqual({ ok: false, kind: "unauthenticated", reason: "MEMB_ID names no known partner" });
    expect(diagnoseSignature.mock.calls.length).toBe(2 * MAX_SECRETS);

    const rotating = new Map([["demo", { secret: [secret, "the-older-secret"] }]]);
    authenticateSignedRequest(request("demo", "not-the-secret"), (id) => rotating.get(id));
    expect(diagnoseSignature.mock.calls.length).toBe(3 * MAX_SECRETS);
  });

  it("checks against a secret that is no partner's, and never reports its diagnosis", () => {
    const unknown = authenticateSignedRequest(request("nobody", secret), find);
    expect(unknown).toEqual({ ok: false, kind: "unauthenticated", reason: "MEMB_ID names no known partner" });
    const decoy = diagnoseSignature.mock.calls[0]?.[0] as { secret: string } | undefined;
    expect(decoy?.secret).toMatch(/^[0-9a-f]{64}$/);
    expect([...partners.values()].map((p) => p.secret)).not.toContain(decoy?.secret);
  });

  it("skips the diagnosis when it is switched off, for both", () => {
    authenticateSignedRequest(request("demo", "not-the-secret"), find, { diagnose: false });
    authenticateSignedRequest(request("nobody", "not-the-secret"), find, { diagnose: false });
    expect(diagnoseSignature.mock.calls.length).toBe(0);
  });
});
