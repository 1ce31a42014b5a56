// Validation messages: a 400 V.02 names every offending field by its
// path, unknown fields included, lists the allowed values of an enum, and stays short
// (five fields, then "and N more", within the message's maxLength in the spec) even for
// a hostile body of thousands of unknown fields.
import { describe, expect, it } from "vitest";
import { operationsById, type OperationId } from "../../../generated/operations.js";
import { getAtPointer } from "../../../src/shared/json-pointer.js";
import { messageMaxLength } from "../../../src/shared/message-limit.js";
import { enterBody, postRaw, SANDBOX, withBodyHash } from "../../support/requests.js";
import { useServerAndReceiver } from "../../support/servers.js";
import { bundledSpec } from "../../support/spec-views.js";

const ends = useServerAndReceiver();

/** The message of a failure, wherever the operation's envelope puts it (`x-error-envelope`). */
const messageOf = (operationId: OperationId, body: unknown) =>
  getAtPointer(body, operationsById[operationId].errorEnvelope.message) as string;

async function invalid(operationId: OperationId, body: Record<string, unknown>) {
  const operation = operationsById[operationId];
  const baseUrl = operation.implementedBy === "provider" ? ends.server.baseUrl : ends.receiver.baseUrl;
  const response = await postRaw(baseUrl, operation.path, JSON.stringify(body));
  expect(response.status, JSON.stringify(response.body)).toBe(400);
  expect(getAtPointer(response.body, operation.errorEnvelope.code)).toBe("V.02");
  return messageOf(operationId, response.body);
}

const kyren = (overrides: Record<string, unknown> = {}) => ({
  secureLogin: "demo",
  token: SANDBOX.kyrenToken,
  userId: "player-1001",
  uuid: crypto.randomUUID(),
  ...overrides,
});

describe("a V.02 message", () => {
  it("names an unknown field by its path, in every operation that refuses unknown fields", async () => {
    expect(await invalid("closeSession", withBodyHash({ secureLogin: "player-1001", gameID: "typo" }))).toBe(
      "Invalid request: body.gameID is an unknown field",
    );
    expect(await invalid("enterGameSession", enterBody({ gameID: "typo" }))).toBe("Invalid request: body.gameID is an unknown field");
    expect(await invalid("enterGameSession", enterBody({ player: { ...enterBody().player, locale: "en" } }))).toBe(
      "Invalid request: body.player.locale is an unknown field",
    );
    expect(await invalid("closeSessionKyren", kyren({ gameID: "typo" }))).toBe("Invalid request: body.gameID is an unknown field");
  });

  it("lists the allowed values of an enum", async () => {
    expect(await invalid("closeSession", withBodyHash({ secureLogin: "player-1001", clearHistory: "2" }))).toBe(
      'Invalid request: body.clearHistory must be one of "0", "1"',
    );
    expect(await invalid("enterGameSession", enterBody({ gametype: "poker" }))).toMatch(
      /^Invalid request: body\.gametype must be one of "slot", /,
    );
  });

  it("reports every violation, not only the first", async () => {
    const { gameid: _gameid, ...body } = enterBody({ player: { ...enterBody().player, currency: "eur" } });
    expect(await invalid("enterGameSession", body)).toBe(
      "Invalid request: body.gameid is required; body.player.currency must match ^[A-Z]{3}$",
    );
    expect(await invalid("closeSessionKyren", kyren({ uuid: undefined, userId: 42 }))).toBe(
      "Invalid request: body.uuid is required; body.userId must be a string",
    );
  });

  it("names the forms an anyOf allows by their titles", async () => {
    expect(
      await invalid("enterGameSession", enterBody({ player: { ...enterBody().player, session: { id: "s1", ip: "localhost" } } })),
    ).toBe("Invalid request: body.player.session.ip must be an IPv4 address or an IPv6 address");
  });

  it("checks the callback's fields on the operator receiver the same way", async () => {
    expect(await invalid("sessionExpired", withBodyHash({ providerId: "luckymonaco", sessionId: "not-hex", playerId: "" }))).toBe(
      "Invalid request: body.sessionId must have at least 32 characters and must match ^[0-9a-f]{32}$; body.playerId must have at least 1 character",
    );
  });
});

it("reads the message's maxLength of every operation's failure envelope from the spec (ErrorDetail.message, Kyren's description)", () => {
  const schemas = bundledSpec.components.schemas as Record<string, { properties: Record<string, { maxLength?: number }> }>;
  const expected = {
    ErrorDetail: schemas.ErrorDetail!.properties.message!.maxLength,
    KyrenResult: schemas.KyrenResult!.properties.description!.maxLength,
  };
  for (const operation of Object.values(operationsById)) {
    const limit = operation.errorEnvelope.schema === "KyrenFailure" ? expected.KyrenResult : expected.ErrorDetail;
    expect(limit, operation.operationId).toBeGreaterThan(0);
    expect(messageMaxLength(bundledSpec, operation.errorEnvelope), operation.operationId).toBe(limit);
  }
});

describe("a hostile body", () => {
  const limit = messageMaxLength(bundledSpec, operationsById.closeSession.errorEnvelope);

  it("of thousands of unknown fields gets five of them and a count, within the message's maxLength", async () => {
    const fields = Object.fromEntries(Array.from({ length: 1500 }, (_, index) => [`f${index}`, 0]));
    const message = await invalid("closeSession", withBodyHash({ secureLogin: "player-1001", ...fields }));
    expect(message).toBe(
      "Invalid request: body.f0 is an unknown field; body.f1 is an unknown field; body.f2 is an unknown field; body.f3 is an unknown field; body.f4 is an unknown field; and 1495 more",
    );
  });

  it("with very long field names gets them cut, and the message stays within maxLength", async () => {
    const fields = Object.fromEntries(Array.from({ length: 5 }, (_, index) => [`${index}`.padEnd(2500, "x"), 0]));
    const message = await invalid("closeSession", withBodyHash({ secureLogin: "player-1001", ...fields }));
    expect(message).toMatch(/^Invalid request: body\["0x+…"\] is an unknown field; /);
    expect([...message].length).toBeLessThanOrEqual(limit);
  });
});
