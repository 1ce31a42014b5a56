// What reports and the console never show: secrets, HASH values, body hash values and
// launch tokens (replaced by a fingerprint, so two launch URLs still read as different).
import { describe, expect, it } from "vitest";
import { redact } from "../../../src/contract/report/redact.js";

describe("redact", () => {
  it("replaces secrets, signatures and launch tokens", () => {
    const text = `curl "https://p.example/V4/closesession?MEMB_ID=demo&HASH=${"ab".repeat(32)}" --data '{"secureLogin":"p","token":"kyren-token-1","hash":"${"0f".repeat(16)}"}' secret=s3cret!
{"url":"https://games.example/index.html?token=q8Zs1mC4v0pXyJ2kLr7uT9wEaB3nD6fH5gK1oP0iU2w"}`;
    const shown = redact(text, ["s3cret!", "kyren-token-1"]);
    expect(
      shown,
    ).toBe(`curl "https://p.example/V4/closesession?MEMB_ID=demo&HASH=<signature>" --data '{"secureLogin":"p","token":"<secret>","hash":"<body hash>"}' secret=<secret>
{"url":"https://games.example/index.html?token=<launch token sha256:${shown.match(/sha256:([0-9a-f]{8})/)![1]}>"}`);
    expect(redact("?token=AAAAAAAAAAAAAAAAAAAA", [])).not.toBe(redact("?token=BBBBBBBBBBBBBBBBBBBB", []));
  });
});
