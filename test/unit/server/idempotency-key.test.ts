// What counts as "the same body" for an idempotency key (spec: Uuid4): key order, white
// space, uuid case, Kyren's credential token and the signing fields timestamp and hash do
// not; any other field does. The fingerprint is byte for byte the one stored keys were
// made with (safe-stable-stringify over a copy of the body), for any parsed JSON body.
import { createHash } from "node:crypto";
import fc from "fast-check";
import { stringify } from "safe-stable-stringify";
import { describe, expect, it } from "vitest";
import { idempotencyKey, type ProviderContext } from "../../../src/server/handlers/context.js";
import { sandboxPartner } from "../../../src/partners/sandbox.js";

const context = { partner: sandboxPartner } as ProviderContext;
const body = { secureLogin: "demo", token: "sandbox-token", userId: "player-1001", uuid: "0B6C1F7E-2D4A-4C3B-9E8F-7A6D5C4B3A21" };
const key = (value: typeof body) => idempotencyKey(context, "closeSessionKyren", value);

describe("idempotencyKey", () => {
  it("lower-cases the uuid and scopes it to the partner and operation", () => {
    expect(key(body)).toMatchObject({ partnerId: "demo", uuid: "0b6c1f7e-2d4a-4c3b-9e8f-7a6d5c4b3a21", operationId: "closeSessionKyren" });
  });

  it("gives the same fingerprint for another key order, uuid case or token", () => {
    const reordered = { uuid: body.uuid.toLowerCase(), userId: body.userId, token: "rotated-token", secureLogin: body.secureLogin };
    expect(key(reordered).fingerprint).toBe(key(body).fingerprint);
  });

  it("gives the same fingerprint for a retry re-signed with a new timestamp (and so a new body hash)", () => {
    const close = { secureLogin: "player-1001", uuid: "7d3e5b1a-4c2f-4e8d-9a6b-1f0e2d3c4b5a" };
    const first = idempotencyKey(context, "closeSession", { ...close, timestamp: 1767225600, hash: "99a97e651f4db23efd65e5caad6c8fa0" });
    const retry = idempotencyKey(context, "closeSession", { ...close, timestamp: 1767225630, hash: "0123456789abcdef0123456789abcdef" });
    expect(retry.fingerprint).toBe(first.fingerprint);
    expect(idempotencyKey(context, "closeSession", close).fingerprint).toBe(first.fingerprint);
  });

  it("gives another fingerprint when any other field changes", () => {
    expect(key({ ...body, userId: "player-1002" }).fingerprint).not.toBe(key(body).fingerprint);
    expect(idempotencyKey(context, "closeSessionKyren", { ...body, gameId: "g" } as typeof body).fingerprint).not.toBe(
      key(body).fingerprint,
    );
  });
});

/** The fingerprint as the stored keys were made: safe-stable-stringify over a copy without the left-out fields. */
function storedFingerprint(body: Record<string, unknown> & { uuid: string }): string {
  const { token: _credential, timestamp: _signedAt, hash: _signature, ...request } = body;
  return createHash("sha256")
    .update(stringify({ ...request, uuid: body.uuid.toLowerCase() })!)
    .digest("hex");
}

/** `text` parsed, as a body reaches the handler. */
const parsed = (text: string) => JSON.parse(text) as Record<string, unknown> & { uuid: string };

describe("the fingerprint stays the one stored keys were made with", () => {
  const enter = {
    uuid: "3B241101-E2BB-4255-8CAF-4136C566A962",
    gametype: "slot",
    gameid: "lm_monaco_riches",
    player: {
      id: "player-1001",
      nickname: "LuckyLuca",
      language: "en",
      currency: "EUR",
      session: { id: "op-session-77f3a1", ip: "203.0.113.42" },
    },
    timestamp: 1767225600,
  };

  it.each([
    ["ENTER", JSON.stringify(enter)],
    [
      "V4 close with its hash",
      '{"secureLogin":"player-1001","clearHistory":"1","uuid":"7d3e5b1a-4c2f-4e8d-9a6b-1f0e2d3c4b5a","timestamp":1,"hash":"99a97e651f4db23efd65e5caad6c8fa0"}',
    ],
    ["Kyren close", '{"secureLogin":"demo","token":"sandbox-token","userId":"player-1001","uuid":"0B6C1F7E-2D4A-4C3B-9E8F-7A6D5C4B3A21"}'],
    [
      "escapes, non-BMP and lone surrogates",
      String.raw`{"uuid":"U","a\"b":"\u0000\n\t\"\\/","é":"ü😀","\ud800":"\udfff","z\ud83d\ude00":["\ud83d",null],"\u007f":"\u2028"}`,
    ],
    ["numbers", '{"uuid":"u","n":[0,-0,1e21,1.5e-7,0.1,-12.5e300,123456789012345678901234567890]}'],
    [
      "nesting, empty values and unusual keys",
      '{"uuid":"u","__proto__":{"b":1,"a":[{}, [], {"y":true,"x":false}]},"constructor":null,"10":"ten","9":"nine","length":2}',
    ],
    [
      "more than 200 keys (sorted natively, not by insertion)",
      JSON.stringify(Object.fromEntries([["uuid", "u"], ...Array.from({ length: 250 }, (_, i) => [`k${(i * 7919) % 250}`, i])])),
    ],
  ])("for %s", (_what, text) => {
    const body = parsed(text);
    expect(idempotencyKey(context, "enterGameSession", body).fingerprint).toBe(storedFingerprint(body));
  });

  it("for any parsed JSON object with a uuid", () => {
    // Any code points, lone surrogates included (String.fromCodePoint writes them as they are).
    const text = fc.array(fc.integer({ min: 0, max: 0x10ffff }), { maxLength: 6 }).map((points) => String.fromCodePoint(...points));
    const key = fc.oneof(text, fc.constantFrom("uuid", "token", "timestamp", "hash", "__proto__", "a", "B", "é"));
    const fields = fc.dictionary(key, fc.jsonValue({ maxDepth: 2, stringUnit: "grapheme" }), { maxKeys: 8 });
    const body = fc.tuple(fields, text).map(([values, uuid]) => parsed(JSON.stringify({ ...values, uuid })));
    fc.assert(
      fc.property(body, (value) => idempotencyKey(context, "enterGameSession", value).fingerprint === storedFingerprint(value)),
      { numRuns: 200 },
    );
  });
});
