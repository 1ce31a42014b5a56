// `npm run lint` is clean, and each house rule in redocly.yaml really fires: a copy of
// the spec is broken in one place per rule and every rule must report its own break.
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../../src/codegen/spec.js";

interface LintReport {
  totals: { errors: number; warnings: number };
  problems: { ruleId: string; location: { source: { ref: string } }[] }[];
}

function lint(cwd: string): LintReport {
  let stdout: string;
  try {
    stdout = execFileSync(join(repoRoot, "node_modules/.bin/redocly"), ["lint", "--format=json"], {
      cwd,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    });
  } catch (error) {
    stdout = (error as { stdout: string }).stdout; // redocly exits 1 when it finds errors
  }
  return JSON.parse(stdout) as LintReport;
}

describe("redocly lint", () => {
  it("reports 0 errors and 0 warnings on the spec", () => {
    const report = lint(repoRoot);
    expect(report.problems.map((problem) => `${problem.ruleId} at ${problem.location[0]?.source.ref}`)).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
  });

  // Inside the repository, so that the plugin's imports resolve from its node_modules.
  mkdirSync(join(repoRoot, "test-results"), { recursive: true });
  const copy = mkdtempSync(join(repoRoot, "test-results", "lint-copy-"));
  afterAll(() => rmSync(copy, { recursive: true, force: true }));

  /** Replaces `from` by `to` in a file of the copy; fails loudly if `from` is not there. */
  function breakFile(file: string, from: string | RegExp, to: string): void {
    const path = join(copy, file);
    const before = readFileSync(path, "utf8");
    const after = before.replace(from, to);
    if (after === before) throw new Error(`mutation of ${file} did not apply: ${from}`);
    writeFileSync(path, after);
  }

  it("fires every house rule on a spec broken once per rule", () => {
    for (const dir of ["openapi", "redocly.yaml"]) cpSync(join(repoRoot, dir), join(copy, dir), { recursive: true });
    breakFile("openapi/paths/V4_closesession.yaml", "operationId: closeSession", "operationId: close_session");
    breakFile("openapi/paths/api_session.yaml", "      Hash: []\n", "");
    breakFile("openapi/paths/V4_sessionexpired.yaml", "    - $ref: ../components/parameters/Hash.yaml\n", "");
    breakFile("openapi/paths/v1_CloseSession.yaml", / {4}'413':\n.*\n/, "");
    breakFile("openapi/paths/v1_CloseSession.yaml", "x-implemented-by: provider", "x-implemented-by: someone");
    breakFile("openapi/components/responses/EnterConflict.yaml", / {4}examples:[\s\S]*$/, "");
    breakFile("openapi/components/responses/KyrenServerError.yaml", "KyrenFailure.yaml", "KyrenResult.yaml");
    breakFile("openapi/components/schemas/V4Failure.yaml", "code: /error/code", "code: /error/kode");
    breakFile("openapi/paths/api_session.yaml", "    - G.03\n", "");
    breakFile(
      "openapi/components/schemas/PlayerSession.yaml",
      / {2}id:\n {4}type: string\n {4}description: >-\n( {6}.*\n)+/,
      "  id:\n    type: string\n",
    );
    breakFile("openapi/paths/V4_closesession.yaml", "    - G.00\n", "    - G.00\n    - G.05\n");

    const fired = new Set(lint(copy).problems.map((problem) => problem.ruleId));
    for (const rule of [
      "rule/operation-id-camel-case",
      "rule/hash-goes-with-memb-id",
      "session-api/signed-operation-parameters",
      "rule/documented-error-statuses",
      "session-api/implemented-by",
      "rule/response-has-example",
      "rule/error-response-refs-failure-schema",
      "rule/property-has-description",
      "session-api/error-envelope",
      "session-api/error-codes",
    ]) {
      expect(fired, rule).toContain(rule);
    }
  });

  it("fires session-api/default-error-envelope when no failure schema, or two, carry the default envelope", () => {
    for (const dir of ["openapi", "redocly.yaml"]) cpSync(join(repoRoot, dir), join(copy, dir), { recursive: true, force: true });
    breakFile("openapi/components/schemas/V4Failure.yaml", "x-default-error-envelope: true", "");
    expect(lint(copy).problems.map((problem) => problem.ruleId)).toContain("session-api/default-error-envelope");
    breakFile("openapi/components/schemas/V4Failure.yaml", "x-error-envelope:", "x-default-error-envelope: true\nx-error-envelope:");
    breakFile("openapi/components/schemas/KyrenFailure.yaml", "x-error-envelope:", "x-default-error-envelope: true\nx-error-envelope:");
    expect(lint(copy).problems.map((problem) => problem.ruleId)).toContain("session-api/default-error-envelope");
  });
});
