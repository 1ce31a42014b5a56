// Every case of cases.ts sent to the targets (target.ts) with fetch (a body that stops
// short: over a raw socket): the response must have the case's status and break nothing
// in the bundle (status documented, Content-Type exactly application/json, body valid
// against the full schema), which Dredd alone does not check; an idempotent replay must
// repeat the first response. The table itself must cover every documented response. The
// answers before routing, which no operation documents, are checked against the error
// catalog and the default envelope.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorCatalog } from "../../../generated/error-catalog.js";
import { defaultErrorEnvelope } from "../../../generated/operations.js";
import { getAtPointer } from "../../../src/json-pointer.js";
import { rawExchange } from "../../../src/contract/raw-http.js";
import { bundledSpec } from "../../support/spec-views.js";
import { contractCases, notDrivable, notDrivableEntry, preRoutingCases, primaryCase, type ContractCase } from "../../../src/contract/cases.js";
import { documentedResponses } from "../../../src/contract/documented-responses.js";
import { send, sendSetup } from "../../../src/contract/http.js";
import { checkFetchResponse, validateAgainstSchema } from "../../../src/contract/response-validator.js";
import { baseUrlFor, resolveTarget, type ContractTarget } from "../../../src/contract/target.js";

let target: ContractTarget | undefined;

beforeAll(async () => {
  target = await resolveTarget();
});

afterAll(async () => {
  await target?.close();
});

describe("the case table", () => {
  it("has exactly one primary case or one not-drivable entry for every documented response", () => {
    const gaps = documentedResponses()
      .map(({ operation, status }) => ({ id: `${operation.operationId} ${status}`, primary: primaryCase(operation.operationId, status), skip: notDrivableEntry(operation.operationId, status) }))
      .filter((entry) => Boolean(entry.primary) === Boolean(entry.skip))
      .map((entry) => entry.id);
    expect(gaps).toEqual([]);
  });

  it("lists only 500s as not drivable", () => {
    expect(notDrivable.filter((entry) => entry.status !== 500)).toEqual([]);
  });

  it("has unique case names", () => {
    expect(new Set(contractCases.map((entry) => entry.name)).size).toBe(contractCases.length);
  });

  it("leaves only the 408s to the schema suite, each with its reason, and has one for every operation", () => {
    const skipped = contractCases.filter((entry) => entry.dreddSkip);
    expect(skipped.map((entry) => entry.status)).toEqual(skipped.map(() => 408));
    expect(skipped.every((entry) => entry.primary && entry.dreddSkip!.length > 20)).toBe(true);
    expect(skipped.length).toBe(documentedResponses().filter((response) => response.status === 408).length);
  });

  it("has a stale-timestamp 401 (G.04) for every operation that takes timestamp, and a 409 for V4 close", () => {
    expect(contractCases.filter((entry) => entry.status === 401 && entry.name.includes("G.04")).map((entry) => entry.operationId)).toEqual(
      documentedResponses().filter((response) => response.status === 401 && response.operation.timestamp).map((response) => response.operation.operationId),
    );
    expect(primaryCase("closeSession", 409)).toBeDefined();
  });
});

async function runCase(contractCase: ContractCase) {
  const baseUrl = baseUrlFor(target!, contractCase.side);
  const requests = contractCase.build(target!.credentials);
  const setupBodies = await sendSetup(baseUrl, requests);
  const checked = await checkFetchResponse(contractCase.operationId, await send(baseUrl, requests.request));
  expect({ status: checked.status, violations: checked.violations }, checked.text).toEqual({ status: contractCase.status, violations: [] });
  if (requests.replaysSetup) expect(JSON.parse(checked.text), "an idempotent replay repeats the first response").toEqual(JSON.parse(setupBodies.at(-1)!));
}

describe("responses of the target, validated against the full schema", () => {
  it.each(contractCases.filter((entry) => entry.status !== 408).map((entry) => [entry.name, entry] as const))("%s", (_name, contractCase) => runCase(contractCase));
  // Each waits for the target's request timeout (10 s on a deployment): side by side.
  it.concurrent.each(contractCases.filter((entry) => entry.status === 408).map((entry) => [entry.name, entry] as const))("%s", (_name, contractCase) => runCase(contractCase), 40_000);
});

describe("answers before routing, against the error catalog and the default envelope", () => {
  it("the default envelope is a failure schema of the bundle", () => {
    expect(bundledSpec.components.schemas[defaultErrorEnvelope.schema]?.["x-default-error-envelope"]).toBe(true);
  });

  it.each(preRoutingCases.map((entry) => [entry.name, entry] as const))("%s", async (_name, entry) => {
    const answer = await rawExchange(baseUrlFor(target!, entry.side), entry.bytes(target!.credentials));
    const envelope = bundledSpec.components.schemas[entry.schema]!["x-error-envelope"] as { code: string };
    expect({ status: answer.status, contentType: answer.headers["content-type"], code: getAtPointer(answer.json, envelope.code) }, answer.text).toEqual({
      status: errorCatalog[entry.code].status,
      contentType: "application/json",
      code: entry.code,
    });
    expect(validateAgainstSchema(entry.schema, answer.json)).toEqual([]);
    if (entry.allow) expect(answer.headers.allow).toBe(entry.allow);
  });
});
