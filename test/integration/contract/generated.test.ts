// The generated checks of the contract tester against the unbroken local targets, on a
// small budget: every check passes for every operation it covers, the lifecycle inspects
// the local store, and the run reports its rate. The broken providers of
// broken-server-proxies.test.ts fail the same checks.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkGroups } from "../../../src/contract/config.js";
import { runContract, type ContractRunResult } from "../../../src/contract/run.js";
import { resolveTarget, type ContractTarget } from "../../../src/contract/target.js";
import { allOperations } from "../../support/spec-views.js";

let target: ContractTarget | undefined;
let result: ContractRunResult;

beforeAll(async () => {
  target = await resolveTarget({});
  const generated = checkGroups.filter((check) => check !== "dredd" && check !== "documented_responses");
  result = await runContract({ target, seed: 20260101, cases: 6, checks: new Set(generated) });
}, 60_000);

afterAll(async () => {
  await target?.close();
});

describe("generated checks against the reference server and the example receiver", () => {
  it("pass", () => {
    const failed = result.report.cases.filter((entry) => entry.outcome === "failed");
    expect(failed.map((entry) => `${entry.suite} ${entry.name}: ${entry.message}\n${entry.details}`)).toEqual([]);
  });

  it.each(["positive_data_acceptance", "negative_data_rejection", "ignored_auth", "unsupported_method"])(
    "%s covers every operation",
    (check) => {
      const names = result.report.cases.filter((entry) => entry.suite === check).map((entry) => entry.name.split(":")[0]);
      expect(names.sort()).toEqual(allOperations.map((operation) => operation.operationId).sort());
    },
  );

  it.each(["freshness_tolerance", "credential_variants", "order_of_checks", "boundary_values", "media_types", "serialisation_variants"])(
    "%s probes every operation at its edges",
    (check) => {
      const names = new Set(result.report.cases.filter((entry) => entry.suite === check).map((entry) => entry.name.split(":")[0]));
      for (const operation of allOperations) expect(names, operation.operationId).toContain(operation.operationId);
      expect(result.report.summary.join("\n")).toMatch(
        /clocks \(for the freshness probes, tolerance 300 s\): provider: its clock reads [+-]\d+\.\d s from the tester's \(from its Date header/,
      );
    },
  );

  it("holds every answer to the answer checks", () => {
    for (const check of [
      "not_a_server_error",
      "status_code_conformance",
      "content_type_conformance",
      "response_schema_conformance",
      "error_code_conformance",
    ]) {
      expect(result.report.cases.filter((entry) => entry.suite === check && entry.outcome === "passed").length, check).toBeGreaterThan(0);
    }
  });

  it("sends the documented refusal's body too: ENTER with gametype table is expected to be 400 G.02 (x-refused-values)", () => {
    const refused = result.results.filter(
      (entry) => entry.probe.check === "positive_data_acceptance" && entry.probe.title.includes("documented refusal G.02"),
    );
    for (const entry of refused) expect(entry.exchanges[0]!.answer!.status).toBe(400);
    const accepted = result.results.filter(
      (entry) => entry.probe.check === "positive_data_acceptance" && !entry.probe.title.includes("documented refusal"),
    );
    expect(accepted.every((entry) => entry.exchanges[0]!.answer!.status === 200)).toBe(true);
  });

  it("inspects the local store in the lifecycle sequences (close closes; a replayed close closes nothing new)", () => {
    const lifecycle = result.results.filter((entry) => entry.probe.title.includes("lifecycle"));
    expect(lifecycle.length).toBeGreaterThanOrEqual(2);
    expect(lifecycle.every((entry) => entry.probe.title.includes("(store inspected)") && entry.probe.verify)).toBe(true);
  });

  it("counts and times the generated requests", () => {
    expect(result.generated.requests).toBeGreaterThan(result.generated.probes);
    expect(result.generated.rate).toBeGreaterThan(0);
    expect(result.report.summary.join("\n")).toContain("CONTRACT_SEED=20260101");
  });
});
