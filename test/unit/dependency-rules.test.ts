// The layer checker bites: the repository's own dependency-cruiser configuration
// (.dependency-cruiser.cjs, run on the tree by `npm run lint:deps` in `npm test`) is run
// through the cruiser's API on a small fixture tree laid out like this repository. The
// imports the layers allow pass; each forbidden one, a circle, a reach into the contract
// tester's internals, a shared module importing a layer, fails with the rule's name and the
// offending import.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { cruise, type ICruiseResult } from "dependency-cruiser";
import extractDepcruiseOptions from "dependency-cruiser/config-utl/extract-depcruise-options";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../src/shared/spec-document.js";

/** Files of the fixture tree: path → the modules it imports (NodeNext specifiers, `.js` for `.ts`; `type ` first: a type-only import). */
type Tree = Record<string, string[]>;

/** Imports every layer may make (src/README.md's table). */
const allowed: Tree = {
  "src/shared/spec-types.ts": [],
  "src/shared/command-line.ts": ["../../generated/operations.js"],
  "src/partners/directory.ts": ["../shared/spec-types.js"],
  "src/http/contract-plugin.ts": ["../partners/directory.js", "../../generated/operations.js"],
  "src/store/session-store.ts": ["../../generated/operations.js"],
  "src/server/app.ts": ["../http/contract-plugin.js", "../store/session-store.js", "../partners/directory.js"],
  "src/operator/receiver.ts": ["../http/contract-plugin.js", "../partners/directory.js"],
  "src/contract/types.ts": [],
  "src/contract/probe.ts": ["type ./types.js", "./conformance.js"],
  "src/contract/conformance.ts": ["type ./types.js", "type ../shared/spec-types.js"],
  "src/contract/index.ts": ["./probe.js", "./types.js"],
  "src/contract/local-target.ts": ["../server/app.js", "../operator/receiver.js", "../store/session-store.js"],
  "src/certify/run.ts": ["../contract/index.js", "../shared/command-line.js"],
  "src/codegen/spec.ts": ["../shared/spec-types.js"],
  "src/packaging/bundled.ts": ["../codegen/spec.js"],
  "src/sandbox/bin.ts": ["../server/app.js"],
  "src/cli/callbacks.ts": ["../store/session-store.js"],
  "src/mock/front.ts": ["../http/message-limit.js", "../../generated/operations.js"],
  "src/http/message-limit.ts": [],
  "generated/operations.ts": [],
};

/** One forbidden import each (added to the allowed tree): the rule that must name it, from, to, and whether it is type-only. */
const forbidden: Array<[rule: string, from: string, to: string, typeOnly?: "type-only"]> = [
  ["no-circular", "src/contract/types.ts", "src/contract/probe.ts"],
  // The circle the contract tester had: a type-only import back from the module the other one runs.
  ["no-circular", "src/contract/conformance.ts", "src/contract/probe.ts", "type-only"],
  ["certify-uses-the-contract-entry-point", "src/certify/run.ts", "src/contract/probe.ts"],
  ["shared-imports-no-layer", "src/shared/spec-types.ts", "src/server/app.ts"],
  ["http-serves-either-side", "src/http/contract-plugin.ts", "src/server/app.ts"],
  ["contract-tests-from-outside", "src/contract/probe.ts", "src/server/app.ts"],
  ["no-runtime-imports-a-build-tool", "src/contract/conformance.ts", "src/codegen/spec.ts", "type-only"],
  ["codegen-runs-without-generated", "src/codegen/spec.ts", "generated/operations.ts"],
  ["operator-is-not-the-provider", "src/operator/receiver.ts", "src/store/session-store.ts"],
  ["mock-imports-what-a-mock-needs", "src/mock/front.ts", "src/http/contract-plugin.ts"],
  ["src-not-to-test", "src/server/app.ts", "test/support/servers.ts"],
];

let fixtures: string;
let cruiseOptions: Awaited<ReturnType<typeof extractDepcruiseOptions>>;

beforeAll(async () => {
  fixtures = mkdtempSync(join(tmpdir(), "dependency-rules-"));
  cruiseOptions = await extractDepcruiseOptions(join(repoRoot, ".dependency-cruiser.cjs"));
});

afterAll(() => rmSync(fixtures, { recursive: true, force: true }));

/** Writes `tree` under a new folder, one import per edge. */
function writeTree(name: string, tree: Tree): string {
  const root = join(fixtures, name);
  for (const [file, imports] of Object.entries(tree)) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    const line = (specifier: string, index: number) =>
      specifier.startsWith("type ") ? `import type * as types${index} from "${specifier.slice(5)}";` : `import "${specifier}";`;
    const lines = imports.map(line);
    writeFileSync(join(root, file), `${lines.join("\n")}\nexport const here = ${JSON.stringify(file)};\n`);
  }
  return root;
}

/** The violations of the repository's rules in `tree`, as `rule: from → to`. */
async function violations(name: string, tree: Tree): Promise<string[]> {
  const root = writeTree(name, tree);
  const { tsConfig: _ownTsConfig, ...options } = cruiseOptions;
  const result = await cruise(["src"], { ...options, baseDir: root, outputType: "json" }, { extensions: [".ts", ".js"] });
  const output = JSON.parse(result.output as string) as ICruiseResult;
  return output.summary.violations.map((violation) => `${violation.rule.name}: ${violation.from} → ${violation.to}`);
}

describe("the layer checker (.dependency-cruiser.cjs)", () => {
  it("passes the imports the layers allow, so a failure below is the added import's", async () => {
    expect(await violations("allowed", allowed)).toEqual([]);
  });

  const cases = forbidden.map(([rule, from, to, typeOnly], index) => [rule, from, to, typeOnly ?? "", index] as const);
  it.each(cases)("fails %s on %s → %s %s", async (rule, from, to, typeOnly, index) => {
    const path = relative(dirname(from), to)
      .replace(/^(?!\.)/, "./")
      .replace(/\.ts$/, ".js");
    const specifier = typeOnly ? `type ${path}` : path;
    const tree: Tree = { [to]: [], ...allowed, [from]: [...(allowed[from] ?? []), specifier] };
    const found = await violations(`forbidden-${index}`, tree);
    // A circle is reported once, from whichever of its modules the cruiser met first.
    const expected = rule === "no-circular" ? [`${rule}: ${from} → ${to}`, `${rule}: ${to} → ${from}`] : [`${rule}: ${from} → ${to}`];
    expect(
      found.filter((violation) => expected.includes(violation)),
      found.join("\n"),
    ).toHaveLength(1);
  });
});
