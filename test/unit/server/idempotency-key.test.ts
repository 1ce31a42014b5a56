// What counts as "the same body" for an idempotency key (spec: Uuid4): key order, white
// space, uuid case, Kyren's credential token and the signing fields timestamp and hash do
// not; any other field does.
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
    expect(idempotencyKey(context, "closeSessionKyren", { ...body, gameId: "g" } as typeof body).fingerprint).not.toBe(key(body).fingerprint);
  });
});
