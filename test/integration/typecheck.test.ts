// `tsc` over src/, test/, generated/ and the TypeScript code samples of the docs, so a
// sample that no longer compiles against the generated types fails the build.
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { expect, it } from "vitest";
import { repoRoot } from "../../src/codegen/spec.js";

it("type-checks the project and the TypeScript code samples", () => {
  let output = "";
  try {
    execFileSync(join(repoRoot, "node_modules/.bin/tsc"), ["-p", repoRoot], { encoding: "utf8", stdio: "pipe" });
  } catch (error) {
    output = (error as { stdout: string }).stdout;
  }
  expect(output).toBe("");
}, 120_000);
