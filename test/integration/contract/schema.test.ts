// Every case of cases.ts sent to the targets (target.ts) as the contract tester's
// documented_responses probes (a body that stops short: over a raw socket): the response
// must have the case's status and break nothing in the bundle (status documented,
// Content-Type exactly application/json, body valid against the full schema, its code's
// catalog status the answer's status), which Dredd alone does not check; an idempotent
// replay must repeat the first response. The table itself must cover every documented
// response. The answers before routing, which no operation documents, are held to the
// error catalog and the default envelope.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultErrorEnvelope } from "../../../generated/operations.js";
import { contractCases, notDrivable, notDrivableEntry, preRoutingCases, primaryCase } from "../../../src/contract/cases.js";
import { caseProbe, documentedProbes } from "../../../src/contract/checks/documented.js";
import { documentedResponses } from "../../../src/contract/documented-responses.js";
import { runProbe } from "../../../src/contract/probe.js";
import type { Probe } from "../../../src/contract/types.js";
import { resolveTarget, type ContractTarget } from "../../../src/contract/target.js";
import { bundledSpec } from "../../support/spec-views.js";

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
      .map(({ operation, status }) => ({
        id: `${operation.operationId} ${status}`,
        primary: primaryCase(operation.operationId, status),
        skip: notDrivableEntry(operation.operationId, status),
      }))
      .filter((entry) => Boolean(entry.primary) === Boolean(entry.skip))
      .map((entry) => entry.id);
    expect(gaps).toEqual([]);
  });

  it("lists only 500s and 503s as not drivable", () => {
    expect(notDrivable.filter((entry) => entry.status !== 500 && entry.status !== 503)).toEqual([]);
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
      documentedResponses()
        .filter((response) => response.status === 401 && response.operation.timestamp)
        .map((response) => response.operation.operationId),
    );
    expect(primaryCase("closeSession", 409)).toBeDefined();
  });
});

/** Runs a probe against the targets; its findings must be none. */
async function passes(probe: Probe) {
  const result = await runProbe(probe, { provider: target!.providerUrl, operator: target!.operatorUrl });
  const last = result.exchanges.at(-1)?.answer;
  expect(result.findings, last?.text).toEqual([]);
}

describe("responses of the target, validated against the full schema and the catalog", () => {
  it.each(contractCases.filter((entry) => entry.status !== 408).map((entry) => [entry.name, entry] as const))("%s", (_name, contractCase) =>
    passes(caseProbe(contractCase, target!.credentials)),
  );
  // Each waits for the target's request timeout (10 s on a deployment): side by side.
  it.concurrent.each(contractCases.filter((entry) => entry.status === 408).map((entry) => [entry.name, entry] as const))(
    "%s",
    (_name, contractCase) => passes(caseProbe(contractCase, target!.credentials)),
    40_000,
  );
});

describe("answers before routing, against the error catalog and the default envelope", () => {
  it("the default envelope is a failure schema of the bundle", () => {
    expect(bundledSpec.components.schemas[defaultErrorEnvelope.schema]?.["x-default-error-envelope"]).toBe(true);
  });

  const probes = documentedProbes({ memberId: "", secret: "", kyrenToken: "" }).filter((probe) =>
    probe.steps.some((step) => step.raw !== undefined),
  );
  it("has one probe per answer before routing", () => {
    expect(probes.map((probe) => probe.title)).toEqual(preRoutingCases.map((entry) => entry.name));
  });

  it.each(preRoutingCases.map((entry) => [entry.name] as const))("%s", async (name) => {
    const probe = documentedProbes(target!.credentials).find((candidate) => candidate.title === name)!;
    await passes(probe);
  });
});
