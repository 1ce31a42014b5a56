// The layers of src/ read one way (src/README.md): every relative import of every module
// is checked against the rules below, so a shortcut across layers fails here by name.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../../src/spec-document.js";

/** What each part of the repository must not import (paths relative to the repository root). */
const forbidden: Array<{ from: string; mustNotImport: string[]; why: string; except?: string[] }> = [
  { from: "src/http/", mustNotImport: ["src/server/", "src/store/", "src/operator/", "src/cli/"], why: "http/ serves either side of the contract" },
  { from: "src/operator/", mustNotImport: ["src/server/", "src/store/"], why: "the operator's receiver is not the provider's server" },
  { from: "src/partners/", mustNotImport: ["src/server/", "src/store/", "src/http/", "src/operator/"], why: "partners are read by both sides" },
  { from: "src/store/", mustNotImport: ["src/server/", "src/http/", "src/operator/", "src/partners/"], why: "the store knows rows, not requests" },
  {
    from: "src/codegen/",
    mustNotImport: ["generated/", "src/server/", "src/http/", "src/store/", "src/operator/"],
    except: ["src/codegen/docs-tables.ts"],
    why: "the generator must run with generated/ deleted; only docs-tables.ts, no part of npm run generate, reads the runtime's definitions",
  },
  { from: "src/breaking/", mustNotImport: ["generated/", "src/server/", "src/http/", "src/store/", "src/operator/", "packages/"], why: "the breaking-change gate compares bundles as data; it is a build tool, not a runtime layer" },
  { from: "packages/session-api-client/src/", mustNotImport: ["src/", "test/"], why: "the client package ships to partners: it holds its own code and imports only what the spec generates" },
  { from: "packages/session-api-client/src/signing.ts", mustNotImport: ["generated/"], why: "the signing rule stands alone: the docs build bundles it with generated/ deleted" },
  {
    from: "src/contract/",
    mustNotImport: ["src/server/", "src/store/", "src/operator/", "src/http/", "src/cli/", "src/certify/"],
    except: ["src/contract/local-target.ts"],
    why: "the contract tester tests any implementation from outside; only local-target.ts starts the local servers",
  },
  { from: "src/certify/", mustNotImport: ["src/server/", "src/store/", "src/operator/", "src/http/", "src/cli/"], why: "the certification kit tests any operator's receiver from outside" },
  { from: "src/", mustNotImport: ["test/"], why: "product code never depends on tests" },
];

function modulesUnder(dir: string): string[] {
  return readdirSync(join(repoRoot, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.(ts|mts|cts|js|mjs|cjs)$/.test(entry.name))
    .map((entry) => relative(repoRoot, join(entry.parentPath, entry.name)));
}

/** The repository paths a module imports with relative specifiers (`import … from "./x.js"`, `import("…")`, `require("…")`). */
function relativeImports(file: string): string[] {
  const text = readFileSync(join(repoRoot, file), "utf8");
  const specifiers = [...text.matchAll(/(?:from\s+|import\s*\(\s*|require\s*\(\s*|^import\s+)["'](\.{1,2}\/[^"']+)["']/gm)].map((match) => match[1]!);
  return specifiers.map((specifier) => relative(repoRoot, resolve(dirname(join(repoRoot, file)), specifier)));
}

describe("layers of src/", () => {
  const modules = [...modulesUnder("src"), ...modulesUnder("packages/session-api-client/src")];

  it("finds the modules it checks", () => {
    expect(modules).toContain("src/http/contract-plugin.ts");
    expect(relativeImports("src/http/contract-plugin.ts")).toContain("src/partners/directory.js");
  });

  it.each(forbidden.map((rule) => [rule.from, rule] as const))("%s imports none of what it must not", (_from, rule) => {
    const crossings = modules
      .filter((file) => file.startsWith(rule.from) && !rule.except?.includes(file))
      .flatMap((file) => relativeImports(file).filter((target) => rule.mustNotImport.some((layer) => target.startsWith(layer) && !target.startsWith(rule.from))).map((target) => `${file} → ${target}`));
    expect(crossings, rule.why).toEqual([]);
  });
});
