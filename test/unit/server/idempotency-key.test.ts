// What counts as "the same body" for an idempotency key (spec: Uuid4): key order, white
// space, uuid case and Kyren's credential token do not; any other field does.
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

  it("gives another fingerprint when any other field changes", () => {
    expect(key({ ...body, userId: "player-1002" }).fingerprint).not.toBe(key(body).fingerprint);
    expect(idempotencyKey(context, "closeSessionKyren", { ...body, gameId: "g" } as typeof body).fingerprint).not.toBe(key(body).fingerprint);
  });
});
