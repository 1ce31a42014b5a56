// Dredd, the provider CI's contract runner, against the targets (target.ts): once for the
// provider's operations and once for the operator's callback, each with the hooks that
// turn every transaction into its case from cases.ts. One test per documented response
// of the bundle: Dredd passed it, or, for the not-drivable 500s and the 408s it cannot
// send (the schema suite covers those), skipped it explicitly.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { notDrivableEntry, primaryCase } from "../../../src/contract/cases.js";
import { documentedResponses } from "../../../src/contract/documented-responses.js";
import { runDredd, type DreddRun } from "../../../src/contract/dredd-runner.js";
import { baseUrlFor, resolveTarget, type ContractTarget } from "../../../src/contract/target.js";

const sides = ["provider", "operator"] as const;
const expected = documentedResponses();

let target: ContractTarget | undefined;
const runs = {} as Record<(typeof sides)[number], DreddRun>;

beforeAll(async () => {
  target = await resolveTarget();
  const results = await Promise.all(
    sides.map((side) => runDredd({ side, endpoint: baseUrlFor(target!, side), credentials: target!.credentials })),
  );
  for (const [index, side] of sides.entries()) runs[side] = results[index]!;
}, 90_000);

afterAll(async () => {
  await target?.close();
});

function transactionRecord(side: (typeof sides)[number], name: string) {
  return runs[side].hookRecords.find((record) => record.event === "transaction" && record.name === name);
}

describe("Dredd on the bundle", () => {
  it.each(sides)("%s run: the hooks were loaded, configured and saw exactly the documented responses", (side) => {
    const run = runs[side];
    const loaded = run.hookRecords.find((record) => record.event === "loaded");
    expect(loaded, `no record from dredd-hooks.cjs: the hook file was not loaded\n${run.output}`).toBeDefined();
    expect(loaded!.missing).toEqual([]);
    const seen = run.hookRecords.filter((record) => record.event === "transaction").map((record) => record.name);
    expect(seen.sort()).toEqual(expected.map((response) => response.dreddName).sort());
    const titles = run.testcases.map((testcase) => testcase.title);
    expect(new Set(titles).size, "xunit titles (Dredd ids) must be unique to map them to names").toBe(titles.length);
  });

  it.each(sides)("%s run: Dredd reports 0 failures and 0 errors and exits 0", (side) => {
    const run = runs[side];
    expect({ failures: run.totals.failures, errors: run.totals.errors, exitCode: run.exitCode }, run.output).toEqual({
      failures: 0,
      errors: 0,
      exitCode: 0,
    });
    expect(run.totals.tests).toBe(expected.length);
  });

  it.each(expected.map((response) => [response.dreddName, response] as const))("%s", (name, response) => {
    const side = response.operation.implementedBy;
    const record = transactionRecord(side, name);
    expect(record, `the ${side} run's hooks never saw this transaction`).toBeDefined();
    const testcase = runs[side].testcases.find((candidate) => candidate.title === record!.id);
    expect(testcase, `no xunit testcase ${record!.id}`).toBeDefined();
    if (notDrivableEntry(response.operation.operationId, response.status)) {
      expect(record!.action).toBe("skip-not-drivable");
      expect(testcase!.outcome).toBe("skip");
    } else if (primaryCase(response.operation.operationId, response.status)?.dreddSkip) {
      expect(record!.action).toBe("skip-dredd");
      expect(testcase!.outcome).toBe("skip");
    } else {
      expect(record!.action, record!.detail).toBe("case");
      expect(testcase!.outcome, testcase!.detail).toBe("pass");
    }
  });
});
