// `npm run breaking` (src/breaking/) end to end: openapi-diff and the
// gate's own checks together, the CLI's report and exit status. Every change is made to a
// temporary copy of the bundle. Done when: it passes the spec as it is and a compatible
// change, and fails on a removed response field and a newly required request field.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compareContracts, judge } from "../../../src/breaking/gate.js";
import { runGate } from "../../../src/breaking/main.js";
import { newestRelease, parseVersion, type Contract } from "../../../src/breaking/releases.js";
import { repoRoot } from "../../../src/shared/spec-document.js";
import {
  addProperty,
  catalogSchema,
  copyOfBundle,
  definitionsOf,
  isRequired,
  messageSchema,
  minorReleaseLike,
  propertyNames,
  removeProperty,
  requireProperty,
} from "../../support/contract-changes.js";
import { allOperations } from "../../support/spec-views.js";

const dir = mkdtempSync(join(tmpdir(), "session-api-breaking-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Doc = ReturnType<typeof copyOfBundle>;

/** Writes a document to the temporary folder and returns its path. */
function write(name: string, doc: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, typeof doc === "string" ? doc : JSON.stringify(doc, null, 2));
  return file;
}

/** Runs the gate's CLI in a child process, as `npm run breaking` does. */
function gate(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ["--import", "tsx", join(repoRoot, "src/breaking/main.ts"), ...args],
      { cwd: repoRoot, encoding: "utf8", timeout: 60_000 },
      (_error, stdout, stderr) => resolve({ status: child.exitCode, stdout, stderr }),
    );
  });
}

/** Runs the gate in-process, as the CLI does. */
async function gateInProcess(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  let [stdout, stderr] = ["", ""];
  const status = await runGate(args, { out: (text) => (stdout += text), err: (text) => (stderr += text) });
  return { status, stdout, stderr };
}

const contract = (doc: Doc, file = "in-memory"): Contract => ({ file, doc, version: parseVersion(doc.info.version, file) });

/** The full gate, in-process: changes and verdict of `change` applied to a copy of the bundle. */
async function verdictAfter(change: (doc: Doc) => void) {
  const [baseline, current] = [copyOfBundle(), copyOfBundle()];
  change(current);
  const changes = await compareContracts(baseline, current);
  return { changes, verdict: judge(contract(baseline), contract(current), changes) };
}

const provider = allOperations.filter((operation) => operation.implementedBy === "provider");
const enter = provider[0]!;
const successField = propertyNames(copyOfBundle(), messageSchema(copyOfBundle(), enter, 200))[0]!;
/** How the report names an operation: `enterGameSession (POST /api/session)`. */
const label = (operation: (typeof provider)[number]) => `${operation.operationId} (${operation.method.toUpperCase()} ${operation.path})`;
const removeSuccessField = (doc: Doc) => removeProperty(doc, messageSchema(doc, enter, 200), successField);

describe.concurrent("npm run breaking", () => {
  it("passes the spec as it is against the newest release", async () => {
    const released = newestRelease();
    expect(released, "openapi/releases/ holds a release").toBeDefined();
    const run = await gate([]);
    expect(run.stderr + run.stdout).toContain(`against the released openapi/releases/${released!.version.text}.json`);
    expect(run.stdout).not.toContain("BREAKING");
    expect(run.stdout).toContain("PASS");
    expect(run.status, run.stdout + run.stderr).toBe(0);
  });

  it("passes a compatible change (a new optional request field) and lists it", async () => {
    const current = copyOfBundle();
    for (const operation of provider)
      addProperty(current, messageSchema(current, operation, "request"), "traceId", { type: "string" }, false);
    const run = await gateInProcess(["--baseline", write("base.json", copyOfBundle()), "--current", write("optional-field.json", current)]);
    expect(run.stdout).toContain("compatible new optional field `traceId`");
    expect(run.stdout).toContain("0 breaking");
    expect(run.status, run.stdout + run.stderr).toBe(0);
  });

  it("fails on a removed response field, naming the field, the operation and the status", async () => {
    const current = copyOfBundle();
    removeSuccessField(current);
    const run = await gate(["--baseline", write("base.json", copyOfBundle()), "--current", write("removed-field.json", current)]);
    expect(run.stdout).toMatch(new RegExp(`BREAKING +field \`${successField}\` removed`));
    expect(run.stdout).toMatch(new RegExp(`at #/components/schemas/\\w+/properties/${successField}`));
    expect(run.stdout).toContain(`in ${label(enter)}: response 200`);
    expect(run.stdout).toContain("[openapi-diff: response.body.scope.add]");
    expect(run.stdout).toContain("FAIL: ");
    expect(run.stdout).toContain("raise info.version in openapi/openapi.yaml to 2.0.0");
    expect(run.status, run.stdout + run.stderr).toBe(1);
  });

  it("passes the same breaking change when the major version is raised", async () => {
    const current = copyOfBundle("2.0.0");
    removeSuccessField(current);
    const run = await gateInProcess([
      "--baseline",
      write("base.json", copyOfBundle()),
      "--current",
      write("removed-field-2.0.0.json", current),
    ]);
    expect(run.stdout).toContain("BREAKING");
    expect(run.stdout).toContain("PASS: ");
    expect(run.stdout).toContain("allowed by the new major version 2.0.0");
    expect(run.status, run.stdout + run.stderr).toBe(0);
  });

  it.each([
    [
      "an info.version lower than the release's",
      () => ["--baseline", write("base.json", copyOfBundle()), "--current", write("older.json", copyOfBundle("0.9.0"))],
      "is older than the released 1.0.0",
    ],
    [
      "a version that is not MAJOR.MINOR.PATCH",
      () => ["--baseline", write("base.json", copyOfBundle()), "--current", write("v1.json", copyOfBundle("v1"))],
      "is not a semantic version",
    ],
    ["a bundle that is not JSON", () => ["--current", write("broken.json", "{ not json")], "is not JSON"],
    ["a missing bundle", () => ["--current", join(dir, "missing.json")], "does not exist"],
    ["no release yet", () => ["--releases", mkdtempSync(join(dir, "no-releases-"))], "no released contract in"],
    ["an unknown option", () => ["--baseline-file", "x"], "Unknown option"],
  ])("cannot compare with %s: exit status 2 and a message", async (_name, args, message) => {
    const run = await gateInProcess(args());
    expect(run.stderr).toContain(message);
    expect(run.status).toBe(2);
  });
});

