/**
 * dredd: Dredd 14 on the bundle against both sides (`dredd-runner.ts`, hooks in
 * `dredd-hooks.cjs` that send each documented response's case from `cases.ts`), as
 * report cases: one per documented response, passed, failed with Dredd's text, or
 * skipped with the reason (the 500s no request can cause; the 408s Dredd cannot send,
 * which documented_responses sends over a raw socket).
 */
import { notDrivableEntry, primaryCase } from "../cases.js";
import { documentedResponses } from "../documented-responses.js";
import { runDredd, type DreddRun } from "../dredd-runner.js";
import type { ReportCase } from "../report/model.js";
import type { Credentials } from "../signed-requests.js";

/** Runs Dredd against both sides and reports each documented response. */
export async function dreddReportCases(baseUrls: { provider: string; operator: string }, credentials: Credentials): Promise<ReportCase[]> {
  const sides = ["provider", "operator"] as const;
  const started = performance.now();
  const runs = await Promise.all(sides.map((side) => runDredd({ side, endpoint: baseUrls[side], credentials })));
  const bySide: Record<(typeof sides)[number], DreddRun> = { provider: runs[0]!, operator: runs[1]! };
  const seconds = (performance.now() - started) / 1000;
  const cases: ReportCase[] = [];
  for (const side of sides) {
    const loaded = bySide[side].hookRecords.find((record) => record.event === "loaded");
    if (!loaded || loaded.missing?.length) {
      cases.push({
        suite: "dredd",
        name: `${side}: hooks loaded and configured`,
        outcome: "failed",
        message: loaded ? `unset: ${loaded.missing!.join(", ")}` : "dredd-hooks.cjs was not loaded",
        details: bySide[side].output,
      });
    }
  }
  for (const response of documentedResponses()) {
    const run = bySide[response.operation.implementedBy];
    const name = response.dreddName;
    const record = run.hookRecords.find((entry) => entry.event === "transaction" && entry.name === name);
    const testcase = record && run.testcases.find((candidate) => candidate.title === record.id);
    const skip =
      notDrivableEntry(response.operation.operationId, response.status)?.reason ??
      primaryCase(response.operation.operationId, response.status)?.dreddSkip;
    if (!record || !testcase) {
      cases.push({
        suite: "dredd",
        name,
        outcome: "failed",
        message: "Dredd ran no transaction of this name",
        details: run.output.slice(-4000),
      });
    } else if (skip && testcase.outcome === "skip") {
      cases.push({ suite: "dredd", name, outcome: "skipped", message: skip });
    } else if (testcase.outcome === "pass" && record.action === "case") {
      cases.push({ suite: "dredd", name, outcome: "passed", message: record.case, seconds: seconds / documentedResponses().length });
    } else {
      cases.push({
        suite: "dredd",
        name,
        outcome: "failed",
        message: `Dredd: ${testcase.outcome} (${record.action}${record.detail ? `: ${record.detail}` : ""})`,
        details: testcase.detail,
      });
    }
  }
  return cases;
}
