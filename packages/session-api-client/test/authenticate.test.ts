// The exported verification helpers (src/authenticate.ts, exported for operators):
// freshness of `timestamp` with the options `now`, `toleranceSeconds` and
// `requireTimestamp` (or the partner's own `requireTimestamp`), after the signature.
import { describe, expect, it } from "vitest";
import { authenticateKyrenRequest, authenticateSignedRequest, checkFreshness, DEFAULT_TOLERANCE_SECONDS } from "../src/index.js";
import { requestSignature, signRequest } from "../src/index.js";

const NOW_MS = Date.UTC(2026, 0, 1) + 400; // 1767225600.4 s
const NOW_S = 1767225600;
const secret = "sandbox-secret";
const partners = new Map([["demo", { secret }]]);
const find = (id: string) => partners.get(id);

function request(fields: Record<string, unknown>, withBodyHash = true) {
  const signed = signRequest(fields, secret, withBodyHash);
  return { rawBody: Buffer.from(signed.rawBody), MEMB_ID: "demo", HASH: signed.HASH, withBodyHash };
}
const expiry = (timestamp?: number) => ({
  providerId: "luckymonaco",
  sessionId: "0123456789abcdef0123456789abcdef",
  playerId: "p",
  ...(timestamp === undefined ? {} : { timestamp }),
});

describe("authenticateSignedRequest", () => {
  it("accepts a timestamp within the tolerance in both directions, with the default of 300 s", () => {
    expect(DEFAULT_TOLERANCE_SECONDS).toBe(300);
    for (const timestamp of [NOW_S, NOW_S - 300, NOW_S + 300]) {
      expect(authenticateSignedRequest(request(expiry(timestamp)), find, { now: () => NOW_MS })).toMatchObject({
        ok: true,
        memberId: "demo",
      });
    }
  });

  it("says so when a refused timestamp is in milliseconds", () => {
    const result = authenticateSignedRequest(request(expiry(NOW_MS - 5000)), find, { now: () => NOW_MS });
    expect(result).toMatchObject({
      ok: false,
      kind: "expired",
      reason: expect.stringMatching(
        /ahead of the receiver's clock; the tolerance is 300 s \(it looks like milliseconds: send Unix time in seconds\)$/,
      ),
    });
    const plain = authenticateSignedRequest(request(expiry(NOW_S - 301)), find, { now: () => NOW_MS });
    expect(plain).toMatchObject({ ok: false, reason: expect.not.stringContaining("milliseconds") });
  });

  it("refuses a timestamp beyond the tolerance as expired, saying how far off and which way", () => {
    expect(authenticateSignedRequest(request(expiry(NOW_S - 301)), find, { now: () => NOW_MS })).toEqual({
      ok: false,
      kind: "expired",
      reason: `timestamp ${NOW_S - 301} is 301 s behind the receiver's clock; the tolerance is 300 s`,
    });
    expect(authenticateSignedRequest(request(expiry(NOW_S + 600)), find, { now: () => NOW_MS })).toMatchObject({
      kind: "expired",
      reason: expect.stringContaining("600 s ahead of"),
    });
  });

  it("takes its tolerance from the options", () => {
    expect(authenticateSignedRequest(request(expiry(NOW_S - 30)), find, { now: () => NOW_MS, toleranceSeconds: 10 })).toMatchObject({
      ok: false,
      kind: "expired",
    });
    expect(authenticateSignedRequest(request(expiry(NOW_S - 30)), find, { now: () => NOW_MS, toleranceSeconds: 60 })).toMatchObject({
      ok: true,
    });
  });

  it("uses Date.now when no clock is given", () => {
    const fresh = request(expiry(Math.floor(Date.now() / 1000)));
    expect(authenticateSignedRequest(fresh, find)).toMatchObject({ ok: true });
    expect(authenticateSignedRequest(request(expiry(NOW_S - 86_400)), find)).toMatchObject({ ok: false, kind: "expired" });
  });

  it("accepts a body without timestamp unless it is required, by the options or by the partner", () => {
    expect(authenticateSignedRequest(request(expiry()), find, { now: () => NOW_MS })).toMatchObject({ ok: true });
    expect(authenticateSignedRequest(request(expiry()), find, { requireTimestamp: true })).toEqual({
      ok: false,
      kind: "expired",
      reason: "timestamp is required for this partner",
    });
    const strict = (id: string) => (id === "demo" ? { secret, requireTimestamp: true } : undefined);
    expect(authenticateSignedRequest(request(expiry()), strict)).toMatchObject({ ok: false, kind: "expired" });
    const lax = (id: string) => (id === "demo" ? { secret, requireTimestamp: false } : undefined);
    expect(authenticateSignedRequest(request(expiry()), lax, { requireTimestamp: true })).toMatchObject({ ok: true });
  });

  it("checks the signature before the timestamp: a stale body with a wrong body hash is unauthenticated", () => {
    const stale = request(expiry(NOW_S - 9999));
    const forged = { ...stale, HASH: "0".repeat(64) };
    expect(authenticateSignedRequest(forged, find, { now: () => NOW_MS })).toMatchObject({ ok: false, kind: "unauthenticated" });
  });

  it("checks freshness of an operation without body hash too (ENTER), and reports a broken body as malformed", () => {
    expect(authenticateSignedRequest(request({ uuid: "x", timestamp: NOW_S - 600 }, false), find, { now: () => NOW_MS })).toMatchObject({
      ok: false,
      kind: "expired",
    });
    const raw = Buffer.from("{not json");
    expect(
      authenticateSignedRequest({ rawBody: raw, MEMB_ID: "demo", HASH: requestSignature(raw, secret), withBodyHash: false }, find),
    ).toEqual({ ok: false, kind: "malformed-body", reason: "the body is not valid JSON" });
  });
});

describe("authenticateKyrenRequest", () => {
  const kyren = new Map([["demo", { kyrenToken: "sandbox-token" }]]);
  it("checks freshness after the token", () => {
    const body = { secureLogin: "demo", token: "sandbox-token", timestamp: NOW_S - 600 };
    expect(authenticateKyrenRequest(body, (id) => kyren.get(id), { now: () => NOW_MS })).toMatchObject({ ok: false, kind: "expired" });
    expect(authenticateKyrenRequest({ ...body, token: "wrong" }, (id) => kyren.get(id), { now: () => NOW_MS })).toMatchObject({
      ok: false,
      kind: "unauthenticated",
    });
    expect(authenticateKyrenRequest({ ...body, timestamp: NOW_S }, (id) => kyren.get(id), { now: () => NOW_MS })).toMatchObject({
      ok: true,
    });
  });
});

describe("checkFreshness", () => {
  it("leaves a timestamp that is not a number to the schema", () => {
    expect(checkFreshness({ timestamp: "1767225600" }, true, { now: () => NOW_MS })).toBeUndefined();
    expect(checkFreshness({ timestamp: null }, true)).toMatchObject({ kind: "expired" });
  });
});
