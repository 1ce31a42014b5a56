// Drift check: generated/ must be exactly what the current spec generates. A failure here
// means someone changed openapi/ without `npm run generate`, or edited generated/ by hand.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { renderGenerated } from "../../../src/codegen/generate.js";
import { repoRoot } from "../../../src/codegen/spec.js";

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [relative(join(repoRoot, "generated"), path)];
  });
}

describe("generated/", async () => {
  const expected = await renderGenerated();

  it("holds exactly the generated files, no more and no fewer", () => {
    expect(filesUnder(join(repoRoot, "generated")).sort()).toEqual(Object.keys(expected).sort());
  });

  it.each(Object.keys(expected).map((file) => [file]))("%s matches the spec (run `npm run generate` if not)", (file) => {
    expect(readFileSync(join(repoRoot, "generated", file), "utf8")).toBe(expected[file]);
  });
});
