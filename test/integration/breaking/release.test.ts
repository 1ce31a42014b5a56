// `npm run release` (src/breaking/release.ts): it writes the baseline the
// gate compares with, and refuses a version that is not newer, a breaking change within a
// major version, a changelog without the version's section, and a changed released
// contract. Runs on temporary folders, never on openapi/releases/.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeEach, expect, it } from "vitest";
import { cutRelease, ReleaseRefused, type ReleasePaths } from "../../../src/breaking/release.js";
import { newestRelease } from "../../../src/breaking/releases.js";
import { addProperty, copyOfBundle, messageSchema, propertyNames, removeProperty } from "../../support/contract-changes.js";
import { allOperations } from "../../support/spec-views.js";

const root = mkdtempSync(join(tmpdir(), "session-api-release-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let paths: ReleasePaths;
beforeEach((context) => {
  const dir = join(root, context.task.id);
  mkdirSync(dir);
  paths = { bundleFile: join(dir, "openapi.json"), releasesDir: join(dir, "releases"), changelogFile: join(dir, "CHANGELOG.md") };
});

type Doc = ReturnType<typeof copyOfBundle>;
const bundle = (doc: Doc) => writeFileSync(paths.bundleFile, `${JSON.stringify(doc, null, 2)}\n`);
const changelog = (...versions: string[]) =>
  writeFileSync(
    paths.changelogFile,
    `## Unreleased\n\n${versions.map((version) => `## ${version} - 2026-11-22\n\n- A change.\n`).join("\n")}`,
  );
const enter = allOperations.find((operation) => operation.implementedBy === "provider")!;

/** Releases 1.0.0 of the unchanged bundle, as the repository did first. */
async function releaseFirst(): Promise<void> {
  bundle(copyOfBundle("1.0.0"));
  changelog("1.0.0");
  expect(await cutRelease(paths)).toEqual({ file: join(paths.releasesDir, "1.0.0.json"), written: true });
}

it("writes the first release as the bundle's exact bytes, and does nothing when run again", async () => {
  await releaseFirst();
  expect(readFileSync(join(paths.releasesDir, "1.0.0.json"), "utf8")).toBe(readFileSync(paths.bundleFile, "utf8"));
  expect(await cutRelease(paths)).toEqual({ file: join(paths.releasesDir, "1.0.0.json"), written: false });
});

it("refuses to change a released contract", async () => {
  await releaseFirst();
  const changed = copyOfBundle("1.0.0");
  addProperty(changed, messageSchema(changed, enter, "request"), "traceId", { type: "string" }, false);
  bundle(changed);
  await expect(cutRelease(paths)).rejects.toThrow(/1\.0\.0 was already released with another bundle.*raise info\.version/);
});

it("releases a compatible change as a new minor version once the changelog has its section", async () => {
  await releaseFirst();
  const minor = copyOfBundle("1.1.0");
  addProperty(minor, messageSchema(minor, enter, "request"), "traceId", { type: "string" }, false);
  bundle(minor);
  await expect(cutRelease(paths)).rejects.toThrow('has no section "## 1.1.0 - YYYY-MM-DD"');
  changelog("1.1.0", "1.0.0");
  expect((await cutRelease(paths)).written).toBe(true);
  expect(newestRelease(paths.releasesDir)?.version.text).toBe("1.1.0");
});

it("refuses a version that is not newer than the newest release", async () => {
  await releaseFirst();
  bundle(copyOfBundle("0.9.0"));
  changelog("0.9.0", "1.0.0");
  await expect(cutRelease(paths)).rejects.toThrow("info.version 0.9.0 is not newer than the newest release 1.0.0");
});

it("refuses a breaking change within the major version, with the gate's report, and releases it as a new major version", async () => {
  await releaseFirst();
  const removeField = (doc: Doc) =>
    removeProperty(doc, messageSchema(doc, enter, 200), propertyNames(doc, messageSchema(doc, enter, 200))[0]!);
  const minor = copyOfBundle("1.1.0");
  removeField(minor);
  bundle(minor);
  changelog("1.1.0", "1.0.0");
  const refusal = await cutRelease(paths).then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(refusal).toBeInstanceOf(ReleaseRefused);
  expect((refusal as ReleaseRefused).report).toMatch(/BREAKING +field/);
  const major = copyOfBundle("2.0.0");
  removeField(major);
  bundle(major);
  changelog("2.0.0", "1.0.0");
  expect((await cutRelease(paths)).written).toBe(true);
});
