// Every case of cases.ts sent to the targets (target.ts) with fetch: the response must
// have the case's status and break nothing in the bundle (status documented, Content-Type
// exactly application/json, body valid against the full schema), which Dredd alone does
// not check; an idempotent replay must repeat the first response. The table itself must
// cover every documented response.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contractCases, notDrivable, notDrivableEntry, primaryCase } from "./cases.js";
import { documentedResponses } from "./documented-responses.js";
import { send, sendSetup } from "./http.js";
import { checkFetchResponse } from "./response-validator.js";
import { baseUrlFor, resolveTarget, type ContractTarget } from "./target.js";

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
});

describe("responses of the target, validated against the full schema", () => {
  it.each(contractCases.map((entry) => [entry.name, entry] as const))("%s", async (_name, contractCase) => {
    const baseUrl = baseUrlFor(target!, contractCase.side);
    const requests = contractCase.build(target!.credentials);
    const setupBodies = await sendSetup(baseUrl, requests);
    const checked = await checkFetchResponse(contractCase.operationId, await send(baseUrl, requests.request));
    expect({ status: checked.status, violations: checked.violations }, checked.text).toEqual({ status: contractCase.status, violations: [] });
    if (requests.replaysSetup) expect(JSON.parse(checked.text), "an idempotent replay repeats the first response").toEqual(JSON.parse(setupBodies.at(-1)!));
  });
});