describe("the full gate (openapi-diff and the own checks)", () => {
  it("fails on a newly required request field, which both openapi-diff and the own checks report, and changes neither document", async () => {
    const [operation, name] = provider
      .flatMap((candidate) =>
        propertyNames(copyOfBundle(), messageSchema(copyOfBundle(), candidate, "request")).map((field) => [candidate, field] as const),
      )
      .find(([candidate, field]) => !isRequired(copyOfBundle(), messageSchema(copyOfBundle(), candidate, "request"), field))!;
    const [baseline, current] = [copyOfBundle(), copyOfBundle()];
    requireProperty(current, messageSchema(current, operation, "request"), name);
    const [baselineBefore, currentBefore] = [structuredClone(baseline), structuredClone(current)];
    const changes = await compareContracts(baseline, current);
    expect(judge(contract(baseline), contract(current), changes).pass).toBe(false);
    expect([baseline, current], "compareContracts leaves both documents as they were").toEqual([baselineBefore, currentBefore]);
    expect(changes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ classification: "breaking", source: "gate", rule: "field-now-required" }),
        expect.objectContaining({ classification: "breaking", source: "openapi-diff", rule: "request.body.scope.remove" }),
      ]),
    );
  });

  it("reports each breaking change once, whichever side sees it: a removed operation, a code removed from the catalog (a narrowed response enum: only the gate), a `not` in a request (only openapi-diff)", async () => {
    const removed = allOperations.at(-1)!;
    expect(removed.operationId).not.toBe(enter.operationId);
    const { changes, verdict } = await verdictAfter((doc) => {
      delete (doc.paths[removed.path] as any)[removed.method];
      catalogSchema(doc).schema.enum.pop();
      const schema = messageSchema(doc, enter, "request");
      definitionsOf(doc, schema)[0].not = { required: [propertyNames(doc, schema)[0]] };
    });
    expect(verdict.pass).toBe(false);
    const breaking = changes.filter((change) => change.classification === "breaking");
    const removedLabel = label(removed);
    expect(
      breaking
        .filter((change) => change.usages.some((usage) => usage.operation === removedLabel))
        .map((change) => `${change.source} ${change.rule}`),
    ).toEqual(["gate operation-removed"]);
    const catalogPointer = `#/components/schemas/${catalogSchema(copyOfBundle()).name}/enum`;
    expect(
      new Set(breaking.filter((change) => change.pointer === catalogPointer).map((change) => `${change.source} ${change.rule}`)),
    ).toEqual(new Set(["gate enum-value-removed"]));
    const enterLabel = label(enter);
    expect(
      breaking
        .filter((change) => change.usages.some((usage) => usage.operation === enterLabel && usage.part === "request"))
        .map((change) => `${change.source} ${change.rule}`),
    ).toEqual(["openapi-diff request.body.scope.remove"]);
  });

  it("passes a minor release like 1.1.0, classifying openapi-diff's callback findings for operators", async () => {
    const { changes, verdict } = await verdictAfter((doc) => minorReleaseLike(doc, allOperations));
    expect(changes.filter((change) => change.classification === "breaking")).toEqual([]);
    expect(verdict).toEqual({ pass: true, reason: "no breaking change" });
    const callback = allOperations.find((operation) => operation.implementedBy === "operator")!;
    expect(changes).toContainEqual(
      expect.objectContaining({
        source: "openapi-diff",
        rule: "request.body.scope.remove",
        classification: "compatible",
        message: expect.stringContaining("operators implement this operation"),
      }),
    );
    expect(
      changes.some(
        (change) => change.source === "openapi-diff" && change.usages.some((usage) => usage.operation.startsWith(callback.operationId)),
      ),
    ).toBe(true);
  });
});
