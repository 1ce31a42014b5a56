// Keys made once per secret (src/signing-keys.ts) and a body parsed once (`body` of
// authenticateSignedRequest): the same signatures and verdicts as computing everything
// per request, the keys kept with the partner object while its secret stays the same,
// and made again for a changed secret or a new object (a reloaded partners file).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { authenticateSignedRequest } from "../src/authenticate.js";
import { candidateKeys, signingKey } from "../src/signing-keys.js";
import { MAX_SECRETS, parseObject, requestSignature, signRequest, verifyBodyHash } from "../src/signing.js";

type Vector = { secret: string; rawBody: string; HASH: string };
const vectors = (
  JSON.parse(readFileSync(new URL("../../../openapi/docs/signing-test-vectors.json", import.meta.url), "utf8")) as { vectors: Vector[] }
).vectors;

describe("signingKey", () => {
  it("gives every published test vector's HASH, as requestSignature does", () => {
    expect(vectors.length).toBeGreaterThan(0);
    for (const vector of vectors) {
      const bytes = Buffer.from(vector.rawBody, "utf8");
      expect(signingKey(vector.secret).signature(bytes)).toBe(vector.HASH);
      expect(signingKey(vector.secret).signature(bytes)).toBe(requestSignature(bytes, vector.secret));
    }
  });

  it("keys with the UTF-8 bytes of a non-ASCII secret", () => {
    const bytes = Buffer.from('{"a":"ü"}', "utf8");
    expect(signingKey("sécret-ünïcode-😀").signature(bytes)).toBe(requestSignature(bytes, "sécret-ünïcode-😀"));
  });
});

describe("candidateKeys", () => {
  it("pads a partner's secrets with decoys to MAX_SECRETS, newest first, and gives an unknown partner decoys only", () => {
    const keys = candidateKeys({ secret: "the-partner-secret" });
    expect(keys).toHaveLength(MAX_SECRETS);
    expect(keys[0]!.secret).toBe("the-partner-secret");
    const decoys = candidateKeys(undefined);
    expect(decoys).toHaveLength(MAX_SECRETS);
    expect(decoys.map((key) => key.secret)).not.toContain("the-partner-secret");
    expect(candidateKeys({ secret: ["new-secret-0001", "old-secret-0001"] }).map((key) => key.secret)).toEqual([
      "new-secret-0001",
      "old-secret-0001",
    ]);
  });

  it("keeps the keys with the partner object while its secret stays the same", () => {
    const partner: { secret: string | readonly string[] } = { secret: "kept-secret-0001" };
    const first = candidateKeys(partner);
    expect(candidateKeys(partner)).toBe(first);
    partner.secret = ["rotated-secret-02", "kept-secret-0001"];
    const rotated = candidateKeys(partner);
    expect(rotated).not.toBe(first);
    expect(rotated.map((key) => key.secret)).toEqual(["rotated-secret-02", "kept-secret-0001"]);
  });

  it("makes new keys for a new partner object with the same id (a reloaded partners file)", () => {
    const before = { memberId: "casino-one", secret: "before-reload-secret" };
    const after = { memberId: "casino-one", secret: "after-reload-secret" };
    candidateKeys(before);
    expect(candidateKeys(after)[0]!.secret).toBe("after-reload-secret");
  });
});

describe("authenticateSignedRequest with the body already parsed", () => {
  const secret = "sandbox-secret";
  const find = (id: string) => (id === "demo" ? { secret } : undefined);
  const signed = signRequest({ secureLogin: "player-1001", timestamp: Math.floor(Date.now() / 1000) }, secret, true);
  const rawBody = Buffer.from(signed.rawBody);

  it("decides as it does when it parses the bytes itself", () => {
    const parts = { rawBody, MEMB_ID: "demo", HASH: signed.HASH, withBodyHash: true };
    expect(authenticateSignedRequest({ ...parts, body: parseObject(rawBody) }, find)).toEqual(authenticateSignedRequest(parts, find));
    const broken = Buffer.from("{not json");
    const refused = { rawBody: broken, MEMB_ID: "demo", HASH: requestSignature(broken, secret), withBodyHash: false };
    expect(authenticateSignedRequest({ ...refused, body: parseObject(broken) }, find)).toEqual({
      ok: false,
      kind: "malformed-body",
      reason: "the body is not valid JSON",
    });
  });

  it("reads the parse it is given instead of parsing again (its freshness and body hash come from it)", () => {
    const stale = parseObject(Buffer.from(JSON.stringify({ ...JSON.parse(signed.rawBody), timestamp: 1 })));
    const result = authenticateSignedRequest({ rawBody, body: stale, MEMB_ID: "demo", HASH: signed.HASH, withBodyHash: false }, find);
    expect(result).toMatchObject({ ok: false, kind: "expired" });
  });

  it("verifyBodyHash gives the same verdict with the parse given or not", () => {
    for (const body of [signed.rawBody, "[]", "", '{"secureLogin":"p","hash":"0"}', '{"a":{"b":1},"hash":"x"}']) {
      const bytes = Buffer.from(body);
      expect(verifyBodyHash(bytes, secret, parseObject(bytes))).toEqual(verifyBodyHash(bytes, secret));
    }
  });
});
